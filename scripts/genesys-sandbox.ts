// A stand-in for a Genesys Cloud sandbox org on loopback, for `npm run demo`: a login host (/oauth/token, OAuth
// client credentials) and the Public API path the example Data Action calls. This machine reaches no Genesys org,
// so the demo records from this stand-in; in real use `cxpact record` points at the org's region instead.
// Prints "genesys-cloud-sandbox listening on <url>"; the demo's client id and secret are exported below.
import { CLIENT_ID, CLIENT_SECRET, startFakeApis } from '../test/recorded/fake-apis';

export { CLIENT_ID as SANDBOX_CLIENT_ID, CLIENT_SECRET as SANDBOX_CLIENT_SECRET };

async function main(): Promise<void> {
  const apis = await startFakeApis();
  apis.echoDebug = false;
  process.stdout.write(`genesys-cloud-sandbox listening on ${apis.url}\n`);
  const stop = (): void => {
    void apis.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`genesys-cloud-sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
