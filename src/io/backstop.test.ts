// The backstop behind the budgets: JavaScript that never yields is terminated and the next item still runs.
import { guarded, guardedEach } from './backstop';

describe('backstop: terminating what outlives its budget', () => {
  it('terminates an item that never yields and goes on with the next ones', () => {
    const done: number[] = [];
    const stopped: number[] = [];
    guardedEach(
      [1, 2, 3],
      200,
      (i) => {
        if (i === 2) for (;;);
        done.push(i);
      },
      (i) => stopped.push(i),
    );
    expect(done).toEqual([1, 3]);
    expect(stopped).toEqual([2]);
  });

  it('terminates a catastrophically backtracking native regex', () => {
    expect(() => guarded(200, () => /(a+)+$/.test(`${'a'.repeat(40)}b`))).toThrow(
      expect.objectContaining({ code: 'budget.time' }),
    );
    expect(guarded(200, () => 42)).toBe(42);
  });
});
