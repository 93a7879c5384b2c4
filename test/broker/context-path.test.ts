// A broker served under a context path (--base-url http://host:port/pb): links carry the prefix and the official
// CLI, configured with the prefixed URL, works.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { call, forEachStore, pactBroker, startTestBroker, THINGS, writePact } from './helpers';

jest.setTimeout(60_000);

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

forEachStore(() => {
  test('context path /pb', async () => {
    const port = await freePort();
    const broker = await startTestBroker({ port, baseUrl: `http://127.0.0.1:${port}/pb` });
    try {
      const base = { url: `http://127.0.0.1:${port}/pb` };
      const index = await call('GET', `${base.url}`);
      expect(index.status).toBe(200);
      expect(index.body._links['pb:publish-contracts'].href).toBe(`http://127.0.0.1:${port}/pb/contracts/publish`);
      const dir = path.join(broker.dir, 'pacts');
      writePact(dir, 'Foo', 'Bar', THINGS);
      const r = await pactBroker(base, ['publish', dir, '--consumer-app-version', '1', '--branch', 'main']);
      expect(r.code).toBe(0);
      expect((await call('GET', `${base.url}/pacts/provider/Bar/consumer/Foo/latest`)).status).toBe(200);
      const d = await pactBroker(base, ['describe-version', '--pacticipant', 'Foo', '--version', '1']);
      expect(d.code).toBe(0);
    } finally {
      await broker.stop();
    }
  });
});
