// The example CRM API over real HTTP: routes, provider states, validation and the renamed variant.
import { startCrmApi, type RunningCrmApi } from '../../providers/crm-customer-api/app';

let api: RunningCrmApi;
afterEach(async () => api?.close());

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(api.url + path, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const state = (name: string, params: Record<string, unknown> = {}) =>
  call('/_pact/provider-states', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ state: name, params, action: 'setup' }),
  });

describe('example CRM API', () => {
  it('looks a customer up by phone under /api/v1 and seeds state params', async () => {
    api = await startCrmApi();
    const seeded = await state('a customer with phone +15550001111 exists', {
      phone: '+15550001111',
      customerId: 'CUST-7',
      tier: 'Premium',
    });
    expect(seeded.body).toMatchObject({ customerId: 'CUST-7', phone: '+15550001111' });
    const res = await call('/api/v1/customers?phone=%2B15550001111');
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({ customerId: 'CUST-7', tier: 'Premium', flags: { blacklisted: false } });
    expect(res.body.customer).not.toHaveProperty('id');
  });

  it('answers 404 for "no customer" states and 503 while "the CRM is unavailable"', async () => {
    api = await startCrmApi();
    await state('no customer with phone +15551234567 exists', { phone: '+15551234567' });
    expect((await call('/api/v1/customers?phone=%2B15551234567')).status).toBe(404);
    await state('the CRM is unavailable');
    expect((await call('/api/v1/customers/CUST-1001/tickets')).status).toBe(503);
  });

  it('leaves out fields named by "lacks" states and omits the ticket count when asked', async () => {
    api = await startCrmApi();
    await state('CRM - Update Account: the backend response lacks $.account.balance', { accountId: 'ACC-9' });
    const acct = await call('/api/v1/accounts/ACC-9', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: '{"callbackOptIn":true}',
    });
    expect(acct.body.account).toEqual({ id: 'ACC-9', preferredLanguage: 'en-US', callbackOptIn: true });
    await state('a customer with phone +15557654321 exists without a ticket count', { phone: '+15557654321' });
    const c = await call('/api/v1/customers?phone=%2B15557654321');
    expect(c.body.customer).not.toHaveProperty('openTickets');
  });

  it('creates cases with validation', async () => {
    api = await startCrmApi();
    const bad = await call('/api/v1/cases', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"customerId":"CUST-1001","subject":"x","priority":9}',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('priority must be an integer from 1 to 5');
    const ok = await call('/api/v1/cases', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"customerId":"CUST-1001","subject":"x","priority":2}',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ id: 'CASE-5001', caseNumber: 5001, status: 'New' });
  });

  it('the renamed variant returns customer_id instead of customerId; a token makes calls need auth', async () => {
    api = await startCrmApi({ renameCustomerId: true, token: 't' });
    expect((await call('/api/v1/customers?phone=%2B15551234567')).status).toBe(401);
    const res = await call('/api/v1/customers?phone=%2B15551234567', { headers: { Authorization: 'Bearer t' } });
    expect(res.body.customer).toHaveProperty('customer_id', 'CUST-1001');
    expect(res.body.customer).not.toHaveProperty('customerId');
  });
});
