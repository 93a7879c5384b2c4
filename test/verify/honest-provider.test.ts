// Pacts an honest provider can meet (issue 8): a backend that simply serves its data, with no provider-state code
// and a two-field provider config, verifies green with the real pact-js Verifier. Before verifying, cxpact says
// which provider states have no handler and which {{credentials.X}} placeholders the config does not inject (with
// the config line); a 401 to such a request reads "credentials not injected". The verifier's per-interaction log
// goes to a file (or the terminal with --log-level). Real HTTP between real processes: the backend listens on
// loopback in this process, the verifier runs in cxpact's child process, the CLI runs as its own process where
// its terminal output is what is checked.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cxpactArgs } from '../helpers/cli-bin';
import { cli } from './cli-io';

const TOKEN = 'honest-token-93f1';

/** A helpdesk backend that serves its tickets, nothing else: no provider states, no test hooks. */
async function startHelpdesk(
  opts: { requireToken?: boolean; charset?: boolean; echoAuthorization?: boolean } = {},
): Promise<{ url: string; close: () => Promise<void>; requests: string[] }> {
  const requests: string[] = [];
  const tickets: Record<string, unknown> = {
    'T-100': { id: 'T-100', status: 'open', requesterId: 'U-7', subject: 'Printer on fire' },
  };
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (opts.requireToken === true && req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const m = /^\/api\/tickets\/([^/?]+)$/.exec(req.url ?? '');
    const ticket = m === null ? undefined : tickets[decodeURIComponent(m[1] as string)];
    if (ticket === undefined) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"no such ticket"}');
      return;
    }
    // Some APIs echo what they were sent: the verifier's log must still never hold the credential.
    const echo = opts.echoAuthorization === true ? { 'X-Seen-Authorization': String(req.headers.authorization) } : {};
    res
      .writeHead(200, {
        'Content-Type': opts.charset === true ? 'application/json; charset=utf-8' : 'application/json',
        ...echo,
      })
      .end(JSON.stringify({ ticket }));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const ACTION = {
  name: 'Helpdesk - Get Ticket - Exported 2025-01-07 @ 10:12',
  integrationType: 'custom-rest-actions',
  actionType: 'custom',
  config: {
    request: {
      requestUrlTemplate: 'https://helpdesk.example.com/api/tickets/${input.ticketId}',
      requestType: 'GET',
      headers: { Authorization: 'Bearer ${credentials.apiKey}' },
      requestTemplate: '${input.rawRequest}',
    },
    response: {
      translationMap: { ticketId: '$.ticket.id', status: '$.ticket.status', requesterId: '$.ticket.requesterId' },
      translationMapDefaults: { requesterId: '""' },
      successTemplate: '{"ticketId": ${ticketId}, "status": ${status}, "requesterId": ${requesterId}}',
    },
  },
  contract: {
    input: {
      inputSchema: {
        type: 'object',
        required: ['ticketId'],
        properties: { ticketId: { type: 'string', examples: ['T-100'] } },
      },
    },
    output: {
      successSchema: {
        type: 'object',
        properties: {
          ticketId: { type: 'string' },
          status: { type: 'string', enum: ['open', 'pending', 'closed'] },
          requesterId: { type: 'string' },
        },
      },
    },
  },
  secure: false,
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-honest-'));
const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A fresh project as a newcomer makes it: one provider folder, one action, the generated pact. */
async function project(name: string, files: Record<string, unknown> = {}): Promise<string> {
  const dir = path.join(tmp, name);
  const all: Record<string, unknown> = { 'data-actions/helpdesk/get-ticket.json': ACTION, ...files };
  for (const [rel, content] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  const consumer = await cli(['consumer'], {}, dir);
  expect(consumer.code).toBe(0);
  return dir;
}

function minimalConfig(dir: string, baseUrl: string, extra: Record<string, unknown> = {}): void {
  const file = path.join(dir, 'providers/helpdesk/provider.config.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ name: 'helpdesk', baseUrl, ...extra }, null, 2));
}

describe('an honest backend with a two-field provider config', () => {
  it('verifies green, after naming the state nothing handles; the per-interaction log goes to the printed file', async () => {
    const api = await startHelpdesk();
    servers.push(api);
    const dir = await project('minimal');
    minimalConfig(dir, api.url);
    const run = await cli(['verify', '--provider', 'helpdesk'], {}, dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '[cxpact] 1 provider state in the pacts has no handler in providers/helpdesk/provider.config.json (no stateHandlers entry, no stateChangeUrl).',
    );
    expect(run.stdout).toContain('  - "Helpdesk - Get Ticket: the backend returns a valid response" (1 interaction)');
    expect(run.stdout).toContain('1 of 1 interaction(s) passed.');
    // cxpact's summary only: the verifier's per-interaction log is in the file whose path is printed
    expect(run.stdout).not.toContain('Verifying a pact between');
    expect(run.stdout).toContain("[cxpact] The verifier's log: .cxpact/logs/verify-helpdesk.log");
    const log = fs.readFileSync(path.join(dir, '.cxpact/logs/verify-helpdesk.log'), 'utf8');
    expect(log).toContain('Verifying a pact between');
    expect(log).toContain(
      'no state handler found for state: "Helpdesk - Get Ticket: the backend returns a valid response"',
    );
    // the interaction's description has no " - Exported <date>" suffix
    expect(log).toContain('Helpdesk - Get Ticket / derived-success: a Helpdesk - Get Ticket request');
    expect(api.requests).toContain('GET /api/tickets/T-100');
  });

  it('names the placeholder the config does not inject with the line that would, says "credentials not injected" on 401, and passes once injected', async () => {
    const api = await startHelpdesk({ requireToken: true, echoAuthorization: true });
    servers.push(api);
    const dir = await project('credentials');
    minimalConfig(dir, api.url);
    const without = await cli(['verify', '--provider', 'helpdesk'], {}, dir);
    expect(without.code).toBe(1);
    expect(without.stdout).toContain(
      '[cxpact] The pacts send {{credentials.apiKey}} in the Authorization header (1 interaction), and providers/helpdesk/provider.config.json does not inject it',
    );
    const line = '"credentials": [{ "header": "Authorization", "env": "API_KEY", "prefix": "Bearer " }]';
    expect(without.stdout).toContain(`    ${line}`);
    expect(without.stderr).toContain(
      'credentials: credentials not injected: the request carried the placeholder {{credentials.apiKey}} (Authorization header) and the provider answered 401',
    );
    // the user adds exactly the suggested line, sets the variable, and it verifies
    const config = JSON.parse(`{ "name": "helpdesk", "baseUrl": ${JSON.stringify(api.url)}, ${line} }`);
    fs.writeFileSync(path.join(dir, 'providers/helpdesk/provider.config.json'), JSON.stringify(config));
    const unset = await cli(['verify', '--provider', 'helpdesk'], {}, dir);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain(
      "credentials not injected: API_KEY is not set, so the request carried the pact's placeholder and the provider answered 401",
    );
    const ok = await cli(['verify', '--provider', 'helpdesk'], { API_KEY: TOKEN }, dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toContain('does not inject');
    const log = fs.readFileSync(path.join(dir, '.cxpact/logs/verify-helpdesk.log'), 'utf8');
    expect(log).toContain('x-seen-authorization'); // the echo is logged ...
    expect(ok.stdout + ok.stderr + log).not.toContain(TOKEN); // ... with the credential scrubbed
    expect(log).toContain('Bearer [REDACTED]');
    const debug = await cli(
      ['verify', '--provider', 'helpdesk', '--log-level', 'debug', '--log-file', 'reports/debug.log'],
      { API_KEY: TOKEN },
      dir,
    );
    expect(debug.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'reports/debug.log'), 'utf8')).not.toContain(TOKEN);
  });

  it('passes a provider sending plain application/json against a cases file that says charset=utf-8 (the real Verifier honours the media-type matcher)', async () => {
    const api = await startHelpdesk();
    servers.push(api);
    const cases = {
      cases: [
        {
          name: 'open-ticket',
          input: { ticketId: 'T-100' },
          response: {
            status: 200,
            headers: { 'Content-Type': 'application/json; charset=utf-8' },
            body: { ticket: { id: 'T-100', status: 'open', requesterId: 'U-7' } },
          },
        },
      ],
    };
    const dir = await project('charset', {
      'data-actions/helpdesk/get-ticket.cases.json': cases,
      'providers/helpdesk/provider.config.json': {
        name: 'helpdesk',
        baseUrl: api.url,
        credentials: [{ header: 'Authorization', env: 'API_KEY', prefix: 'Bearer ' }],
      },
    });
    const pactFile = path.join(dir, 'pacts/genesys-data-actions-helpdesk.json');
    const ok = await cli(['verify', '--provider', 'helpdesk'], { API_KEY: TOKEN }, dir);
    expect(ok.stdout).toContain('1 of 1 interaction(s) passed.');
    expect(ok.code).toBe(0);
    // Control: the same pact without the header matcher fails with the real Verifier, so the matcher is what passes it.
    const pact = JSON.parse(fs.readFileSync(pactFile, 'utf8'));
    delete pact.interactions[0].response.matchingRules.header;
    fs.writeFileSync(pactFile, JSON.stringify(pact));
    const strict = await cli(['verify', '--provider', 'helpdesk'], { API_KEY: TOKEN }, dir);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/header Content-Type/i);
  });
});

describe('quiet by default, everything on request (the CLI as its own process)', () => {
  // Asynchronous: the backend answers from this process's event loop while the CLI runs.
  const runCliProcess = (
    dir: string,
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, cxpactArgs(args), {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it("shows no Node deprecation warning and no verifier log by default; --log-level info shows the log in the terminal; PACT_DO_NOT_TRACK is the user's", async () => {
    const api = await startHelpdesk();
    servers.push(api);
    const dir = await project('quiet');
    minimalConfig(dir, api.url);
    const quiet = await runCliProcess(dir, ['verify', '--provider', 'helpdesk']);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout + quiet.stderr).not.toMatch(
      /DeprecationWarning|Verifying a pact between|We are tracking events/,
    );
    // Not set by the user: the Pact core's notice is in the log (cxpact does not opt anyone out).
    expect(fs.readFileSync(path.join(dir, '.cxpact/logs/verify-helpdesk.log'), 'utf8')).toContain('PACT_DO_NOT_TRACK');
    const tracked = await runCliProcess(dir, ['verify', '--provider', 'helpdesk', '--log-file', 'reports/verify.log'], {
      PACT_DO_NOT_TRACK: 'true',
    });
    expect(tracked.status).toBe(0);
    expect(tracked.stdout).toContain("[cxpact] The verifier's log: reports/verify.log");
    expect(fs.readFileSync(path.join(dir, 'reports/verify.log'), 'utf8')).not.toContain('We are tracking events');
    const loud = await runCliProcess(dir, ['verify', '--provider', 'helpdesk', '--log-level', 'info']);
    expect(loud.status).toBe(0);
    expect(loud.stdout).toContain('Verifying a pact between');
    expect(loud.stdout + loud.stderr).not.toContain('DeprecationWarning');
    expect(loud.stdout).not.toContain("The verifier's log:");
  });
});
