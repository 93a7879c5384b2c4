// A Genesys-Cloud-like API on loopback (real node:http server, port 0, 127.0.0.1 only), built from the request and
// response shapes documented in /work/shared/docs/genesys-data-actions.md section 5:
//   POST /oauth/token (client credentials, Basic auth)  -> {access_token, token_type, expires_in}
//   GET  /api/v2/integrations/actions?includeConfig&pageSize&pageNumber -> ActionEntityListing
//   GET  /api/v2/integrations/actions/{id}[/draft]/templates/{requesttemplate.vm|successtemplate.vm} -> text
//   POST /api/v2/integrations/actions/{id}[/draft]/test -> TestExecutionResult
// Failure modes are switches so tests can drive every bad-input path.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeLoginHost } from './fake-login-host';

export interface FakeAction {
  id: string;
  name: string;
  integrationId?: string;
  category?: string;
  secure?: boolean;
  version?: number;
  config: {
    timeoutSeconds?: number;
    request: {
      requestUrlTemplate: string;
      requestType: string;
      headers?: Record<string, string>;
      requestTemplate: string;
    };
    response: {
      translationMap?: Record<string, string>;
      translationMapDefaults?: Record<string, string>;
      successTemplate: string;
    };
  };
  contract: { input: { inputSchema: Record<string, unknown> }; output: { successSchema: Record<string, unknown> } };
}

export interface TestCall {
  actionId: string;
  draft: boolean;
  input: Record<string, unknown>;
}

export interface FakeGenesysOptions {
  clientId: string;
  clientSecret: string;
  actions?: FakeAction[];
  /** Token lifetime in seconds (default 3600). */
  expiresIn?: number;
  /** Every API call answers 401, even with a fresh token (a revoked client). */
  rejectAllTokens?: boolean;
  /** Every API call answers 403 with a Genesys-style missing-permission message. */
  forbidden?: boolean;
  /** 'repeat': every page is page 1 and pageCount grows; 'endless': new entities forever. */
  runawayPaging?: 'repeat' | 'endless';
  /** Action ids whose template URIs answer 404. */
  missingTemplates?: string[];
  /** Answer the next N /test calls with 429 (Retry-After: retryAfter seconds when given). */
  rateLimitTests?: { count: number; retryAfter?: string };
  /** The platform's answer for /test and /draft/test; default: 404. */
  testHandler?: (call: TestCall) => { status?: number; body: unknown; delayMs?: number };
  /** `expand=contract` still answers with schema URIs only (the client must fetch /schemas/{fileName}). */
  contractOnlyByUri?: boolean;
  /** Answer the next N listing calls (GET /api/v2/integrations/actions) with 503. */
  unavailableListings?: number;
  /** When set, the error body of 401/403 echoes this string (to test that the client never prints it). */
  echoInErrors?: string;
}

export interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

export interface FakeGenesys {
  url: string;
  options: FakeGenesysOptions;
  requests: RecordedRequest[];
  readonly logins: number;
  /** Invalidate every issued token: the next API call answers 401. */
  revokeTokens(): void;
  close(): Promise<void>;
}

function templatesOf(action: FakeAction): Record<string, string> {
  return {
    'requesttemplate.vm': action.config.request.requestTemplate,
    'successtemplate.vm': action.config.response.successTemplate,
  };
}

/**
 * The Action object GET returns: templates are not inline, only their URIs (section 1.2); the contract is inlined
 * only with `expand=contract`, otherwise it holds schema URIs.
 */
