// Issue 8's "done when", as a newcomer meets it: a real Data Action the project has never seen (a Genesys Cloud UI
// export, test/fixtures/unseen-action) dropped into its own provider folder with no cases file. Its pact is met
// by an honest backend (a plain HTTP server written here, no provider-state code) with a two-field provider
// config; its vendor twin (the same backend as a third party) passes `record` + `check-recorded --publish`;
// can-i-deploy says yes. The same backend renaming a field is refused, naming the field, on both paths.
// Real processes throughout: the local broker (`cxpact broker`), the backend (node), the pact-js Verifier (in
// cxpact's verifier process), the official `pact` CLI (publish); the cxpact commands run in-process.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureCli, type CliRun } from '../helpers/cli-run';
import { startBrokerProcess, startProcess, stopProcess, type Started } from '../helpers/processes';

jest.setTimeout(240_000);

const REPO = path.resolve(__dirname, '../..');
const ACTION = path.join(REPO, 'test/fixtures/unseen-action/get-contact-by-phone.json');
const CONSUMER = 'genesys-data-actions';

/** The honest backend: serves its external contacts by phone, as the Genesys Cloud API does; nothing else. */
const BACKEND = `
import http from 'node:http';
const rename = process.argv.includes('--rename');
const contacts = [{ id: 'a1c7', firstName: 'Ada', lastName: 'Lovelace', phone: '+15551234567' }];
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://backend');
  if (req.method === 'GET' && url.pathname === '/api/v2/externalcontacts/contacts') {
    const digits = (url.searchParams.get('q') ?? '').replace(/\\D/g, '');
    const entities = contacts
      .filter((c) => digits !== '' && c.phone.replace(/\\D/g, '').endsWith(digits))
      .map((c) => (rename ? { id: c.id, first_name: c.firstName, lastName: c.lastName } : { id: c.id, firstName: c.firstName, lastName: c.lastName }));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ entities, pageSize: 25, pageNumber: 1, total: entities.length }));
    return;
  }
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ message: 'not found' }));
});
server.listen(0, '127.0.0.1', () => console.log('backend listening on http://127.0.0.1:' + server.address().port));
`;

const children: ChildProcess[] = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-unseen-'));

async function start(cmd: string, args: string[], cwd: string): Promise<Started> {
  const started = await startProcess(cmd, args, cwd);
  children.push(started.child);
  return started;
}
const stop = stopProcess;

afterAll(async () => {
  await Promise.all(children.map(stop));
  fs.rmSync(work, { recursive: true, force: true });
});

