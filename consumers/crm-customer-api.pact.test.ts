// A hand-written consumer test for the CRM customer API, using the same machinery as `npm run pact:consumer`
// (src/io/action-case.ts, src/io/pact-ffi). Two styles:
//   1. a custom case of an existing Data Action: cxpact renders the request exactly as Genesys would, the real
//      Pact mock server answers, the action's own translation runs on the answer, and the outputs are checked;
//   2. a fully custom interaction (an agent script calling the CRM directly), written as plain data with matchers.
// Only assert what this consumer uses: the pact holds only the fields the translation reads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  defaultEngine,
  loadAction,
  runActionCase,
  executeInteraction,
  like,
  integer,
  regex,
  eachLike,
  type InteractionSpec,
} from '../src';

const ACTIONS = path.resolve(__dirname, '..', 'data-actions', 'crm-customer-api');

describe('CRM customer API (hand-written consumer contracts)', () => {
  let pactsDir: string;
  beforeAll(() => {
    // A real project writes to pacts/; the test keeps its pact out of the tree.
    pactsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-consumers-'));
  });
  afterAll(() => fs.rmSync(pactsDir, { recursive: true, force: true }));

  it('looks up a blacklisted Premium caller through the Data Action', async () => {
    const engine = await defaultEngine();
    const action = loadAction(engine, path.join(ACTIONS, 'lookup-customer-by-phone.json'));
    const result = await runActionCase({
      engine,
      action,
      provider: 'crm-customer-api',
      consumer: 'genesys-ivr-handwritten',
      pactsDir,
      kase: {
        name: 'blacklisted-premium',
        description: 'a lookup of a blacklisted Premium caller',
        kind: 'success',
        providerState: {
          name: 'a customer with phone +15559876543 exists',
          params: { phone: '+15559876543', tier: 'Premium', blacklisted: true },
        },
        input: { phoneNumber: '+15559876543' },
        response: {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
          body: {
            customer: {
              customerId: 'CUST-1003',
              fullName: 'Alan Turing',
              tier: 'Premium',
              openTickets: 5,
              flags: { blacklisted: true },
            },
          },
        },
      },
    });
    expect(result.problems).toEqual([]);
    expect(result.output).toEqual({
      customerId: 'CUST-1003',
      fullName: 'Alan Turing',
      accountTier: 'Premium',
      openTickets: 5,
      isBlacklisted: true,
    });
    // The secret header is matched by regex; the pact never holds a real key.
    const auth = result.spec.request.headers['Authorization'];
    expect(typeof auth === 'object' && auth['pact:matcher:type']).toBe('regex');
    const pact = JSON.parse(
      fs.readFileSync(path.join(pactsDir, 'genesys-ivr-handwritten-crm-customer-api.json'), 'utf8'),
    );
    const interaction = pact.interactions.find((i: { description: string }) =>
      i.description.includes('blacklisted-premium'),
    );
    expect(interaction.response.matchingRules.body['$.customer.tier'].matchers[0]).toEqual({
      match: 'regex',
      regex: '^(Standard|Premium|VIP)$',
    });
    expect(interaction.response.matchingRules.body['$.customer.openTickets'].matchers[0].match).toBe('integer');
  });

  it('fails a case whose response would make an output fall back to its default', async () => {
    const engine = await defaultEngine();
    const action = loadAction(engine, path.join(ACTIONS, 'lookup-customer-by-phone.json'));
    const result = await runActionCase({
      engine,
      action,
      provider: 'crm-customer-api',
      kase: {
        name: 'renamed-field',
        description: 'a lookup where the backend renamed openTickets',
        kind: 'success',
        providerState: { name: 'a customer with phone +15551234567 exists' },
        input: { phoneNumber: '+15551234567' },
        // the backend renamed openTickets: the translation would silently fall back to its default "0"
        response: {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
          body: {
            customer: {
              customerId: 'CUST-1001',
              fullName: 'Ada Lovelace',
              tier: 'VIP',
              open_tickets: 2,
              flags: { blacklisted: false },
            },
          },
        },
      },
    });
    expect(result.problems.map((p) => p.code)).toContain('translation.default.used');
    const problem = result.problems.find((p) => p.code === 'translation.default.used');
    expect(problem?.output).toBe('openTickets');
    expect(problem?.expression).toBe('$.customer.openTickets');
    expect(problem?.message).toMatch(/customer\.openTickets/);
  });

  it('records a custom interaction for an agent script', async () => {
    const spec: InteractionSpec = {
      description: 'a request for the recent interactions of a customer',
      providerStates: [
        { name: 'a customer with id CUST-1001 has recent interactions', params: { customerId: 'CUST-1001' } },
      ],
      request: {
        method: 'GET',
        path: '/api/v1/customers/CUST-1001/interactions',
        query: { limit: ['5'] },
        headers: { Authorization: regex('^Bearer .+$', 'Bearer {{credentials.apiKey}}') },
        rawPathAndQuery: '/api/v1/customers/CUST-1001/interactions?limit=5',
      },
      response: {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: {
          interactions: eachLike({
            channel: regex('^(voice|chat|email)$', 'voice'),
            durationSeconds: integer(120),
            summary: like('Card blocked'),
          }),
        },
      },
      comments: ['hand-written: used by the agent script, not by a Data Action'],
    };
    const body = await executeInteraction(
      { consumer: 'genesys-agent-script', provider: 'crm-customer-api', spec, pactsDir },
      async (baseUrl) => {
        const res = await fetch(`${baseUrl}/api/v1/customers/CUST-1001/interactions?limit=5`, {
          headers: { Authorization: 'Bearer {{credentials.apiKey}}' },
        });
        return (await res.json()) as { interactions: { channel: string; durationSeconds: number }[] };
      },
    );
    expect(body.interactions[0]).toEqual({ channel: 'voice', durationSeconds: 120, summary: 'Card blocked' });
    const pact = JSON.parse(fs.readFileSync(path.join(pactsDir, 'genesys-agent-script-crm-customer-api.json'), 'utf8'));
    expect(pact.metadata.pactSpecification.version).toBe('4.0');
    expect(pact.interactions[0].response.matchingRules.body['$.interactions'].matchers[0]).toEqual({
      match: 'type',
      min: 1,
    });
  });

  it('fails when the client sends a request the interaction does not describe', async () => {
    const spec: InteractionSpec = {
      description: 'a lookup by id',
      providerStates: [{ name: 'a customer with id CUST-1001 exists' }],
      request: {
        method: 'GET',
        path: '/api/v1/customers/CUST-1001',
        query: {},
        headers: {},
        rawPathAndQuery: '/api/v1/customers/CUST-1001',
      },
      response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { id: like('CUST-1001') } },
      comments: [],
    };
    await expect(
      executeInteraction({ consumer: 'genesys-agent-script', provider: 'crm-customer-api', spec }, async (baseUrl) => {
        await (await fetch(`${baseUrl}/api/v1/customers/CUST-9999`)).text();
      }),
    ).rejects.toThrow(/mismatch/i);
  });
});
