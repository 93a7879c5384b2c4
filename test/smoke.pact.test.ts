import { PactV4, MatchersV3 } from '@pact-foundation/pact';
import path from 'node:path';
import os from 'node:os';

test('pact v4 mock', async () => {
  const pact = new PactV4({ consumer: 'c', provider: 'p', dir: path.join(os.tmpdir(), 'smoke-pacts'), logLevel: 'error' });
  await pact.addInteraction().given('x').uponReceiving('y').withRequest('GET', '/a').willRespondWith(200, (b) => b.jsonBody({ id: MatchersV3.integer(1) }))
    .executeTest(async (ms) => { const r = await fetch(ms.url + '/a'); expect((await r.json()).id).toBe(1); });
  expect(process.version.startsWith('v24')).toBe(true);
});
