// Hints a user copies must run where they are: `npm run pact:<x> -- ...` in this repository (its package.json
// declares the scripts) and `npx cxpact <x> ...` in a backend repository that only installed the package; docs
// references name docs that ship with the package.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cxpactCommand, cxpactDoc, spellingFor } from '../../src/io/cli-spelling';
import { explainMatrix, type MatrixResponse } from '../../src/core/gate/explain';
import { formatDecision } from '../../src/cli/render/gate';
import { cli, REPO_ROOT } from './cli-io';
import { crmTestConfig, FIXTURE_PACTS } from '../recorded/helpers';

let backend: string;

beforeEach(() => {
  // A backend repository: its own package.json (scripts of its own, none of cxpact's), providers/ and pacts/.
  backend = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-backend-'));
  fs.writeFileSync(
    path.join(backend, 'package.json'),
    JSON.stringify({ name: 'crm-backend', scripts: { test: 'jest', start: 'node server.js' } }),
  );
  fs.mkdirSync(path.join(backend, 'providers', 'vendor-crm'), { recursive: true });
  fs.writeFileSync(
    path.join(backend, 'providers', 'vendor-crm', 'record.config.json'),
    JSON.stringify(crmTestConfig()),
  );
  fs.mkdirSync(path.join(backend, 'pacts'));
  fs.copyFileSync(
    path.join(FIXTURE_PACTS, 'genesys-data-actions-vendor-crm.json'),
    path.join(backend, 'pacts', 'genesys-data-actions-vendor-crm.json'),
  );
});

afterEach(() => fs.rmSync(backend, { recursive: true, force: true }));