function platformObject(action: FakeAction, expandContract = false): Record<string, unknown> {
  const { requestTemplate: _req, ...request } = action.config.request;
  const { successTemplate: _succ, ...response } = action.config.response;
  void _req;
  void _succ;
  return {
    id: action.id,
    name: action.name,
    integrationId: action.integrationId ?? 'integration-1',
    category: action.category ?? 'Fake Integration',
    version: action.version ?? 1,
    secure: action.secure ?? false,
    config: {
      ...(action.config.timeoutSeconds === undefined ? {} : { timeoutSeconds: action.config.timeoutSeconds }),
      request: {
        ...request,
        requestTemplateUri: `/api/v2/integrations/actions/${action.id}/templates/requesttemplate.vm`,
      },
      response: {
        ...response,
        successTemplateUri: `/api/v2/integrations/actions/${action.id}/templates/successtemplate.vm`,
      },
    },
    contract: expandContract
      ? action.contract
      : {
          input: { inputSchemaUri: `/api/v2/integrations/actions/${action.id}/schemas/${action.id}.input.json` },
          output: { successSchemaUri: `/api/v2/integrations/actions/${action.id}/schemas/${action.id}.output.json` },
        },
    selfUri: `/api/v2/integrations/actions/${action.id}`,
  };
}

