// Provider states of the CRM example. Each state the consumer contracts name resets the store and seeds it.
// States are recognised by their wording and params, so a new Data Action case that follows the same wording
// needs no code change:
//   "a customer with phone +15551234567 exists" {phone, customerId, tier}
//   "a customer with phone ... exists without a ticket count"
//   "a customer with id CUST-1001 exists" / "... has open and closed tickets" {customerId}
//   "no customer with phone +15550000000 exists" {phone}
//   "the CRM is unavailable", "<Action>: the backend is unavailable"
//   "<Action>: the backend returns a valid response" {accountId, ...}   (derived cases)
//   "<Action>: the backend response lacks $.account.balance"           (derived absent-field cases)
import { demoCustomer, type AccountTier, type CrmStore } from './store';

export interface ProviderStateRequest {
  state: string;
  params?: Record<string, unknown>;
  action?: 'setup' | 'teardown';
}

export interface ProviderStateResult {
  state: string;
  applied: string[];
  /** Values the verifier may inject into requests (provider-state-injected values). */
  customerId?: string;
  phone?: string;
  accountId?: string;
}

const PHONE_RE = /\+\d{7,15}/;
const CUSTOMER_ID_RE = /\bcustomer with id\s+([A-Za-z0-9][A-Za-z0-9_-]*)/i;
const LACKS_RE = /lacks\s+(\$[\w.[\]]+)/i;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function tierFrom(text: string, ...params: unknown[]): AccountTier | undefined {
  for (const p of params) if (p === 'Standard' || p === 'Premium' || p === 'VIP') return p;
  if (/\bVIP\b/.test(text)) return 'VIP';
  if (/\bpremium\b/i.test(text)) return 'Premium';
  if (/\bstandard\b/i.test(text)) return 'Standard';
  return undefined;
}

/** Applies one provider state to the store (teardown restores the demo data). */
export function applyProviderState(store: CrmStore, req: ProviderStateRequest): ProviderStateResult {
  const text = req.state;
  const params = req.params ?? {};
  store.reset();
  if (req.action === 'teardown') return { state: text, applied: ['demo data restored'] };
  const applied: string[] = [];
  const result: ProviderStateResult = { state: text, applied };

  // Scenario: the backend is down; every call answers 503.
  if (/\b(unavailable|down|outage)\b/i.test(text)) {
    store.unavailable = true;
    applied.push('CRM unavailable (503)');
    return result;
  }
  // Scenario: a derived absent-field case; leave that field out of responses.
  const lacks = LACKS_RE.exec(text);
  if (lacks !== null) {
    store.omitted.add(lacks[1]!);
    applied.push(`omitting ${lacks[1]}`);
  }

  const phone = str(params.phone) ?? str(params.phoneNumber) ?? PHONE_RE.exec(text)?.[0];
  const customerId = str(params.customerId) ?? CUSTOMER_ID_RE.exec(text)?.[1];

  // Scenario: the contract expects "not found" for this customer.
  if (/\b(no|unknown)\s+customer\b|customer\b.*\b(does not|doesn't|not)\s+exist/i.test(text)) {
    for (const [id, c] of store.customers) {
      if ((phone !== undefined && c.phone === phone) || (customerId !== undefined && id === customerId))
        store.customers.delete(id);
    }
    applied.push(`no customer ${phone ?? customerId ?? ''}`.trim());
    return { ...result, ...(phone === undefined ? {} : { phone }) };
  }

  // Scenario: a customer exists (by phone or id), with a tier, tickets, blacklisting as the wording says.
  if (customerId !== undefined || phone !== undefined || /\bcustomer\b/i.test(text)) {
    const existing =
      (customerId !== undefined ? store.customers.get(customerId) : undefined) ??
      (phone !== undefined ? store.byPhone(phone) : undefined);
    const id = customerId ?? existing?.id ?? 'CUST-1001';
    const base =
      existing ?? demoCustomer(id, phone ?? '+15551234567', str(params.fullName) ?? 'Ada Lovelace', 'Standard');
    const c = {
      ...structuredClone(base),
      id,
      ...(phone === undefined ? {} : { phone }),
      ...(str(params.fullName) === undefined ? {} : { fullName: str(params.fullName)! }),
      tier: tierFrom(text, params.tier, params.accountTier) ?? base.tier,
    };
    if (typeof params.openTickets === 'number') c.openTickets = params.openTickets;
    if (/without (a |an )?(open )?ticket count/i.test(text)) delete c.openTickets;
    if (typeof params.isBlacklisted === 'boolean' || typeof params.blacklisted === 'boolean') {
      c.flags = { ...c.flags, blacklisted: (params.isBlacklisted ?? params.blacklisted) as boolean };
    } else if (/\b(blacklisted|blocked|banned)\b/i.test(text) && !/\bnot (blacklisted|blocked|banned)\b/i.test(text)) {
      c.flags = { ...c.flags, blacklisted: true };
    }
    if (/\bno (open )?tickets\b/i.test(text)) {
      c.tickets = [];
      c.openTickets = 0;
    }
    store.upsertCustomer(c);
    applied.push(`customer ${c.id} (${c.phone}) seeded`);
    result.customerId = c.id;
    result.phone = c.phone;
  }

  // Scenario: an account exists (update-account and its derived cases pass accountId as a param).
  const accountId = str(params.accountId);
  if (accountId !== undefined || /\baccount\b/i.test(text)) {
    const id = accountId ?? 'ACC-2001';
    store.accounts.set(id, { id, preferredLanguage: 'en-US', callbackOptIn: false, balance: 42.5 });
    applied.push(`account ${id} seeded`);
    result.accountId = id;
  }
  if (applied.length === 0) applied.push('unrecognised state: demo data only');
  return result;
}
