// The committed example recording set of providers/genesys-cloud-api matches the pact `npm run pact:consumer`
// writes for data-actions/genesys-cloud-api/; the committed renamed set fails with the rename hint.
import path from 'node:path';
import { cli } from '../verify/cli-io';
import { FIXTURE_PACTS } from './helpers';

const pact = path.join(FIXTURE_PACTS, 'genesys-data-actions-genesys-cloud-api.json');
const base = ['check-recorded', '--provider', 'genesys-cloud-api', '--pacts', pact, '--max-age-days', '100000'];

test('the committed example recordings pass against the Genesys pact', async () => {
  const run = await cli(base);
  expect(run.stdout).toContain('2 of 2 interaction(s) match their recordings');
  expect(run.code).toBe(0);
});

test('the committed renamed example fails, naming the field and the rename', async () => {
  const run = await cli([...base, '--recordings', 'providers/genesys-cloud-api/examples/recordings-renamed']);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(
    'expected field $.results[0].estimatedWaitTimeSeconds is missing; the recorded response has $.results[0].estimated_wait_time_seconds (renamed?)',
  );
});

test('the example recordings are reported stale under the configured 30 days once they are old', async () => {
  const run = await cli(['check-recorded', '--provider', 'genesys-cloud-api', '--pacts', pact, '--max-age-days', '0']);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('npm run pact:record -- --provider genesys-cloud-api');
});
