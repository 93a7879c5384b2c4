// Test helpers for the Genesys commands: captured CLI IO, temp dirs, sample actions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureCli, type CliRun } from '../helpers/cli-run';
import type { FakeAction } from './fake-genesys';

export const CLIENT_ID = 'cxpact-test-client';
export const CLIENT_SECRET = 'S3cr3t-never-print-me-0123456789';

export async function runCommand(argv: string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  return captureCli(argv, { ...env }, cwd);
}

const created: string[] = [];

/** A fresh temp dir; removed by cleanupTmpDirs (call it in afterAll). */
export function tmpDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cxpact-${prefix}-`));
  created.push(dir);
  return dir;
}

export function cleanupTmpDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Asserts that neither the client secret nor its Basic-auth form appears in `text` (output, audit log, files). */
export function expectNoSecret(text: string): void {
  expect(text).not.toContain(CLIENT_SECRET);
  expect(text).not.toContain(Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'));
}

export function envFor(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GENESYS_CLOUD_CLIENT_ID: CLIENT_ID,
    GENESYS_CLOUD_CLIENT_SECRET: CLIENT_SECRET,
    GENESYS_CLOUD_API_BASE_URL: url,
    ...extra,
  };
}

export function sampleAction(
  id: string,
  name: string,
  overrides: Partial<FakeAction['config']['request']> = {},
): FakeAction {
  return {
    id,
    name,
    integrationId: 'int-1',
    category: 'Web Services',
    config: {
      timeoutSeconds: 10,
      request: {
        requestUrlTemplate: 'https://crm.example.com/customers?phone=$esc.url(${input.phone})',
        requestType: 'GET',
        headers: { Authorization: 'Bearer ${credentials.token}' },
        requestTemplate: '${input.rawRequest}',
        ...overrides,
      },
      response: {
        translationMap: { customerId: '$.id', tier: '$.tier' },
        translationMapDefaults: { tier: '"basic"' },
        successTemplate: '{"customerId": ${customerId}, "tier": ${tier}}',
      },
    },
    contract: {
      input: { inputSchema: { type: 'object', required: ['phone'], properties: { phone: { type: 'string' } } } },
      output: {
        successSchema: { type: 'object', properties: { customerId: { type: 'string' }, tier: { type: 'string' } } },
      },
    },
  };
}
