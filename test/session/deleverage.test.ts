import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeleveragePlan } from '../../src/core/policy/deleverage-plan.js';
import { deleverageSteps, trimQty, type DeleverageStep } from '../../src/session/deleverage.js';

const plan = (cancel: string[], trims: DeleveragePlan['trims']): DeleveragePlan =>
  ({ cancel, trims, remainingExcess: 0, check: { excess: 1 } }) as unknown as DeleveragePlan;
const EMPTY = plan([], []);

/** Drive the steps with a scripted sequence of plans; returns the steps seen (plans as 'plan'). */
function drive(
  plans: DeleveragePlan[],
  rounds?: number,
  canTrade: boolean | ((symbol: string) => boolean) = true,
): { seen: string[]; last: DeleveragePlan } {
  const trades = typeof canTrade === 'boolean' ? () => canTrade : canTrade;
  const steps = deleverageSteps(rounds);
  const seen: string[] = [];
  let k = 0;
  let step = steps.next();
  while (!step.done) {
    const s: DeleverageStep = step.value;
    seen.push(s.kind === 'plan' ? 'plan' : s.kind === 'cancel' ? `cancel ${s.orderId}` : `trim ${s.symbol}`);
    step =
      s.kind === 'plan'
        ? steps.next(plans[Math.min(k++, plans.length - 1)])
        : steps.next(s.kind === 'trim' ? trades(s.symbol) : undefined);
  }
  return { seen, last: step.value.last };
}

describe('end-of-day steps (one loop for the simulator and live)', () => {
  it('cancels first, then trims, then plans again until nothing is left', () => {
    const first = plan(['a', 'b'], [{ symbol: 'SPY', qty: 2, price: 500 }]);
    const second = plan([], [{ symbol: 'AAPL', qty: 1, price: 200 }]);
    const { seen, last } = drive([first, second, EMPTY]);
    expect(seen).toEqual(['plan', 'cancel a', 'cancel b', 'trim SPY', 'plan', 'trim AAPL', 'plan']);
    expect(last).toBe(EMPTY);
  });

  it('a round in which every trim waits again (no bar now) ends the loop: planning again would plan the same', () => {
    const waiting = plan([], [{ symbol: 'SPY', qty: 2, price: 500 }]);
    // The first wait is news (the next plan puts SPY after the stocks that can trade); the second is not.
    expect(drive([waiting], undefined, false).seen).toEqual(['plan', 'trim SPY', 'plan', 'trim SPY']);
  });

  it('a trim that waits is news: the loop plans again, and the next plan trims a stock that can trade', () => {
    // Live learns that SPY cannot trade at this close only when the venue holds its trim; the driver then marks
    // it not tradable and the plan turns to MSFT (before: the loop ended, MSFT untouched, margin over).
    const spyFirst = plan([], [{ symbol: 'SPY', qty: 6, price: 438.04 }]);
    const msftNext = plan([], [{ symbol: 'MSFT', qty: 9, price: 274.03 }]);
    const { seen, last } = drive([spyFirst, msftNext, EMPTY], undefined, (symbol) => symbol !== 'SPY');
    expect(seen).toEqual(['plan', 'trim SPY', 'plan', 'trim MSFT', 'plan']);
    expect(last).toBe(EMPTY);
  });

  it('nothing to do: one plan, no action', () => {
    expect(drive([EMPTY]).seen).toEqual(['plan']);
  });

  it('stops after the given number of rounds even if the plan never empties', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), (rounds) => {
        const stuck = plan(['x'], []);
        const { seen } = drive([stuck], rounds);
        expect(seen.filter((s) => s === 'cancel x')).toHaveLength(rounds);
        expect(seen.filter((s) => s === 'plan')).toHaveLength(rounds + 1);
      }),
      { seed: 7, numRuns: 20 },
    );
  });

  it('trims stocks in whole shares, rounded up, never more than held', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (q, held) => {
          const stock = trimQty('stock', held, q);
          expect(Number.isInteger(stock)).toBe(true);
          expect(stock).toBeLessThanOrEqual(held);
          if (q <= held) expect(stock).toBeGreaterThanOrEqual(q - 1e-9);
          expect(trimQty('crypto', held, q)).toBe(Math.min(held, q));
        },
      ),
      { seed: 11, numRuns: 300 },
    );
    expect(trimQty('stock', -10, 2.2)).toBe(3);
  });
});
