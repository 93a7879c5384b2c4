// How the CLI writes its output (src/cli/main.ts standardWriter): on Linux straight to the file descriptor, the same
// bytes in the same order as process.stdout would write them, through a pipe as large as it comes; a descriptor that
// refuses a write hands that write and every later one to the stream.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { standardWriter } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..');

describe('standardWriter', () => {
  it('writes every byte of a large output, in order, through a pipe its reader drains slowly', async () => {
    // 3 MB of numbered lines with multi-byte characters, in writes of varying size, through the compiled CLI's writer.
    const script = `const w = require(${JSON.stringify(path.join(ROOT, 'dist', 'cli', 'main.js'))}).standardWriter(1, () => process.stdout);
      for (let i = 0; i < 30000; i++) w(\`\${i} é€😀 \${'x'.repeat(i % 200)}\\n\`);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // A slow reader: the pipe fills, and the writer has to wait.
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 1);
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    expect(lines.length).toBe(30001);
    for (let i = 0; i < 30000; i++)
      if (lines[i] !== `${i} é€😀 ${'x'.repeat(i % 200)}`) throw new Error(`line ${i}: ${lines[i]}`);
  }, 60_000);

  it('a descriptor that refuses a write: that write and the later ones go to the stream, whole and in order', () => {
    const written: string[] = [];
    const stream = {
      write: (chunk: string | Uint8Array) => written.push(Buffer.from(chunk).toString('utf8')),
    } as unknown as NodeJS.WriteStream;
    // A descriptor number no process has open: EBADF.
    const w = standardWriter(987654, () => stream);
    w('first é\n');
    w('second\n');
    expect(written).toEqual(['first é\n', 'second\n']);
  });
});
