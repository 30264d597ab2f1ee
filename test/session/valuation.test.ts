import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { VAL_P } from '../../src/core/policy/valuation.js';
import type { OpenOrder } from '../../src/core/types.js';
import {
  barClose,
  SessionValuation,
  signalValuation,
  VALUATION_WARMUP_BARS,
} from '../../src/session/valuation.js';
import { order, request } from '../support/builders.js';

const H = 3_600_000;
const T = Date.parse('2025-01-06T00:00:00Z');
const calendar = nyseCalendar();
const symbols = [
  { symbol: 'BTCUSD', assetClass: 'crypto' as const },
  { symbol: 'AAPL', assetClass: 'stock' as const },
];

function valuation(victimRanking: 'distance' | 'expectedValue', validUntil = T + 1000 * H) {
  return new SessionValuation({
    victimRanking,
    calendar,
    symbols,
    barMs: H,
    orderValidUntil: () => validUntil,
    requestValidUntil: () => validUntil,
  });
}

/** Hourly bars from a seeded walk: [open time, O, H, L, C]. */
function walk(
  n: number,
  seed: number,
): { time: number[]; o: number[]; h: number[]; l: number[]; c: number[] } {
  let x = seed;
  const rand = (): number => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const out = {
    time: [] as number[],
    o: [] as number[],
    h: [] as number[],
    l: [] as number[],
    c: [] as number[],
  };
  let price = 100;
  for (let i = 0; i < n; i++) {
    const o = price;
    const c = o * (1 + 0.01 * rand());
    out.time.push(T + i * H);
    out.o.push(o);
    out.c.push(c);
    out.h.push(Math.max(o, c) * (1 + 0.004 * Math.abs(rand())));
    out.l.push(Math.min(o, c) * (1 - 0.004 * Math.abs(rand())));
    price = c;
  }
  return out;
}

