// Recorded responses for the matcher-lab pact: for each interaction, responses that should pass and fail under
// Pact's matching rules. Shared by the Verifier equivalence test and the benchmark.
import type { LoadedRecording } from '../../src/core/recorded/model';
import { interactionKey } from '../../src/core/recorded/model';

export interface LabResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const J = { 'Content-Type': 'application/json' };

/** interaction name -> variants (index 0 always the pact's own example). */
export const LAB_VARIANTS: Record<string, LabResponse[]> = {
  type: [
    { body: { name: 'Ada', age: 36, vip: true, address: { city: 'London', zip: 'N1' } } },
    { body: { name: 'Bob', age: 1.5, vip: false, address: { city: 'X', zip: 'Y', extra: 1 }, more: 1 } },
    { body: { name: 'Ada', age: '36', vip: true, address: { city: 'London', zip: 'N1' } } },
    { body: { name: 'Ada', age: 36, vip: true, address: { city: 'London' } } },
    { body: { name: 'Ada', age: 36, vip: true, address: 'London' } },
  ],
  'integer-decimal-number': [
    { body: { count: 3, price: 9.5, score: 7 } },
    { body: { count: 10, price: 1.25, score: 1.5 } },
    { body: { count: 1.5, price: 9.5, score: 7 } },
    { body: { count: 3, price: 9.5, score: '7' } },
    { body: { count: '3', price: 9.5, score: 7 } },
  ],
  regex: [
    { body: { status: 'Open', code: 'ABC-12' } },
    { body: { status: 'Pending', code: 'XYZ-9' } },
    { body: { status: 'Reopened', code: 'ABC-12' } },
    { body: { status: 'Open', code: 'abc-1' } },
    { body: { status: 'Closed', code: 'ABC-12' } },
  ],
  'include-equality': [
    { body: { message: 'queue', kind: 'fixed', plain: 'exact' } },
    { body: { message: 'your queue is 3', kind: 'fixed', plain: 'exact', extra: [1] } },
    { body: { message: 'queue', kind: 'other', plain: 'exact' } },
    { body: { message: 'queue', kind: 'fixed', plain: 'Exact' } },
    { body: { message: 'none', kind: 'fixed', plain: 'exact' } },
  ],
  'eachlike-min': [
    {
      body: {
        items: [
          { id: 1, label: 'a' },
          { id: 1, label: 'a' },
        ],
        tags: ['x'],
      },
    },
    {
      body: {
        items: [
          { id: 1, label: 'a' },
          { id: 2, label: 'b' },
          { id: 3, label: 'c' },
        ],
        tags: ['x', 'y', 'z'],
      },
    },
    { body: { items: [{ id: 1, label: 'a' }], tags: ['x'] } },
    {
      body: {
        items: [
          { id: 1, label: 'a' },
          { id: 'two', label: 'b' },
        ],
        tags: ['x'],
      },
    },
    { body: { items: [{ id: 1, label: 'a' }, { id: 2 }], tags: ['x'] } },
    {
      body: {
        items: [
          { id: 1, label: 'a' },
          { id: 2, label: 'b' },
        ],
        tags: [],
      },
    },
  ],
  'boolean-null': [
    { body: { flag: true, gone: null } },
    { body: { flag: false, gone: null } },
    { body: { flag: true, gone: 0 } },
    { body: { flag: 'true', gone: null } },
  ],
  dates: [
    { body: { day: '2026-11-23', at: '12:30:00', stamp: '2026-11-23T12:30:00.000+01:00' } },
    { body: { day: '2025-01-31', at: '23:59:59', stamp: '2025-01-31T23:59:59.123Z' } },
    { body: { day: '31/01/2025', at: '12:30:00', stamp: '2026-11-23T12:30:00.000+01:00' } },
    { body: { day: '2026-11-23', at: '12:30', stamp: '2026-11-23T12:30:00.000+01:00' } },
    { body: { day: '2026-11-23', at: '12:30:00', stamp: '2026-11-23T12:30:00+01:00' } },
  ],
  values: [
    { body: { counts: { a: 1 }, byId: { k1: { n: 'x' } } } },
    { body: { counts: { x: 5, y: 7 }, byId: { k9: { n: 'y' }, k10: { n: 'z' } } } },
    { body: { counts: { x: '5' }, byId: { k1: { n: 'x' } } } },
    { body: { counts: { a: 1 }, byId: { k9: { m: 1 } } } },
  ],
  'arrays-plain': [
    { body: { pair: [1, 'two'], nested: { list: [{ v: 1 }] } } },
    { body: { pair: [1, 'two'], nested: { list: [{ v: 2, w: 0 }] } } },
    { body: { pair: [1, 'two', 3], nested: { list: [{ v: 1 }] } } },
    { body: { pair: [2, 'two'], nested: { list: [{ v: 1 }] } } },
    { body: { pair: [1, 'two'], nested: { list: [{ v: 1 }, { v: 2 }] } } },
    { body: { pair: [1, 'two'], nested: { list: [{ v: 'one' }] } } },
  ],
  max: [
    { body: { few: ['a'] } },
    { body: { few: ['a', 'b'] } },
    { body: { few: ['a', 'b', 'c'] } },
    { body: { few: [1] } },
  ],
  'header-and-status': [
    { headers: { 'X-Trace': 'abcdef12', 'Content-Type': 'application/json' }, body: { ok: true } },
    {
      headers: { 'X-Trace': '0123abcd', 'Content-Type': 'application/json; charset=utf-8' },
      body: { ok: true, more: 1 },
    },
    { headers: { 'X-Trace': 'zz', 'Content-Type': 'application/json' }, body: { ok: true } },
    { headers: { 'Content-Type': 'application/json' }, body: { ok: true } },
    { headers: { 'X-Trace': 'abcdef12', 'Content-Type': 'application/json' }, body: { ok: false } },
    { status: 201, headers: { 'X-Trace': 'abcdef12', 'Content-Type': 'application/json' }, body: { ok: true } },
  ],
  'status-matcher': [{ status: 299 }, { status: 201 }, { status: 404 }, { status: 500 }],
  'root-like': [
    { body: { a: 1, b: { c: 'x' }, list: [1, 2] } },
    { body: { a: 9, b: { c: 'y', d: 0 }, list: [7, 8, 9] } },
    { body: { a: 1, b: { c: 'x' }, list: [5] } },
    { body: { a: 1, b: { c: 'x' }, list: ['a', 'b'] } },
    { body: { a: '1', b: { c: 'x' }, list: [1, 2] } },
    { body: { a: 1, b: {}, list: [1, 2] } },
  ],
  'no-rules': [
    { body: { n: 1, s: 'x', z: null, e: [], o: {} } },
    { body: { n: 1, s: 'x', z: null, e: [], o: { k: 1 }, extra: true } },
    { body: { n: 1, s: 'x', z: 'x', e: [], o: {} } },
    { body: { n: 1, s: 'x', z: null, e: [1], o: {} } },
    { body: { n: 2, s: 'x', z: null, e: [], o: {} } },
  ],
  'nested-eachlike': [
    { body: { rows: [{ id: 1, tags: ['t'] }] } },
    {
      body: {
        rows: [
          { id: 1, tags: ['a', 'b'] },
          { id: 2, tags: ['c'] },
        ],
      },
    },
    { body: { rows: [{ id: 1, tags: [] }] } },
    { body: { rows: [{ id: 1, tags: [3] }] } },
    { body: { rows: [] } },
  ],
  charset: [
    { headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: { ok: 1 } },
    { headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body: { ok: 1 } },
    { headers: { 'Content-Type': 'application/json' }, body: { ok: 1 } },
    { headers: { 'Content-Type': 'application/json; charset=iso-8859-1' }, body: { ok: 1 } },
  ],
};

/** The rounds: round r uses variant r of each interaction (or variant 0 when it has fewer). */
export function labRounds(): number {
  return Math.max(...Object.values(LAB_VARIANTS).map((v) => v.length));
}

export function labRecordings(round: number, recordedAt = new Date().toISOString()): LoadedRecording[] {
  return Object.entries(LAB_VARIANTS).map(([name, variants]) => {
    const v = variants[round] ?? variants[0]!;
    const description = `matcher lab: ${name}`;
    const providerStates = [{ name: `lab ${name}` }];
    const key = interactionKey(description, providerStates);
    return {
      consumer: 'matcher-lab-consumer',
      key,
      file: `recordings/matcher-lab-consumer/${key}.json`,
      recording: {
        recordedAt,
        interaction: { description, providerStates },
        request: { method: 'GET', path: `/lab/${name}`, query: {}, headers: {} },
        response: {
          status: v.status ?? (name === 'status-matcher' ? 299 : 200),
          headers: v.headers ?? (v.body === undefined ? {} : J),
          ...(v.body === undefined ? {} : { body: v.body }),
        },
      },
    };
  });
}
