// `cxpact run` human output says what was checked: without --response only the inputs and the request.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';

const ROOT = path.resolve(__dirname, '..', '..');
const QUEUE = path.join(ROOT, 'data-actions/genesys-cloud-api/get-queue-estimated-wait-time.json');
const UPDATE = path.join(ROOT, 'data-actions/crm-customer-api/update-account.json');

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, cwd: ROOT };
  const code = await runCli(['run', ...argv], io);
  return { code, out: out.join('') };
}

describe('cxpact run (human output)', () => {
  it('says only the inputs and the request were checked without a response, and keeps the URL relative', async () => {
    const r = await run([QUEUE, '--input', '{"queueId":"q-1"}']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/GET \/api\/v2\/routing\/queues\/q-1\/mediatypes\/call\/estimatedwaittime/);
    expect(r.out).toMatch(/valid: inputs and request \(pass --response <file> to run the translation\)\n$/);
  });

  it('checks the outputs with a response read from a file, inputs from a file too', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-run-human-'));
    try {
      const input = path.join(dir, 'input.json');
      const response = path.join(dir, 'response.json');
      fs.writeFileSync(input, JSON.stringify({ accountId: 'A-1', preferredLanguage: 'en-US', callbackOptIn: false }));
      fs.writeFileSync(
        response,
        JSON.stringify({
          status: 200,
          headers: {},
          body: { account: { id: 'A-1', preferredLanguage: 'en-US', callbackOptIn: false, balance: 3.5 } },
        }),
      );
      const r = await run([UPDATE, '--input', input, '--response', response]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/PATCH https:\/\/crm\.example\.com\/api\/v1\/accounts\/A-1/);
      expect(r.out).toMatch(/balance = 3\.5/);
      expect(r.out).toMatch(/valid: inputs, request and outputs\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
