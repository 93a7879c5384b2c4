// Provider states of the CRM example: each state the consumer contracts name seeds the in-memory store.
// States are recognised by their wording plus params, so new Data Action cases need no code change when they
// follow the patterns below ("a customer with phone X exists", "no customer with phone X", ...).
import type { AccountTier, CrmStore, Customer } from './app';

export interface ProviderStateRequest {
  state: string;
  params?: Record<string, unknown>;
  action?: 'setup' | 'teardown';
}

export interface ProviderStateResult {
  state: string;
  applied: string;
  /** Values the verifier may inject into requests (provider-state-injected values). */
  customerId?: string;
  phone?: string;
}

const PHONE_RE = /\+?\d[\d\s().-]{5,}\d/;
const ID_RE = /\b(?:id|customerId|customer id)\s+([A-Za-z0-9][A-Za-z0-9_-]*)/i;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function tierFrom(text: string, param: unknown): AccountTier | undefined {
  const p = str(param);
  if (p === 'Standard' || p === 'Premium' || p === 'VIP') return p;
  if (/\bVIP\b/.test(text)) return 'VIP';
  if (/\bpremium\b/i.test(text)) return 'Premium';
  if (/\bstandard\b/i.test(text)) return 'Standard';
  return undefined;
}

/** Applies one provider state to the store. Unknown wording resets to the demo data (and says so). */
export function applyProviderState(store: CrmStore, req: ProviderStateRequest): ProviderStateResult {
  const text = req.state;
  const params = req.params ?? {};
  if (req.action === 'teardown') {
    store.reset();
    return { state: text, applied: 'teardown: demo data restored' };
  }
  store.reset();
  const phone = str(params.phone) ?? str(params.phoneNumber) ?? PHONE_RE.exec(text)?.[0]?.replace(/[\s().-]/g, '');
  const idFromText = ID_RE.exec(text)?.[1];
  const customerId = str(params.customerId) ?? str(params.id) ?? idFromText;

  // Scenario: the contract expects "not found" for this customer.
  if (/\b(no|unknown|not exist|does not exist|doesn't exist|not found|without)\b/i.test(text) && /customer/i.test(text)) {
    for (const [id, c] of store.customers) {
      if ((phone !== undefined && c.phone === phone) || (customerId !== undefined && id === customerId)) store.customers.delete(id);
    }
    if (phone === undefined && customerId === undefined) store.customers.clear();
    return { state: text, applied: 'customer removed', ...(phone === undefined ? {} : { phone }) };
  }

  // Scenario: a customer exists (optionally blacklisted, with a tier, with open tickets).
  if (/customer/i.test(text)) {
    const existing = (customerId !== undefined ? store.customers.get(customerId) : undefined) ?? (phone !== undefined ? store.byPhone(phone) : undefined);
    const base: Customer = existing ?? {
      customerId: customerId ?? `C-${2000 + store.customers.size}`,
      fullName: 'Ada Lovelace',
      phone: phone ?? '+15551234567',
      email: 'ada@example.com',
      accountTier: 'Standard',
      openTickets: 0,
      isBlacklisted: false,
    };
    const openTickets = typeof params.openTickets === 'number' ? params.openTickets : /open tickets?/i.test(text) && base.openTickets === 0 ? 2 : base.openTickets;
    const c: Customer = {
      ...base,
      ...(customerId === undefined ? {} : { customerId }),
      ...(phone === undefined ? {} : { phone }),
      ...(str(params.fullName) === undefined ? {} : { fullName: str(params.fullName)! }),
      ...(str(params.email) === undefined ? {} : { email: str(params.email)! }),
      accountTier: tierFrom(text, params.accountTier) ?? base.accountTier,
      openTickets,
      isBlacklisted: typeof params.isBlacklisted === 'boolean' ? params.isBlacklisted : /blacklist|blocked|banned/i.test(text) && !/not blacklist/i.test(text) ? true : base.isBlacklisted,
    };
    store.upsert(c);
    return { state: text, applied: `customer ${c.customerId} seeded`, customerId: c.customerId, phone: c.phone };
  }
  return { state: text, applied: 'unknown state: demo data only' };
}
