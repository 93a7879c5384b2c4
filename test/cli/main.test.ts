import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { COMMANDS, loadCommand, runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';

const root = path.join(__dirname, '..', '..');

function captureIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: root };
}

describe('cxpact command line', () => {
  it.each(Object.keys(COMMANDS))('command %s loads and documents its usage, options and exit codes', async (name) => {
    const cmd = await loadCommand(name);
    expect(cmd).toBeDefined();
    expect(cmd!.name).toBe(name);
    expect(cmd!.summary.length).toBeGreaterThan(10);
    expect(cmd!.help).toContain(`cxpact ${name}`);
    expect(cmd!.help.toLowerCase()).toMatch(/exit/);
  });

  it('prints --help for a command without running it', async () => {
    const io = captureIO();
    const code = await runCli(['consumer', '--help'], io);
    expect(code).toBe(0);
    expect(io.out.join('')).toContain('cxpact consumer');
  });

  it('lists every command in the top-level help', async () => {
    const io = captureIO();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(io.out.join('')).toContain(name);
  });

  it('rejects an unknown command with exit 2 and says how to list commands', async () => {
    const io = captureIO();
    expect(await runCli(['publsh'], io)).toBe(2);
    expect(io.err.join('')).toContain('Unknown command "publsh"');
    expect(io.err.join('')).toContain('cxpact --help');
  });

  it('the installed bin runs the CLI on Node 24 even when started by the system Node', () => {
    const systemNode = spawnSync('bash', ['-lc', 'command -v -a node | grep -v node_modules | head -1'], {
      encoding: 'utf8',
    }).stdout.trim();
    const res = spawnSync(systemNode || process.execPath, [path.join(root, 'bin', 'cxpact.js'), '--version'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe(require('../../package.json').version);
    expect(res.status).toBe(0);
  });
});
