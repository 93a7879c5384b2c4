// The example CRM provider's data: customers, accounts and cases in memory, with the demo records the API serves
// when started by hand. The API (app.ts) reads it; provider states (states.ts) reset and seed it.

export type AccountTier = 'Standard' | 'Premium' | 'VIP';

export interface Ticket {
  id: string;
  status: 'open' | 'closed';
  priority: 'low' | 'normal' | 'urgent';
  subject: string;
  openedAt: string;
}

export interface Customer {
  id: string;
  fullName: string;
  phone: string;
  email: string;
  tier: AccountTier;
  /** Absent for records migrated from the old CRM (the Data Action defaults it to 0). */
  openTickets?: number;
  flags: { blacklisted: boolean; vipSince?: string };
  createdAt: string;
  tickets: Ticket[];
  products: Array<{ sku: string; status: 'active' | 'closed' }>;
  preferences: { channel: 'voice' | 'chat' | 'email' | 'sms'; language: string };
  /** Lifetime value in account currency, always with cents (the profile contract expects a decimal). */
  lifetimeValue: number;
}

export interface Account {
  id: string;
  preferredLanguage: 'en-US' | 'es-US' | 'fr-CA';
  callbackOptIn: boolean;
  balance?: number;
}

export interface SupportCase {
  id: string;
  caseNumber: number;
  customerId: string;
  subject: string;
  priority: number;
  channel: string;
  status: 'New';
  createdAt: string;
  owner: { queue: string };
}

/** The in-memory data behind the API; provider states reset and seed it. */
export class CrmStore {
  readonly customers = new Map<string, Customer>();
  readonly accounts = new Map<string, Account>();
  readonly cases = new Map<string, SupportCase>();
  /** When true every API call answers 503 (provider state "the CRM is unavailable"). */
  unavailable = false;
  /** Response fields to leave out, as `$.a.b` paths (provider states "the backend response lacks $.a.b"). */
  readonly omitted = new Set<string>();
  private nextCaseNumber = 5001;

  constructor() {
    this.reset();
  }

  /** Back to the demo data set, so the API is useful when started by hand. */
  reset(): void {
    this.customers.clear();
    this.accounts.clear();
    this.cases.clear();
    this.omitted.clear();
    this.unavailable = false;
    this.nextCaseNumber = 5001;
    this.upsertCustomer(demoCustomer('CUST-1001', '+15551234567', 'Ada Lovelace', 'VIP'));
    this.upsertCustomer(demoCustomer('CUST-1002', '+15557654321', 'Grace Hopper', 'Standard'));
    this.accounts.set('ACC-2001', { id: 'ACC-2001', preferredLanguage: 'en-US', callbackOptIn: false, balance: 42.5 });
  }

  upsertCustomer(c: Customer): Customer {
    // One customer per phone number: seeding a phone replaces whoever had it.
    for (const [id, other] of this.customers)
      if (normalisePhone(other.phone) === normalisePhone(c.phone) && id !== c.id) this.customers.delete(id);
    this.customers.set(c.id, c);
    return c;
  }

  byPhone(phone: string): Customer | undefined {
    const wanted = normalisePhone(phone);
    for (const c of this.customers.values()) if (normalisePhone(c.phone) === wanted) return c;
    return undefined;
  }

  takeCaseNumber(): number {
    return this.nextCaseNumber++;
  }
}

/** A customer record with sensible demo values. */
export function demoCustomer(id: string, phone: string, fullName: string, tier: AccountTier): Customer {
  return {
    id,
    fullName,
    phone,
    email: `${fullName.split(' ')[0]!.toLowerCase()}@example.com`,
    tier,
    openTickets: 2,
    flags: tier === 'VIP' ? { blacklisted: false, vipSince: '2019-04-01' } : { blacklisted: false },
    createdAt: '2018-01-15T10:00:00Z',
    tickets: [
      { id: 'T-1', status: 'open', priority: 'urgent', subject: 'Card blocked', openedAt: '2026-01-02' },
      { id: 'T-2', status: 'closed', priority: 'low', subject: 'Address change', openedAt: '2025-12-01' },
    ],
    products: [
      { sku: 'CARD-GOLD', status: 'active' },
      { sku: 'LOAN-2020', status: 'closed' },
      { sku: 'SAVINGS', status: 'active' },
    ],
    preferences: { channel: 'voice', language: 'en-US' },
    lifetimeValue: 18250.75,
  };
}

/** Digits only, keeping a leading +: `+1 (555) 123-4567` and `+15551234567` are the same number. */
export function normalisePhone(phone: string): string {
  const trimmed = phone.trim();
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '');
}
