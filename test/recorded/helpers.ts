// Temp workspaces for the recorded-check CLI tests: a providers dir with a copy of a record config (with test
// retry/rate settings), and a pacts dir with fixture pacts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../verify/cli-io';

export const FIXTURE_PACTS = path.join(__dirname, 'fixtures', 'pacts');

export interface Workspace {
  root: string;
  providersDir: string;
  pactsDir: string;
  recordingsOf(provider: string, consumer?: string): string;
  /** Every file under the provider's recordings, with its content. */
  recordingFiles(provider: string): Array<{ file: string; text: string }>;
  cleanup(): void;
}

export function makeWorkspace(opts: { pacts: string[]; configs: Record<string, Record<string, unknown>> }): Workspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-recorded-'));
  const providersDir = path.join(root, 'providers');
  const pactsDir = path.join(root, 'pacts');
  fs.mkdirSync(pactsDir, { recursive: true });
  for (const p of opts.pacts) fs.copyFileSync(path.join(FIXTURE_PACTS, p), path.join(pactsDir, p));
  for (const [provider, config] of Object.entries(opts.configs)) {
    fs.mkdirSync(path.join(providersDir, provider), { recursive: true });
    fs.writeFileSync(path.join(providersDir, provider, 'record.config.json'), JSON.stringify(config, null, 2));
  }
  const recordingsOf = (provider: string, consumer = 'genesys-data-actions') =>
    path.join(providersDir, provider, 'recordings', consumer);
  return {
    root,
    providersDir,
    pactsDir,
    recordingsOf,
    recordingFiles(provider) {
      const dir = path.join(providersDir, provider, 'recordings');
      if (!fs.existsSync(dir)) return [];
      const out: Array<{ file: string; text: string }> = [];
      for (const c of fs.readdirSync(dir))
        for (const f of fs.readdirSync(path.join(dir, c)))
          out.push({ file: path.join(dir, c, f), text: fs.readFileSync(path.join(dir, c, f), 'utf8') });
      return out;
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** The committed Genesys config with test-friendly retry and rate settings. */
export function genesysTestConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const real = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'providers/genesys-cloud-api/record.config.json'), 'utf8'),
  ) as Record<string, unknown>;
  const redact = real.redact as { headers: string[]; bodyPaths: string[] };
  // `$.debug` is where the loopback API echoes PII and the token.
  return {
    ...real,
    redact: { ...redact, bodyPaths: [...redact.bodyPaths, '$.debug'] },
    rateLimit: { requestsPerSecond: 50 },
    retry: { maxRetries: 4, baseDelayMs: 10, maxDelayMs: 100 },
    ...overrides,
  };
}

export function crmTestConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    provider: 'vendor-crm',
    thirdParty: true,
    baseUrlEnv: 'VENDOR_CRM_BASE_URL',
    auth: { kind: 'header-env', header: 'X-Api-Key', env: 'VENDOR_CRM_API_KEY' },
    credentials: { apiKey: 'VENDOR_CRM_API_KEY' },
    redact: { bodyPaths: ['$.email'] },
    rateLimit: { requestsPerSecond: 50 },
    retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 50 },
    maxAgeDays: 7,
    ...overrides,
  };
}

/** A loopback port nothing listens on (bound then released). */
export async function deadPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