export async function startFakeGenesys(options: FakeGenesysOptions): Promise<FakeGenesys> {
  // A small login delay widens the window for concurrent callers (single-flight test).
  const login = new FakeLoginHost({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    tokenPrefix: 'fake-token-',
    expiresIn: () => options.expiresIn ?? 3600,
    ...(options.echoInErrors === undefined ? {} : { rejectDescription: options.echoInErrors }),
    delayMs: 20,
  });
  let rateLimited = options.rateLimitTests?.count ?? 0;
  let unavailable = options.unavailableListings ?? 0;
  const state: FakeGenesys = {
    url: '',
    options,
    requests: [],
    get logins() {
      return login.logins;
    },
    revokeTokens: () => login.revokeAll(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const send = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
    res.end(text);
  };
  const errorBody = (status: number, code: string, message: string): Record<string, unknown> => ({
    message: options.echoInErrors === undefined ? message : `${message} (${options.echoInErrors})`,
    code,
    status,
    contextId: 'fake-context',
    details: [],
    errors: [],
  });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      state.requests.push({
        method: req.method ?? 'GET',
        url: `${url.pathname}${url.search}`,
        authorization: req.headers.authorization,
        body,
      });
      void handle(req, res, url, body);
    });
  });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: string): Promise<void> => {
    if (await login.handle(req, res, url.pathname, body)) return;
    if (!login.accepts(req.headers.authorization) || options.rejectAllTokens === true) {
      send(res, 401, errorBody(401, 'authentication.required', 'Authentication failed.'));
      return;
    }
    if (options.forbidden === true) {
      send(
        res,
        403,
        errorBody(
          403,
          'missing.any.permissions',
          'Unable to perform the requested action. You must have at least one of the following permissions assigned: [integrations:action:view]',
        ),
      );
      return;
    }
    const actions = options.actions ?? [];
    if (req.method === 'GET' && url.pathname === '/api/v2/integrations/actions') {
      if (unavailable > 0) {
        unavailable -= 1;
        send(res, 503, errorBody(503, 'service.unavailable', 'The service is temporarily unavailable.'));
        return;
      }
      const pageSize = Number(url.searchParams.get('pageSize') ?? '25');
      const pageNumber = Number(url.searchParams.get('pageNumber') ?? '1');
      const includeConfig = url.searchParams.get('includeConfig') === 'true';
      const shape = (a: FakeAction): Record<string, unknown> => {
        const obj = platformObject(a);
        if (!includeConfig) delete obj['config'];
        return obj;
      };
      if (options.runawayPaging === 'repeat') {
        send(res, 200, {
          entities: actions.slice(0, pageSize).map(shape),
          pageSize,
          pageNumber,
          total: 1_000_000,
          pageCount: pageNumber + 1,
        });
        return;
      }
      if (options.runawayPaging === 'endless') {
        const entities = Array.from({ length: pageSize }, (_, i) => ({
          id: `endless-${pageNumber}-${i}`,
          name: `Endless ${pageNumber}-${i}`,
        }));
        send(res, 200, { entities, pageSize, pageNumber, total: 1_000_000, pageCount: pageNumber + 1 });
        return;
      }
      const start = (pageNumber - 1) * pageSize;
      const pageCount = Math.max(1, Math.ceil(actions.length / pageSize));
      send(res, 200, {
        entities: actions.slice(start, start + pageSize).map(shape),
        pageSize,
        pageNumber,
        total: actions.length,
        pageCount,
        ...(pageNumber < pageCount
          ? { nextUri: `/api/v2/integrations/actions?pageSize=${pageSize}&pageNumber=${pageNumber + 1}` }
          : {}),
      });
      return;
    }
    const single = /^\/api\/v2\/integrations\/actions\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && single !== null) {
      const action = actions.find((a) => a.id === decodeURIComponent(single[1] ?? ''));
      if (action === undefined) {
        send(res, 404, errorBody(404, 'not.found', 'Action not found.'));
        return;
      }
      const obj = platformObject(
        action,
        url.searchParams.get('expand') === 'contract' && !(options.contractOnlyByUri ?? false),
      );
      if (url.searchParams.get('includeConfig') !== 'true') delete obj['config'];
      send(res, 200, obj);
      return;
    }
    const schema = /^\/api\/v2\/integrations\/actions\/([^/]+)\/schemas\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && schema !== null) {
      const action = actions.find((a) => a.id === decodeURIComponent(schema[1] ?? ''));
      const file = decodeURIComponent(schema[2] ?? '');
      if (action === undefined || !file.startsWith(`${action.id}.`)) {
        send(res, 404, errorBody(404, 'not.found', 'Schema not found.'));
        return;
      }
      send(
        res,
        200,
        file.endsWith('.input.json') ? action.contract.input.inputSchema : action.contract.output.successSchema,
      );
      return;
    }
    const template = /^\/api\/v2\/integrations\/actions\/([^/]+)(\/draft)?\/templates\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && template !== null) {
      const action = actions.find((a) => a.id === decodeURIComponent(template[1] ?? ''));
      const text = action === undefined ? undefined : templatesOf(action)[decodeURIComponent(template[3] ?? '')];
      if (action === undefined || text === undefined || (options.missingTemplates ?? []).includes(action.id)) {
        send(res, 404, errorBody(404, 'not.found', 'The requested template was not found.'));
        return;
      }
      send(res, 200, text);
      return;
    }
    const test = /^\/api\/v2\/integrations\/actions\/([^/]+)(\/draft)?\/test$/.exec(url.pathname);
    if (req.method === 'POST' && test !== null) {
      if (rateLimited > 0) {
        rateLimited -= 1;
        const retryAfter = options.rateLimitTests?.retryAfter;
        send(
          res,
          429,
          errorBody(429, 'too.many.requests', 'Rate limit exceeded the maximum.'),
          retryAfter === undefined ? {} : { 'retry-after': retryAfter },
        );
        return;
      }
      const actionId = decodeURIComponent(test[1] ?? '');
      if (!actions.some((a) => a.id === actionId) || options.testHandler === undefined) {
        send(res, 404, errorBody(404, 'not.found', `Action ${actionId} not found.`));
        return;
      }
      let input: Record<string, unknown> = {};
      try {
        input = JSON.parse(body === '' ? '{}' : body) as Record<string, unknown>;
      } catch {
        send(res, 400, errorBody(400, 'bad.request', 'The request body is not JSON.'));
        return;
      }
      const answer = options.testHandler({ actionId, draft: test[2] !== undefined, input });
      if (answer.delayMs !== undefined) await new Promise((r) => setTimeout(r, answer.delayMs));
      send(res, answer.status ?? 200, answer.body);
      return;
    }
    send(res, 404, errorBody(404, 'not.found', `No route for ${req.method} ${url.pathname}.`));
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
