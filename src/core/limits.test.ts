import {
  Budget,
  countValues,
  DEFAULT_LIMITS,
  LimitExceededError,
  limitErrorFromRaw,
  limitsFromArgs,
  resolveLimits,
  safeJson,
  tooDeep,
  tooLong,
  withBudget,
} from './limits';
import { CxpactError } from './errors';

function deepArray(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

describe('limits: configuration', () => {
  it('takes flags over environment variables over the documented defaults', () => {
    expect(limitsFromArgs({}, {})).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({ timeMs: 10_000, memoryMb: 512, steps: 2_000_000, depth: 100, headers: 100 });
    const l = limitsFromArgs(
      { 'budget-time-ms': '250' },
      { CXPACT_BUDGET_TIME_MS: '999', CXPACT_LIMIT_DEPTH: '7', CXPACT_BUDGET_STEPS: '1_000' },
    );
    expect(l).toMatchObject({ timeMs: 250, depth: 7, steps: 1000 });
  });

  it('refuses a limit that is not a positive number, naming the flag or variable', () => {
    expect(() => limitsFromArgs({ 'limit-depth': 'deep' }, {})).toThrow(/--limit-depth must be a positive number/);
    expect(() => limitsFromArgs({}, { CXPACT_BUDGET_STEPS: '-1' })).toThrow(/CXPACT_BUDGET_STEPS/);
    expect(() => resolveLimits({ timeMs: 0 })).toThrow(CxpactError);
  });
});

describe('limits: the budget of one evaluation', () => {
  it('stops after the step budget with budget.steps', () => {
    const b = new Budget({ steps: 100 });
    expect(() => {
      for (let i = 0; i < 1000; i++) b.tick();
    }).toThrow(expect.objectContaining({ code: 'budget.steps', limit: 'steps' }));
  });

  it('stops after the time budget with budget.time, checked every few thousand steps', () => {
    const b = new Budget({ timeMs: 20, steps: 1e12 });
    const start = Date.now();
    let error: unknown;
    try {
      for (;;) b.tick();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).code).toBe('budget.time');
    expect(Date.now() - start).toBeGreaterThanOrEqual(20);
  });

  it('stops when the heap grew past the memory budget, read at the check points', () => {
    const b = new Budget({ memoryMb: 8, steps: 1e9 });
    const kept: number[][] = [];
    let error: unknown;
    try {
      for (let i = 0; i < 200 && error === undefined; i++) {
        kept.push(new Array(1_000_000).fill(i + 0.5));
        b.tick(4096);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'budget.memory', limit: 'memoryMb' });
    expect(kept.length).toBeLessThan(200);
  });

  it('names the construct once, innermost first, and says how to raise the limit', () => {
    const e = new LimitExceededError('budget.steps', 'steps', 'too many steps', 'Bound the loop')
      .within('#foreach ($i in ...)')
      .within('the outer template');
    expect(e.message).toBe('too many steps in #foreach ($i in ...)');
    expect(e.fix).toContain('--budget-steps / CXPACT_BUDGET_STEPS');
  });

  it('shares one budget between nested evaluations', () => {
    withBudget((outer) => {
      withBudget((inner) => expect(inner).toBe(outer));
    });
  });
});

describe('limits: raw JavaScript errors become findings', () => {
  it('maps a stack overflow and an oversized string', () => {
    const overflow = (): number => overflow() + 1;
    let raw: unknown;
    try {
      overflow();
    } catch (e) {
      raw = e;
    }
    expect(limitErrorFromRaw(raw)?.code).toBe('limit.depth');
    expect(limitErrorFromRaw(new RangeError('Invalid string length'))?.code).toBe('limit.output');
    expect(limitErrorFromRaw(new Error('other'))).toBeUndefined();
  });

  it('serialises a report holding a value too deep for JSON.stringify', () => {
    const report = { ok: false, output: deepArray(100_000) };
    expect(() => JSON.stringify(report)).toThrow(RangeError);
    const text = safeJson(report);
    expect(text).toContain('nested deeper than 100 levels: omitted');
    expect(JSON.parse(text)).toMatchObject({ ok: false });
  });
});

describe('limits: measuring parsed JSON without recursion', () => {
  it('finds the first value nested too deep, a string too long and counts values', () => {
    expect(tooDeep(deepArray(200_000), 100)).toMatch(/^\$\[0\]\[0\]/);
    expect(tooDeep({ a: { b: [1] } }, 3)).toBeUndefined();
    expect(tooDeep({ a: { b: [1] } }, 2)).toBe('$.a.b');
    expect(tooLong({ config: { request: { headers: { X: 'y'.repeat(11) } } } }, 10)).toEqual({
      path: '$.config.request.headers.X',
      length: 11,
    });
    expect(tooLong({ ['k'.repeat(11)]: 1 }, 10)?.length).toBe(11);
    expect(countValues({ a: [1, 2, { b: 3 }] }, 100)).toBe(6);
    expect(countValues({ enum: [1, 2, 3] }, 100, new Set(['enum']))).toBe(1);
  });
});