describe('cxpactCommand', () => {
  test('this repository: the npm script with its arguments after --', () => {
    expect(cxpactCommand(REPO_ROOT, 'verify', '--provider crm-customer-api')).toBe(
      'npm run pact:verify -- --provider crm-customer-api',
    );
    expect(cxpactCommand(REPO_ROOT, 'consumer')).toBe('npm run pact:consumer');
    expect(cxpactCommand(REPO_ROOT, 'genesys-pull', '--dry-run')).toBe('npm run genesys:pull -- --dry-run');
    expect(cxpactCommand(REPO_ROOT, 'check-recorded', '--provider x --publish')).toBe(
      'npm run pact:check-recorded -- --provider x --publish',
    );
  });

  test('a backend repository (no such script, or no package.json at all): npx cxpact', () => {
    expect(cxpactCommand(backend, 'verify', '--provider crm-customer-api')).toBe(
      'npx cxpact verify --provider crm-customer-api',
    );
    expect(cxpactCommand(backend, 'genesys-test')).toBe('npx cxpact genesys-test');
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-bare-'));
    try {
      expect(cxpactCommand(bare, 'record', '--provider v')).toBe('npx cxpact record --provider v');
      fs.writeFileSync(path.join(bare, 'package.json'), '{ not json');
      expect(cxpactCommand(bare, 'record', '--provider v')).toBe('npx cxpact record --provider v');
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });

  test('a repository started from our layout declares the script: npm run', () => {
    fs.writeFileSync(
      path.join(backend, 'package.json'),
      JSON.stringify({ scripts: { 'pact:verify': 'cxpact verify' } }),
    );
    expect(cxpactCommand(backend, 'verify', '--provider p')).toBe('npm run pact:verify -- --provider p');
    expect(cxpactCommand(backend, 'record', '--provider p')).toBe('npx cxpact record --provider p');
  });

  test('docs: the repository copy here, the installed package elsewhere', () => {
    expect(cxpactDoc(REPO_ROOT, 'providers.md')).toBe(path.join('docs', 'providers.md'));
    expect(fs.existsSync(path.join(REPO_ROOT, 'docs', 'providers.md'))).toBe(true);
    expect(cxpactDoc(backend, 'providers.md')).toBe(path.join('node_modules', 'cxpact', 'docs', 'providers.md'));
  });
});

describe('hints through the CLI', () => {
  test('verify with an unknown provider: the docs reference follows the package', async () => {
    const here = await cli(['verify', '--provider', 'nope']);
    expect(here.code).toBe(1);
    expect(here.stderr).toContain(`(see ${path.join('docs', 'providers.md')})`);
    const there = await cli(['verify', '--provider', 'nope'], {}, backend);
    expect(there.code).toBe(1);
    expect(there.stderr).toContain(`(see ${path.join('node_modules', 'cxpact', 'docs', 'providers.md')})`);
    expect(there.stderr).not.toContain('providers/README.md');
  });

  test('verify of a third-party provider: record/check-recorded in the form that runs there', async () => {
    const there = await cli(['verify', '--provider', 'vendor-crm'], {}, backend);
    expect(there.code).toBe(1);
    expect(there.stderr).toContain('`npx cxpact record --provider vendor-crm`');
    expect(there.stderr).toContain('`npx cxpact check-recorded --provider vendor-crm --publish`');
    expect(there.stderr).not.toContain('npm run');
  });

  test('check-recorded without recordings: "Record it" names npx cxpact in a backend, npm run here', async () => {
    const there = await cli(['check-recorded', '--provider', 'vendor-crm'], {}, backend);
    expect(there.code).toBe(1);
    expect(there.stdout).toContain('Record it: npx cxpact record --provider vendor-crm');
    expect(there.stdout).not.toContain('npm run');
    // The same workspace with cxpact's scripts declared (a repository started from our layout).
    fs.writeFileSync(
      path.join(backend, 'package.json'),
      JSON.stringify({ scripts: { 'pact:record': 'cxpact record' } }),
    );
    const layout = await cli(['check-recorded', '--provider', 'vendor-crm'], {}, backend);
    expect(layout.stdout).toContain('Record it: npm run pact:record -- --provider vendor-crm');
  });

  test('a missing record config points at the shipped docs', async () => {
    const there = await cli(['record', '--provider', 'other-vendor'], {}, backend);
    expect(there.code).toBe(1);
    expect(there.stderr).toContain(`see ${path.join('node_modules', 'cxpact', 'docs', 'providers.md')} for the fields`);
  });

  test('usage errors name --help in the runnable form', async () => {
    const run = await cli(['can-i-deploy', '--pacticipant', 'x'], { PACT_BROKER_BASE_URL: 'http://127.0.0.1:1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('npm run pact:can-i-deploy -- --help');
  });
});

test('the gate explains with the commands of the repository it runs in', () => {
  const res: MatrixResponse = {
    summary: {
      deployable: false,
      reason:
        'There is no verified pact between the latest version of genesys-data-actions and a version of crm-customer-api currently in production',
    },
    matrix: [
      {
        consumer: { name: 'genesys-data-actions', version: { number: 'c1' } },
        provider: { name: 'crm-customer-api', version: { number: 'p1' } },
        verificationResult: { success: false },
      },
      {
        consumer: { name: 'genesys-data-actions', version: { number: 'c1' } },
        provider: { name: 'genesys-cloud-api', version: null },
        verificationResult: null,
      },
    ],
  };
  const base = {
    pacticipant: 'genesys-data-actions',
    version: 'c1',
    environment: 'production',
    isThirdParty: (n: string) => n === 'genesys-cloud-api',
  };
  const here = formatDecision(explainMatrix(res, { ...base, spell: spellingFor(REPO_ROOT) }), base, 1);
  expect(here).toContain('see the mismatches with npm run pact:verify -- --provider crm-customer-api');
  expect(here).toContain(
    'npm run pact:record -- --provider genesys-cloud-api && npm run pact:check-recorded -- --provider genesys-cloud-api --publish --record-deployment production',
  );
  const there = formatDecision(explainMatrix(res, { ...base, spell: spellingFor(backend) }), base, 1);
  expect(there).toContain('see the mismatches with npx cxpact verify --provider crm-customer-api');
  expect(there).toContain(
    'npx cxpact record --provider genesys-cloud-api && npx cxpact check-recorded --provider genesys-cloud-api --publish --record-deployment production',
  );
  expect(there).not.toContain('npm run');
});
