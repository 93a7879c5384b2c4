// `cxpact record` against a hostile but real loopback vendor (login host + API): Retry-After values that would
// stall a CI job or overflow a timer, a login host that answers 429/503, an API that echoes the token in every
// encoding, and answers that time out before the headers or in the middle of the body. In-process CLI, real HTTP.
import { cli } from '../verify/cli-io';
import { CLIENT_ID, CLIENT_SECRET, encodedForms, startFakeApis, type FakeApis } from './fake-apis';
import { genesysTestConfig, makeWorkspace, type Workspace } from './helpers';

const GENESYS_PACT = 'genesys-data-actions-genesys-cloud-api.json';

let fake: FakeApis;
let ws: Workspace;

afterEach(async () => {
  await fake?.close();
  ws?.cleanup();
});

function record(config: Record<string, unknown> = {}) {
  ws = makeWorkspace({
    pacts: [GENESYS_PACT],
    configs: { 'genesys-cloud-api': genesysTestConfig({ concurrency: 1, ...config }) },
  });
  return cli(
    [
      'record',
      '--provider',
      'genesys-cloud-api',
      '--providers-dir',
      ws.providersDir,
      '--pacts',
      ws.pactsDir,
      '--base-url',
      fake.url,
      '--login-url',
      fake.url,
    ],
    { GENESYS_CLOUD_CLIENT_ID: CLIENT_ID, GENESYS_CLOUD_CLIENT_SECRET: CLIENT_SECRET },
  );
}

describe('Retry-After is honoured up to retry.maxDelayMs, and never overflows the timer', () => {
  beforeEach(async () => {
    fake = await startFakeApis();
  });

  test('Retry-After: 3600 waits retry.maxDelayMs, not an hour, and says so', async () => {
    fake.storm(1, '3600');
    const rec = await record({ retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 400 } });
    expect(rec.code).toBe(0);
    expect(rec.stderr).toContain('HTTP 429, retry 1/2 in 0.4 s (Retry-After 3600 s, capped by retry.maxDelayMs)');
    const gap = fake.requests[1]!.at - fake.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(350);
    expect(gap).toBeLessThan(10_000);
  });

  test('absurd delay-seconds and a far HTTP date are capped too: the retry waits the cap, it does not fire at once', async () => {
    // 10^20 s overflows any timer; year 9999 is ~2.5e11 s away; both would retry at once if passed to setTimeout.
    fake.storm(2, ['100000000000000000000', 'Fri, 31 Dec 9999 23:59:59 GMT']);
    const rec = await record({ retry: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 400 } });
    expect(rec.code).toBe(0);
    expect(rec.stderr).toMatch(
      /HTTP 429, retry 1\/3 in 0\.4 s \(Retry-After 1\.0e\+20 s, capped by retry\.maxDelayMs\)/,
    );
    expect(rec.stderr).toMatch(
      /HTTP 429, retry 2\/3 in 0\.4 s \(Retry-After 2\.5e\+11 s, capped by retry\.maxDelayMs\)/,
    );
    const [a, b, c] = fake.requests.map((r) => r.at);
    expect(b! - a!).toBeGreaterThanOrEqual(350);
    expect(c! - b!).toBeGreaterThanOrEqual(350);
  });

  test('a Retry-After under the cap is obeyed as sent', async () => {
    fake.storm(1, '1');
    const rec = await record({ retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 5000 } });
    expect(rec.code).toBe(0);
    expect(rec.stderr).toContain('HTTP 429, retry 1/2 in 1.0 s (Retry-After)');
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(900);
  });
});

