// The README's main command, run as a user runs it: `npm run demo` spawns the local broker and the example
// provider as real processes and drives every cxpact command over real HTTP. This test reads what it printed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

describe('npm run demo (the main job end to end)', () => {
  let result: { status: number | null; stdout: string; stderr: string; all: string };

  beforeAll(() => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const res = spawnSync(npm, ['run', '--silent', 'demo'], { cwd: root, encoding: 'utf8', timeout: 240_000, env: { ...process.env, CI: '' } });
    result = { status: res.status, stdout: res.stdout, stderr: res.stderr, all: res.stdout + res.stderr };
  }, 250_000);

  it('exits 0 because every step answered as expected', () => {
    expect(result.stdout).toContain('The demo behaved as expected.');
    expect(result.status).toBe(0);
  });

  it('generates, publishes and verifies the contracts, and the gate says yes for the consumer', () => {
    expect(result.all).toMatch(/Verification of crm-customer-api .*: 10 of 10 interaction\(s\) passed\./);
    expect(result.all).toMatch(/Can genesys-data-actions \S+ be deployed to production\? YES/);
  });

  it('catches the renamed field: verification names it and the gate says no', () => {
    expect(result.all).toContain('the provider returned customer.customer_id (renamed?)');
    expect(result.all).toMatch(/Can crm-customer-api \S+-renamed be deployed to production\? NO/);
  });

  it('never prints a secret placeholder resolved to a value', () => {
    expect(result.all).not.toMatch(/Bearer [A-Za-z0-9._-]{20,}/);
  });
});