describe('SessionValuation: one valuation per session, fed the same way by simulator and live runtime', () => {
  it('is inactive under distance: no valuator for the coordinator, nothing fed', () => {
    const v = valuation('distance');
    expect(v.active).toBe(false);
    expect(v.coordinatorOptions()).toEqual({ barMs: H });
    v.onBar(0, T, 100, 101, 99, 100, H);
    v.tradeClosed(0, 10, 1000);
    expect(v.model.version).toBe(0);
    expect(v.returns.version).toBe(0);
    const active = valuation('expectedValue');
    expect(active.coordinatorOptions().valuator).toBe(active.valuator);
  });

  it('live windows, however they overlap, give the model exactly what bar-by-bar feeding gives (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
        (seed, steps) => {
          const bars = walk(120, seed);
          const byBar = valuation('expectedValue');
          for (let i = 0; i < bars.time.length; i++)
            byBar.onBar(0, bars.time[i]!, bars.o[i]!, bars.h[i]!, bars.l[i]!, bars.c[i]!, H);
          const byWindow = valuation('expectedValue');
          let end = 0;
          for (const step of [...steps, bars.time.length]) {
            // Each window starts a little before the last one ended (as barsWanted asks): bars repeat.
            const from = Math.max(0, end - 3);
            end = Math.min(bars.time.length, end + step);
            const cut = (a: number[]) => a.slice(from, end);
            byWindow.onWindow(0, {
              time: cut(bars.time),
              open: cut(bars.o),
              high: cut(bars.h),
              low: cut(bars.l),
              close: cut(bars.c),
              intervalMs: H,
            });
          }
          const now = T + 120 * H;
          expect(byWindow.model.sigmaPerHour(0)).toBe(byBar.model.sigmaPerHour(0));
          for (const limit of [90, 97, 99.5]) {
            const a = byWindow.model.fillProbability(0, 'buy', limit, bars.c.at(-1)!, now, now + 24 * H);
            const b = byBar.model.fillProbability(0, 'buy', limit, bars.c.at(-1)!, now, now + 24 * H);
            expect(a).toBe(b);
          }
        },
      ),
      { seed: 3, numRuns: 40 },
    );
  });

  it('the first window warms the model on its last VALUATION_WARMUP_BARS bars, as the simulator does', () => {
    const n = VALUATION_WARMUP_BARS + 50;
    const bars = walk(n, 5);
    const live = valuation('expectedValue');
    live.onWindow(0, {
      time: bars.time,
      open: bars.o,
      high: bars.h,
      low: bars.l,
      close: bars.c,
      intervalMs: H,
    });
    const sim = valuation('expectedValue');
    for (let i = 50; i < n; i++)
      sim.onBar(0, bars.time[i]!, bars.o[i]!, bars.h[i]!, bars.l[i]!, bars.c[i]!, H);
    expect(live.model.version).toBe(VALUATION_WARMUP_BARS);
    expect(live.model.sigmaPerHour(0)).toBe(sim.model.sigmaPerHour(0));
  });

  it("a stock's last bar closes with its session; a bar is cut short by the next one's open", () => {
    const last = Date.parse('2025-01-15T20:30:00Z'); // 15:30 in New York
    expect(barClose(last, H, Number.POSITIVE_INFINITY, calendar) - last).toBe(H / 2);
    expect(barClose(last, H, Number.POSITIVE_INFINITY, null) - last).toBe(H);
    expect(barClose(T, H, T + H / 4, null) - T).toBe(H / 4);
  });

  it('records a closed trade as its net return over the entry notional', () => {
    const v = valuation('expectedValue');
    const before = v.returns.expectedReturn(0);
    v.tradeClosed(0, 50, 1000);
    expect(v.returns.trades(0)).toBe(1);
    expect(v.returns.expectedReturn(0)).toBeGreaterThan(before);
    v.tradeClosed(0, 50, 0); // no notional: nothing to learn
    expect(v.returns.trades(0)).toBe(1);
  });

  it('live: a resting entry is valued only while the signal it was placed for is current', () => {
    const signals = new Map([['BTCUSD', { key: 'BTCUSD@1', validUntil: T + 64 * H }]]);
    const keys = new Map([
      ['o1', 'BTCUSD@1'],
      ['o2', 'BTCUSD@0'],
    ]);
    const v = signalValuation({
      victimRanking: 'expectedValue',
      calendar,
      symbols,
      currentSignal: (s) => signals.get(s) ?? null,
      signalKeyOf: (id) => keys.get(id) ?? null,
    });
    const bars = walk(40, 9);
    for (let i = 0; i < 40; i++) v.onBar(0, bars.time[i]!, bars.o[i]!, bars.h[i]!, bars.l[i]!, bars.c[i]!, H);
    const now = T + 40 * H;
    const out = new Float64Array(4);
    const value = (o: OpenOrder): number => {
      v.valuator.valueOrder(o, now, out);
      return out[VAL_P]!;
    };
    const price = bars.c.at(-1)!;
    const o1 = order({ id: 'o1', symbol: 'BTCUSD', assetClass: 'crypto', limitPrice: price * 0.99, price });
    expect(value(o1)).toBeGreaterThan(0);
    expect(value(o1)).toBeLessThan(1);
    // An order of an older signal (or of a run before a restart): unknown, so never a victim.
    expect(
      value(order({ id: 'o2', symbol: 'BTCUSD', assetClass: 'crypto', limitPrice: price * 0.99, price })),
    ).toBeNaN();
    v.valuator.valueRequest(
      request({ symbol: 'BTCUSD', assetClass: 'crypto', limitPrice: price * 0.99, price }),
      now,
      out,
    );
    expect(out[VAL_P]).toBe(value(o1));
    v.valuator.valueRequest(request({ symbol: 'AAPL', limitPrice: 99, price: 100 }), now, out);
    expect(out[VAL_P]).toBeNaN();
  });
});