describe('the OAuth login is retried like an API call', () => {
  beforeEach(async () => {
    fake = await startFakeApis();
  });

  test('a 429 (with Retry-After) and a 503 at login are retried with the same backoff; the run succeeds', async () => {
    fake.login.failNext({ status: 429, retryAfter: '1' }, { status: 503 });
    const rec = await record({ retry: { maxRetries: 3, baseDelayMs: 50, maxDelayMs: 2000 } });
    expect(rec.code).toBe(0);
    expect(rec.stderr).toContain('login: HTTP 429, retry 1/3 in 1.0 s (Retry-After)');
    expect(rec.stderr).toMatch(/login: HTTP 503, retry 2\/3 in \d\.\d s/);
    expect(fake.login.attempts).toHaveLength(3);
    expect(fake.login.attempts[1]! - fake.login.attempts[0]!).toBeGreaterThanOrEqual(900);
    expect(fake.logins).toBe(1);
    expect(ws.recordingFiles('genesys-cloud-api')).toHaveLength(2);
  });

  test('a login host that keeps answering 503 fails after the retries with exit 2, nothing sent to the API', async () => {
    fake.login.failNext(...Array.from({ length: 10 }, () => ({ status: 503 })));
    const rec = await record({ retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 50 } });
    expect(rec.code).toBe(2);
    expect(rec.stderr).toContain(`Login at ${fake.url}/oauth/token failed with HTTP 503 after 3 attempts.`);
    expect(fake.login.attempts).toHaveLength(3);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('a token echoed in any encoding never reaches a recording or the output', () => {
  beforeEach(async () => {
    fake = await startFakeApis({ tokens: 'tricky' });
    fake.echoEncoded = true;
  });

  test('URL-encoded (either case, twice, form), JSON-escaped, HTML-escaped, base64 and base64url: all scrubbed', async () => {
    const rec = await record();
    expect(rec.code).toBe(0);
    const token = fake.tokens[0]!;
    expect(token).toMatch(/^tok\+1\/s3cret=/);
    const files = ws.recordingFiles('genesys-cloud-api');
    expect(files).toHaveLength(2);
    const written = files.map((f) => f.text).join('\n') + rec.stdout + rec.stderr;
    for (const [form, value] of Object.entries(encodedForms(token))) {
      // as written in the file: a JSON string escapes backslashes once more
      for (const v of new Set([value, JSON.stringify(value).slice(1, -1)])) {
        if (written.includes(v)) throw new Error(`the ${form} form of the token (${v}) was written`);
      }
    }
    expect(written).not.toContain(CLIENT_SECRET);
    // What surrounds the secret is kept: the recording still says what the API answered.
    const ok = JSON.parse(files.find((f) => f.text.includes('"status": 200'))!.text) as {
      response: { body: Record<string, any>; headers: Record<string, string> };
    };
    expect(ok.response.body.links.self).toBe('https://api.example.com/next?access_token=[REDACTED]&x=1');
    expect(ok.response.body.payload).toBe('{"auth":"[REDACTED]","again":"[REDACTED]"}');
    expect(ok.response.body.session).toBe('[REDACTED]');
    expect(ok.response.headers.link).toBe('<https://api.example.com/next?access_token=[REDACTED]>; rel="next"');
    expect(ok.response.body.results[0].estimatedWaitTimeSeconds).toBe(42);
    const notFound = JSON.parse(files.find((f) => f.text.includes('"status": 404'))!.text) as {
      response: { body: string };
    };
    expect(notFound.response.body).toContain(
      'Queue not found. Request: GET /x?access_token=[REDACTED] auth=[REDACTED]',
    );
  });
});

describe('one exit code per cause: a timeout is a timeout wherever it strikes', () => {
  beforeEach(async () => {
    fake = await startFakeApis();
  });

  test('no headers within timeoutMs: exit 2, "did not answer"', async () => {
    fake.stall(1, 'headers');
    const rec = await record({ timeoutMs: 500 });
    expect(rec.code).toBe(2);
    expect(rec.stderr).toMatch(/recorded\.provider\.timeout|did not answer within 500 ms/);
    expect(rec.stderr).toContain(`GET ${fake.url} did not answer within 500 ms.`);
  });

  test('the login host: a body that never finishes is the same cause, exit 2, not a raw error', async () => {
    fake.login.failNext({ stall: 'body' });
    const rec = await record({ timeoutMs: 500 });
    expect(rec.code).toBe(2);
    expect(rec.stderr).toContain(`Cannot reach the login host ${fake.url} (the answer did not finish within 500 ms).`);
    expect(rec.stdout + rec.stderr).not.toMatch(/TimeoutError|AbortError|DOMException/);
  });

  test('headers sent, body never finished within timeoutMs: the same exit 2 and code, "did not finish its answer"', async () => {
    fake.stall(1, 'body');
    const rec = await record({ timeoutMs: 500 });
    expect(rec.code).toBe(2);
    expect(rec.stderr).toContain(`GET ${fake.url} started answering but did not finish its answer within 500 ms.`);
    expect(rec.stdout + rec.stderr).not.toMatch(/TimeoutError|AbortError|DOMException/);
  });
});