describe('an unseen action, an honest backend, a two-field config', () => {
  const project = path.join(work, 'integration');
  let broker: string;
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    captureCli(argv, { PATH: process.env.PATH, HOME: process.env.HOME, PACT_BROKER_BASE_URL: broker, ...env }, project);

  beforeAll(async () => {
    // The newcomer's layout: the owned backend's folder, and the same action in the vendor twin's folder.
    for (const provider of ['external-contacts', 'external-contacts-vendor']) {
      fs.mkdirSync(path.join(project, 'data-actions', provider), { recursive: true });
      fs.copyFileSync(ACTION, path.join(project, 'data-actions', provider, 'get-contact-by-phone.json'));
    }
    fs.writeFileSync(path.join(work, 'backend.mjs'), BACKEND);
    const b = await startBrokerProcess(path.join(work, 'broker.sqlite'));
    children.push(b.child);
    broker = b.url;
  });

  it('verifies green, records and checks the vendor twin, says yes; then refuses the renamed field on both paths', async () => {
    // 1. Consumer: no cases file. Only the derived success goes into each pact; the failure and absent-field
    //    cases are checked by the emulator and reported.
    const consumer = await run(['consumer']);
    expect(consumer.code).toBe(0);
    expect(consumer.stdout).toMatch(/derived-failure \[failure\] -> emulator only/);
    expect(consumer.stdout).toContain('pact: pacts/genesys-data-actions-external-contacts.json (1 interaction)');
    const pact = JSON.parse(
      fs.readFileSync(path.join(project, 'pacts/genesys-data-actions-external-contacts.json'), 'utf8'),
    );
    expect(pact.interactions.map((i: { description: string }) => i.description)).toEqual([
      'Limitless - Get Contact By Phone from Genesys v1 / derived-success: a Limitless - Get Contact By Phone from Genesys v1 request',
    ]);
    expect(pact.interactions[0].response.status).toBe(200);
    const published = await run(['publish', '--consumer-app-version', 'c1', '--branch', 'main']);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);

    // 2. The honest backend, verified from the broker with providers/external-contacts/provider.config.json
    //    holding only name and baseUrl.
    const honest = await start(process.execPath, [path.join(work, 'backend.mjs')], work);
    fs.mkdirSync(path.join(project, 'providers/external-contacts'), { recursive: true });
    fs.writeFileSync(
      path.join(project, 'providers/external-contacts/provider.config.json'),
      JSON.stringify({ name: 'external-contacts', baseUrl: honest.url }),
    );
    const verify = await run([
      'verify',
      '--provider',
      'external-contacts',
      '--publish',
      '--provider-version',
      'p1',
      '--provider-branch',
      'main',
    ]);
    expect(verify.stdout).toContain('has no handler');
    expect(verify.stdout).toContain('1 of 1 interaction(s) passed.');
    expect(verify.stdout).toContain('[cxpact] Results published to the broker as external-contacts p1.');
    expect(verify.code).toBe(0);
    expect(
      (
        await run([
          'record-deployment',
          '--pacticipant',
          'external-contacts',
          '--version',
          'p1',
          '--environment',
          'production',
          '--create-environment',
        ])
      ).code,
    ).toBe(0);

    // 3. Its vendor twin: the same backend as a third party, recorded and checked, the result published.
    fs.mkdirSync(path.join(project, 'providers/external-contacts-vendor'), { recursive: true });
    fs.writeFileSync(
      path.join(project, 'providers/external-contacts-vendor/record.config.json'),
      JSON.stringify({
        provider: 'external-contacts-vendor',
        baseUrlEnv: 'CONTACTS_API_BASE_URL',
        auth: { kind: 'none' },
      }),
    );
    const record = await run(['record', '--provider', 'external-contacts-vendor'], {
      CONTACTS_API_BASE_URL: honest.url,
    });
    expect(record.stdout + record.stderr).toContain('Recorded 1 of 1 interaction(s)');
    expect(record.code).toBe(0);
    const check = await run([
      'check-recorded',
      '--provider',
      'external-contacts-vendor',
      '--publish',
      '--record-deployment',
      'production',
    ]);
    expect(check.code).toBe(0);
    expect(check.stdout + check.stderr).toContain('Published a successful verification of external-contacts-vendor');

    // 4. The gate.
    const gate = await run([
      'can-i-deploy',
      '--pacticipant',
      CONSUMER,
      '--version',
      'c1',
      '--to-environment',
      'production',
    ]);
    expect(gate.stdout).toContain(`Can ${CONSUMER} c1 be deployed to production? YES`);
    expect(gate.code).toBe(0);
    expect(
      (await run(['record-deployment', '--pacticipant', CONSUMER, '--version', 'c1', '--environment', 'production']))
        .code,
    ).toBe(0);
    await stop(honest.child);

    // 5. The same backend renames firstName: verification refuses it, naming the field; so does the recorded check.
    const renamed = await start(process.execPath, [path.join(work, 'backend.mjs'), '--rename'], work);
    fs.writeFileSync(
      path.join(project, 'providers/external-contacts/provider.config.json'),
      JSON.stringify({ name: 'external-contacts', baseUrl: renamed.url }),
    );
    const refused = await run([
      'verify',
      '--provider',
      'external-contacts',
      '--publish',
      '--provider-version',
      'p2',
      '--provider-branch',
      'main',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'body $.entities[0]: expected field entities[0].firstName is missing; the provider returned entities[0].first_name (renamed?)',
    );
    // a failure explained by a rename gets no word about provider states
    expect(refused.stderr).not.toContain('has no handler');
    const noGate = await run([
      'can-i-deploy',
      '--pacticipant',
      'external-contacts',
      '--version',
      'p2',
      '--to-environment',
      'production',
    ]);
    expect(noGate.code).toBe(1);
    expect(noGate.stderr).toContain('external-contacts p2 FAILED verification of the pact of genesys-data-actions c1');
    const rerecord = await run(['record', '--provider', 'external-contacts-vendor'], {
      CONTACTS_API_BASE_URL: renamed.url,
    });
    expect(rerecord.code).toBe(0);
    const recheck = await run(['check-recorded', '--provider', 'external-contacts-vendor']);
    expect(recheck.code).toBe(1);
    expect(recheck.stdout + recheck.stderr).toMatch(/firstName[^\n]*first_name/);
    await stop(renamed.child);
  });
});
