import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exitLevels, exitStep, stopTouched, takeProfitOrder } from '../../src/session/exits.js';
import { holdsSignal } from '../../src/session/signals.js';
import { roundLimit } from '../../src/session/sizing.js';

const SEED = { seed: 20261204, numRuns: 500 };
const price = fc.double({ min: 0.01, max: 100_000, noNaN: true });
const side = fc.constantFrom('buy' as const, 'sell' as const);
const time = fc.integer({ min: 0, max: 2e12 });

describe('the one exit rule of the session', () => {
  it('a stop lies on the losing side of the fill by stopLossPct; a time stop timeStopHours after it', () => {
    fc.assert(
      fc.property(side, price, time, fc.double({ min: 0.001, max: 0.5, noNaN: true }), (s, px, t, pct) => {
        const { stopPrice, timeStopAt } = exitLevels({ stopLossPct: pct, timeStopHours: 72 }, s, px, t);
        expect(stopPrice).toBeCloseTo(s === 'buy' ? px * (1 - pct) : px * (1 + pct), 9);
        expect(timeStopAt).toBe(t + 72 * 3_600_000);
        // A bar that reaches exactly the stop touches it; one a tick short of it does not.
        const stop = stopPrice!;
        if (s === 'buy') {
          expect(stopTouched(s, stop, px, stop)).toBe(true);
          expect(stopTouched(s, stop, px, stop * 1.0001)).toBe(false);
        } else {
          expect(stopTouched(s, stop, stop, px)).toBe(true);
          expect(stopTouched(s, stop, stop * 0.9999, px)).toBe(false);
        }
      }),
      SEED,
    );
  });

  it('0 turns the stop and the time stop off', () => {
    expect(exitLevels({ stopLossPct: 0, timeStopHours: 0 }, 'buy', 100, 5)).toEqual({
      stopPrice: null,
      timeStopAt: null,
    });
  });

  it('past its time stop a position leaves (and nothing is armed); before it, a take-profit is armed once', () => {
    fc.assert(
      fc.property(time, time, fc.boolean(), (at, now, resting) => {
        const step = exitStep(at, now, resting);
        if (now >= at) expect(step).toBe('time-stop');
        else expect(step).toBe(resting ? 'hold' : 'arm-take-profit');
        expect(exitStep(null, now, resting)).toBe(resting ? 'hold' : 'arm-take-profit');
      }),
      SEED,
    );
  });

  it('the take-profit closes the whole position on the other side, at a price the venue takes', () => {
    fc.assert(
      fc.property(
        side,
        price,
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.boolean(),
        (s, tp, qty, stock) => {
          const cls = stock ? 'stock' : 'crypto';
          const order = takeProfitOrder(cls, s, s === 'buy' ? qty : -qty, tp);
          expect(order.side).toBe(s === 'buy' ? 'sell' : 'buy');
          expect(order.qty).toBe(qty);
          expect(order.limitPrice).toBe(roundLimit(cls, order.side, tp));
          // Never less favourable than the forecast: a sell rounds up, a buy down.
          if (order.side === 'sell') expect(order.limitPrice).toBeGreaterThanOrEqual(tp * (1 - 1e-9));
          else expect(order.limitPrice).toBeLessThanOrEqual(tp * (1 + 1e-9));
        },
      ),
      SEED,
    );
  });

  it('a signal is held while it is valid, not at or after its validUntil', () => {
    fc.assert(
      fc.property(time, time, (until, now) => {
        expect(holdsSignal({ validUntil: until }, now)).toBe(until > now);
        expect(holdsSignal(null, now)).toBe(false);
      }),
      SEED,
    );
  });
});
