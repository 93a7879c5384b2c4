// The README's main command, run as a user runs it: `npm run demo` spawns the local broker and the example
// provider as real processes and drives every cxpact command over real HTTP. This test reads what it printed.
import fs from 'node:fs';
import path from 'node:path';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } from '../../scripts/genesys-sandbox';
import { runChild } from '../helpers/child';

const root = path.join(__dirname, '..', '..');

describe('npm run demo (the main job end to end)', () => {
  let result: { status: number | null; stdout: string; stderr: string; all: string };

  beforeAll(async () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    // In its own process group with a deadline: a hung demo is stopped with everything it started (broker, provider).
    const res = await runChild(npm, ['run', '--silent', 'demo'], {
      cwd: root,
      env: { ...process.env, CI: '' },
      timeoutMs: 240_000,
    });
    if (res.timedOut)
      throw new Error(
        `npm run demo did not finish within 240 s (stopped, process group and all):\n${(res.stdout + res.stderr).slice(-4000)}`,
      );
    result = { status: res.code, stdout: res.stdout, stderr: res.stderr, all: res.stdout + res.stderr };
  }, 250_000);

  it('exits 0 because every step answered as expected', () => {
    expect(result.stdout).toContain('The demo behaved as expected.');
    expect(result.status).toBe(0);
  });

  it('generates, publishes and verifies the contracts, and the gate says yes for the consumer', () => {
    // The derived failure and absent-field cases of update-account are checked by the emulator, not the provider.
    expect(result.all).toMatch(/Verification of crm-customer-api .*: 8 of 8 interaction\(s\) passed\./);
    expect(result.all).toContain('OK: 6 actions, 12 cases (10 in pacts, 2 checked by the emulator only)');
    expect(result.all).toMatch(/Can genesys-data-actions \S+ be deployed to production\? YES/);
  });

  it('catches the renamed field: verification names it and the gate says no', () => {
    expect(result.all).toContain(
      'expected field customer.customerId is missing; the provider returned customer.customer_id (renamed?)',
    );
    expect(result.all).toMatch(/Can crm-customer-api \S+-renamed be deployed to production\? NO/);
  });

  it('records the third-party API, checks the recordings and publishes the outcome', () => {
    expect(result.all).toMatch(/✔ pact:record genesys-cloud-api: exit 0/);
    expect(result.all).toMatch(/2 of 2 interaction\(s\) match their recordings .*fingerprint rec-[0-9a-f]{16}/);
  });

  it('writes no client id or secret into the recordings or the output', () => {
    const dir = path.join(root, '.tmp', 'demo', 'providers', 'genesys-cloud-api', 'recordings');
    const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = fs.readFileSync(path.join(f.parentPath, f.name), 'utf8');
      expect(text).not.toContain(SANDBOX_CLIENT_SECRET);
      expect(text).not.toContain(SANDBOX_CLIENT_ID);
    }
    expect(result.all).not.toContain(SANDBOX_CLIENT_SECRET);
  });

  it("is quiet: cxpact's own summaries, no verifier per-interaction log, no Node deprecation warning; the last line says the broker stopped", () => {
    expect(result.all).not.toContain('Verifying a pact between');
    expect(result.all).not.toContain('DeprecationWarning');
    expect(result.all).toContain("[cxpact] The verifier's log: .tmp/demo/verify-crm.log");
    expect(fs.readFileSync(path.join(root, '.tmp', 'demo', 'verify-crm.log'), 'utf8')).toContain(
      'Verifying a pact between',
    );
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^The broker \(http:\/\/127\.0\.0\.1:\d+\) has stopped;/);
    // about a screen per step: no step prints more than 40 lines
    const steps = result.stdout.split(/\n(?=\u001b\[1m==> )/);
    for (const step of steps) expect(step.split('\n').length).toBeLessThanOrEqual(40);
  });

  it('never prints a secret placeholder resolved to a value', () => {
    expect(result.all).not.toMatch(/Bearer [A-Za-z0-9._-]{20,}/);
  });
});
