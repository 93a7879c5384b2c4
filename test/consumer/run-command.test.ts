// `cxpact run`: the offline runner, through the real CLI entry and the real engine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';

const ROOT = path.resolve(__dirname, '..', '..');
const LOOKUP = path.join(ROOT, 'data-actions/crm-customer-api/lookup-customer-by-phone.json');

async function run(argv: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd };
  const code = await runCli(['run', ...argv], io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('cxpact run', () => {
  let dir: string;
  const response = (body: unknown, status = 200): string => {
    const file = path.join(dir, `r${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify({ status, headers: { 'Content-Type': 'application/json' }, body }));
    return file;
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-run-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints exactly {request, translation, output, valid, errors} with --json', async () => {
    const r = await run([
      LOOKUP,
      '--input',
      '{"phoneNumber":"+15551234567"}',
      '--response',
      response({
        customer: { customerId: 'C1', fullName: 'Ada', tier: 'VIP', openTickets: 3, flags: { blacklisted: true } },
      }),
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(Object.keys(json)).toEqual(['request', 'translation', 'output', 'valid', 'errors']);
    expect(json.request).toEqual({
      method: 'GET',
      url: 'https://crm.example.com/api/v1/customers?phone=%2B15551234567',
      headers: { Authorization: 'Bearer {{credentials.apiKey}}', Accept: 'application/json' },
      body: null,
    });
    expect(json.translation).toEqual({
      customerId: 'C1',
      fullName: 'Ada',
      accountTier: 'VIP',
      openTickets: 3,
      isBlacklisted: true,
    });
    expect(json.output).toEqual({
      customerId: 'C1',
      fullName: 'Ada',
      accountTier: 'VIP',
      openTickets: 3,
      isBlacklisted: true,
    });
    expect(json.valid).toBe(true);
    expect(json.errors).toEqual([]);
  });

  it('renders a relative Genesys Cloud URL without a response', async () => {
    const r = await run([
      path.join(ROOT, 'data-actions/genesys-cloud-api/get-queue-estimated-wait-time.json'),
      '--input',
      '{"queueId":"q-1"}',
      '--json',
    ]);
    const json = JSON.parse(r.out);
    expect(json.request.url).toBe('/api/v2/routing/queues/q-1/mediatypes/call/estimatedwaittime');
    expect(json.translation).toBeNull();
    expect(json.output).toBeNull();
    expect(r.code).toBe(0);
  });

  it('reports outputs that break the output schema', async () => {
    const r = await run([
      LOOKUP,
      '--input',
      '{"phoneNumber":"+15551234567"}',
      '--response',
      response({
        customer: { customerId: 'C1', fullName: 'Ada', tier: 'Gold', openTickets: 1.5, flags: { blacklisted: 'no' } },
      }),
      '--json',
    ]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.valid).toBe(false);
    const text = json.errors.map((e: { message: string }) => e.message).join('\n');
    expect(text).toMatch(/accountTier/);
    expect(text).toMatch(/openTickets/);
    expect(text).toMatch(/isBlacklisted/);
  });

  it('reports inputs that break the input schema (input file) and a non-2xx response', async () => {
    const input = path.join(dir, 'input.json');
    fs.writeFileSync(input, JSON.stringify({ phoneNumber: 'call me' }));
    const r = await run([LOOKUP, '--input', input, '--response', response({ error: 'x' }, 404), '--json']);
    expect(r.code).toBe(1);
    const messages = JSON.parse(r.out)
      .errors.map((e: { message: string }) => e.message)
      .join('\n');
    expect(messages).toMatch(/input/i);
    expect(messages).toMatch(/404/);
  });

  it('prints a human summary that marks defaults', async () => {
    const r = await run([
      LOOKUP,
      '--input',
      '{"phoneNumber":"+15551234567"}',
      '--response',
      response({ customer: { customerId: 'C1', fullName: 'Ada', tier: 'VIP', flags: { blacklisted: true } } }),
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/GET https:\/\/crm\.example\.com\/api\/v1\/customers\?phone=%2B15551234567/);
    expect(r.out).toMatch(/openTickets = 0 .*translationMapDefaults/);
  });

  it('is a usage error without an action file or with bad --input JSON', async () => {
    expect((await run([])).code).toBe(2);
    const bad = await run([LOOKUP, '--input', '{nope']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--input is not valid JSON/);
  });

  it('has help listing usage, options and exit codes', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: cxpact run <action-file> --input/);
    expect(r.out).toMatch(/Exit codes:/);
  });
});
