import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { CALIBRATION_GRID, Calibration, isotonicNonIncreasing } from '../../src/core/fill/calibration.js';
import { stockWindow, TradableProfile } from '../../src/core/fill/horizon.js';
import { FILL_P, FILL_P_NEXT_BAR, FILL_SLOTS, FillModel } from '../../src/core/fill/model.js';
import { logDistance, rawFillProbability } from '../../src/core/fill/distance.js';
import { erfc, firstPassage, normalCdf } from '../../src/core/fill/normal.js';
import { ReturnShrinker } from '../../src/core/fill/returns.js';
import { fillValuator } from '../../src/core/fill/valuator.js';
import { VAL_P, VAL_P_NEXT_BAR, VAL_RETURN, VAL_SIGMA } from '../../src/core/policy/valuation.js';
import type { OpenOrder } from '../../src/core/types.js';
import { rng } from '../support/arbitraries.js';

const RUNS = { seed: 7, numRuns: 200 } as const;
const HOUR = 3_600_000;
const calendar = nyseCalendar();
// Crypto symbol 0, stock symbol 1.
const CLASSES = ['crypto', 'stock'] as const;

/** Random-walk hourly bars: crypto every hour, the stock in its regular sessions (first bar 09:30, hourly). */
function feed(model: FillModel, seed: number, from: number, to: number, sigma = 0.01): void {
  const r = rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const price = [100, 100];
  for (let t = from; t < to; t += HOUR / 2) {
    for (const i of [0, 1]) {
      if (i === 0 && t % HOUR !== 0) continue;
      let barMs = HOUR;
      if (i === 1) {
        const s = calendar.sessionAt(t);
        if (!s || (t - s.open) % HOUR !== 0) continue;
        barMs = Math.min(HOUR, s.close - t);
      }
      const o = price[i]! * (i === 1 && calendar.sessionAt(t)!.open === t ? Math.exp(sigma * gauss()) : 1);
      let h = o;
      let l = o;
      let c = o;
      for (let k = 0; k < 6; k++) {
        c *= Math.exp((sigma / Math.sqrt(6)) * gauss());
        h = Math.max(h, c);
        l = Math.min(l, c);
      }
      price[i] = c;
      model.onBar(i, t, o, h, l, c, barMs);
    }
  }
}

const START = Date.parse('2024-01-02T00:00:00Z');
const TRAINED_UNTIL = Date.parse('2024-03-01T00:00:00Z');

function trained(seed = 1): FillModel {
  const model = new FillModel({ calendar, assetClasses: CLASSES });
  feed(model, seed, START, TRAINED_UNTIL);
  return model;
}

const shared = trained();

describe('normal distribution', () => {
  it('Φ matches known values and erfc stays within 1.2e-7 relative of reference points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(firstPassage(0)).toBe(1);
    expect(firstPassage(-1)).toBe(1);
  });

  it('2Φ(−z) is in [0, 1] and non-increasing in z', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (z, dz) => {
          const a = firstPassage(z);
          const b = firstPassage(z + dz);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(1);
          expect(b).toBeLessThanOrEqual(a);
        },
      ),
      RUNS,
    );
  });
});

describe('calibration', () => {
  it('isotonic fit is non-increasing and leaves a non-increasing input unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 20, maxLength: 20 }),
        (values, weights) => {
          const v = Float64Array.from(values);
          const w = Float64Array.from(weights.slice(0, values.length));
          const out = new Float64Array(v.length);
          isotonicNonIncreasing(v, w, out);
          for (let i = 1; i < out.length; i++) expect(out[i]!).toBeLessThanOrEqual(out[i - 1]! + 1e-12);
          const sorted = Float64Array.from([...values].sort((a, b) => b - a));
          isotonicNonIncreasing(sorted, w, out);
          for (let i = 0; i < out.length; i++) expect(out[i]!).toBeCloseTo(sorted[i]!, 12);
        },
      ),
      RUNS,
    );
  });

  it('an empty calibration is the raw model at the grid; outcomes pull it toward the hit rate', () => {
    const cal = new Calibration(50);
    CALIBRATION_GRID.forEach((z) => expect(cal.probability(z)).toBeCloseTo(firstPassage(z), 12));
    // Half the raw rate at every point (non-increasing, so no pooling): each point is the shrunk hit rate.
    CALIBRATION_GRID.forEach((z, k) => {
      const hits = Math.round(5000 * 0.5 * firstPassage(z));
      for (let n = 0; n < 5000; n++) cal.add(k, n < hits);
      expect(cal.trials[k]).toBe(5000);
    });
    CALIBRATION_GRID.forEach((z) => {
      const hits = Math.round(5000 * 0.5 * firstPassage(z));
      expect(cal.probability(z)).toBeCloseTo((hits + 50 * firstPassage(z)) / 5050, 12);
    });
  });

  it('between grid points the probability is the straight line through the fitted curve; addOrigin scores both sides', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -0.1, max: 0.2, noNaN: true }),
            fc.double({ min: -0.1, max: 0.2, noNaN: true }),
          ),
          {
            maxLength: 60,
          },
        ),
        fc.double({ min: 0.005, max: 0.05, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (origins, scale, at) => {
          const one = new Calibration(10);
          const pairs = new Calibration(10);
          for (const [down, up] of origins) {
            one.addOrigin(down, up, scale);
            CALIBRATION_GRID.forEach((z, k) => {
              pairs.add(k, down >= z * scale);
              pairs.add(k, up >= z * scale);
            });
          }
          expect(Array.from(one.hits)).toEqual(Array.from(pairs.hits));
          expect(Array.from(one.trials)).toEqual(Array.from(pairs.trials));
          const curve = one.curve();
          const k = Math.min(CALIBRATION_GRID.length - 2, Math.floor(at * (CALIBRATION_GRID.length - 1)));
          const z0 = CALIBRATION_GRID[k]!;
          const z1 = CALIBRATION_GRID[k + 1]!;
          const z = z0 + (z1 - z0) * at;
          const line = curve[k]! + ((curve[k + 1]! - curve[k]!) * (z - z0)) / (z1 - z0);
          expect(one.probability(z)).toBeCloseTo(line, 12);
        },
      ),
      RUNS,
    );
  });

  it('learns only from origins whose horizon is over: no bar after T changes what was learned by T', () => {
    const a = new FillModel({ calendar, assetClasses: CLASSES });
    const b = new FillModel({ calendar, assetClasses: CLASSES });
    const cut = Date.parse('2024-02-01T00:00:00Z');
    feed(a, 3, START, cut);
    feed(b, 3, START, cut);
    const before = a.calibration('crypto').curve();
    // b sees the same bars up to the cut; a sees nothing more. Their calibrations must agree exactly at the cut.
    expect(b.calibration('crypto').curve()).toEqual(before);
    // An origin at the last bar cannot have been scored: its 24 h horizon lies in the future.
    const crypto = a.calibration('crypto');
    const resolvedOrigins = crypto.trials[0]! / 2;
    const barsFed = (cut - START) / HOUR;
    expect(resolvedOrigins).toBeLessThanOrEqual(barsFed - 20 - 24 + 1);
    expect(resolvedOrigins).toBeGreaterThan(0);
  });
});

describe('fill probability', () => {
  const now = TRAINED_UNTIL;
  const priceArb = fc.double({ min: 1, max: 1000, noNaN: true });
  const distArb = fc.double({ min: -0.2, max: 0.3, noNaN: true });

  it('is in [0, 1], and 1 exactly when marketable (side-aware distance ≤ 0)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.constantFrom('buy' as const, 'sell' as const),
        priceArb,
        distArb,
        fc.integer({ min: 0, max: 96 }),
        (i, side, ref, dist, hours) => {
          const limit = side === 'buy' ? ref * (1 - dist) : ref * (1 + dist);
          const p = shared.fillProbability(i, side, limit, ref, now, now + hours * HOUR);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          if (logDistance(side, limit, ref) <= 0) expect(p).toBe(1);
          else if (hours > 0 && i === 0) expect(p).toBeLessThan(1);
        },
      ),
      RUNS,
    );
  });

  it('is non-increasing in distance (same order, limit further away) and non-decreasing in validity', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.constantFrom('buy' as const, 'sell' as const),
        priceArb,
        distArb,
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 200 }),
        (i, side, ref, dist, more, hours, minutesLater) => {
          const at = (x: number): number => (side === 'buy' ? ref * (1 - x) : ref * (1 + x));
          const until = now + hours * HOUR;
          const near = shared.fillProbability(i, side, at(dist), ref, now, until);
          const far = shared.fillProbability(i, side, at(dist + more), ref, now, until);
          expect(far).toBeLessThanOrEqual(near + 1e-12);
          const longer = shared.fillProbability(i, side, at(dist), ref, now, until + minutesLater * 60_000);
          expect(longer).toBeGreaterThanOrEqual(near - 1e-12);
        },
      ),
      RUNS,
    );
  });

  it("a stock's probability over a closed-market window is the gap term only", () => {
    const fridayClose = Date.parse('2024-03-01T21:00:00Z'); // 16:00 New York
    const mondayOpen = Date.parse('2024-03-04T14:30:00Z');
    const gap = shared.gapVariance(1);
    expect(gap).toBeGreaterThan(0);
    // The weekend up to Monday's open holds no tradable time and exactly one open.
    expect(shared.variance(1, fridayClose, mondayOpen)).toBe(gap);
    // Friday evening alone holds neither: no fill is possible.
    expect(shared.variance(1, fridayClose, fridayClose + 3 * HOUR)).toBe(0);
    fc.assert(
      fc.property(
        fc.double({ min: 0.0001, max: 0.1, noNaN: true }),
        fc.double({ min: 5, max: 500, noNaN: true }),
        (d, ref) => {
          const limit = ref * Math.exp(-d);
          const p = shared.fillProbability(1, 'buy', limit, ref, fridayClose, mondayOpen);
          const dd = logDistance('buy', limit, ref);
          expect(p).toBeCloseTo(shared.calibration('stock').probability(dd / Math.sqrt(gap)), 12);
          expect(shared.fillProbability(1, 'buy', limit, ref, fridayClose, fridayClose + 3 * HOUR)).toBe(0);
        },
      ),
      RUNS,
    );
  });

  it('tradable time and opens of a stock window follow the calendar', () => {
    const out = new Float64Array(2);
    const wedOpen = Date.parse('2024-03-06T14:30:00Z');
    stockWindow(calendar, wedOpen, wedOpen + 24 * HOUR, 48 * HOUR, out);
    expect([out[0], out[1]]).toEqual([6.5 * HOUR, 1]); // Wednesday's session, Thursday's open at the end
    stockWindow(calendar, wedOpen - HOUR, wedOpen + HOUR, 48 * HOUR, out);
    expect([out[0], out[1]]).toEqual([HOUR, 1]);
    // The cap ends the window: two hours of session, Thursday's open not reached.
    stockWindow(calendar, wedOpen, wedOpen + 24 * HOUR, 2 * HOUR, out);
    expect([out[0], out[1]]).toEqual([2 * HOUR, 0]);
    // Good Friday 2024-03-29: closed; Thursday close to Monday open is one open.
    stockWindow(
      calendar,
      Date.parse('2024-03-28T20:00:00Z'),
      Date.parse('2024-04-01T13:30:00Z'),
      48 * HOUR,
      out,
    );
    expect([out[0], out[1]]).toEqual([0, 1]);
  });

  it('the running-sum profile gives exactly what stockWindow gives, for any windows and cap, in any order', () => {
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    const c = new Float64Array(2);
    const reached = new Float64Array(2);
    const base = Date.parse('2024-11-25T00:00:00Z'); // Thanksgiving week: a holiday and an early close
    const quarter = 15 * 60_000;
    fc.assert(
      fc.property(
        // One profile for many starts, forward and back (the anchor moves), each with a few ends.
        fc.array(
          fc.record({
            fromQ: fc.integer({ min: 0, max: 14 * 96 }),
            spans: fc.array(fc.integer({ min: 0, max: 10 * 96 }), { minLength: 1, maxLength: 4 }),
            jitter: fc.constantFrom(0, 1, 0.5),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.constantFrom(HOUR, 6.5 * HOUR, 48 * HOUR, 200 * HOUR),
        (starts, cap) => {
          const profile = new TradableProfile(calendar, cap);
          // What a row keeps: reach(to) at an epoch, taken again at a later start of the same epoch.
          const kept: { to: number; epoch: number; tradable: number; opens: number }[] = [];
          for (const { fromQ, spans, jitter } of starts) {
            // On quarter hours (opens, closes), just past them, or not a whole millisecond (the scan serves).
            const from = base + fromQ * quarter + jitter;
            for (const span of spans) {
              const to = from + span * quarter + (span % 2);
              stockWindow(calendar, from, to, cap, a);
              profile.window(from, to, b);
              expect([b[0], b[1]]).toEqual([a[0], a[1]]);
              if (profile.begin(from) && Number.isInteger(to)) {
                profile.reach(to, reached);
                if (profile.settled(to))
                  kept.push({ to, epoch: profile.epoch, tradable: reached[0]!, opens: reached[1]! });
              }
            }
            if (!profile.begin(from)) continue;
            for (const k of kept) {
              if (k.epoch !== profile.epoch || !(k.to > from)) continue;
              stockWindow(calendar, from, k.to, cap, a);
              profile.windowTo(k.tradable, k.opens, c);
              expect([c[0], c[1]]).toEqual([a[0], a[1]]);
            }
          }
        },
      ),
      RUNS,
    );
  });

  it('is unknown (NaN) before a symbol has enough bars, never a guess', () => {
    const fresh = new FillModel({ calendar, assetClasses: CLASSES });
    feed(fresh, 5, START, START + 10 * HOUR);
    expect(fresh.fillProbability(0, 'buy', 99, 100, START + 10 * HOUR, START + 34 * HOUR)).toBeNaN();
    expect(fresh.fillProbability(0, 'buy', 101, 100, START + 10 * HOUR, START + 34 * HOUR)).toBe(1);
  });

  it('evaluate agrees with fillProbability and gives a next-bar chance no larger than the validity chance', () => {
    const out = new Float64Array(FILL_SLOTS);
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        priceArb,
        distArb,
        fc.integer({ min: 1, max: 48 }),
        (i, ref, dist, hours) => {
          const limit = ref * (1 - dist);
          shared.evaluate(i, 'buy', limit, ref, now, now + hours * HOUR, out);
          expect(out[FILL_P]).toBe(shared.fillProbability(i, 'buy', limit, ref, now, now + hours * HOUR));
          expect(out[FILL_P_NEXT_BAR]!).toBeLessThanOrEqual(out[FILL_P]! + 1e-12);
        },
      ),
      RUNS,
    );
  });

  it("the next-bar chance is exactly P over min(validity, now + the symbol's bar), asked in any order", () => {
    // The last bars fed: crypto hourly, the stock's 15:30 bar (30 minutes) on the eve of TRAINED_UNTIL.
    const barMs = [HOUR, HOUR / 2];
    const out = new Float64Array(FILL_SLOTS);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            i: fc.constantFrom(0, 1),
            later: fc.constantFrom(0, 0, 10 * 60_000, 26 * HOUR),
            minutes: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constant(Number.NaN)),
            dist: fc.double({ min: 0.0005, max: 0.05, noNaN: true }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        (asks) => {
          for (const a of asks) {
            const at = now + a.later;
            const until = at + a.minutes * 60_000;
            const limit = 100 * (1 - a.dist);
            shared.evaluate(a.i, 'buy', limit, 100, at, until, out);
            const next = Math.min(until, at + barMs[a.i]!);
            expect(out[FILL_P_NEXT_BAR]).toBe(shared.fillProbability(a.i, 'buy', limit, 100, at, next));
            expect(out[FILL_P]).toBe(shared.fillProbability(a.i, 'buy', limit, 100, at, until));
          }
        },
      ),
      RUNS,
    );
  });

  it('same bars, same answers (deterministic)', () => {
    const again = trained();
    for (const d of [0.001, 0.01, 0.05]) {
      for (const i of [0, 1]) {
        expect(
          again.fillProbability(i, 'sell', 100 * (1 + d), 100, TRAINED_UNTIL, TRAINED_UNTIL + 24 * HOUR),
        ).toBe(
          shared.fillProbability(i, 'sell', 100 * (1 + d), 100, TRAINED_UNTIL, TRAINED_UNTIL + 24 * HOUR),
        );
      }
    }
  });

  it('the raw model is 2Φ(−d/√V): zero variance means no fill unless marketable', () => {
    expect(rawFillProbability(0.01, 0)).toBe(0);
    expect(rawFillProbability(0, 0)).toBe(1);
    expect(rawFillProbability(0.02, 0.0004)).toBeCloseTo(2 * normalCdf(-1), 7);
  });
});

describe('expected return given a fill (shrinkage)', () => {
  it('starts at the prior, lies between the prior-shrunk class mean and the symbol mean, and tends to the symbol mean', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (returns) => {
          const s = new ReturnShrinker({ assetClasses: ['crypto', 'crypto'], prior: 0.002 });
          expect(s.expectedReturn(0)).toBeCloseTo(0.002, 12);
          for (const r of returns) s.record(0, r);
          const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
          const classMean = (mean * returns.length + 30 * 0.002) / (returns.length + 30);
          const e = s.expectedReturn(0);
          expect(e).toBeGreaterThanOrEqual(Math.min(mean, classMean) - 1e-12);
          expect(e).toBeLessThanOrEqual(Math.max(mean, classMean) + 1e-12);
          // A symbol without trades takes its class's estimate.
          expect(s.expectedReturn(1)).toBeCloseTo(classMean, 12);
        },
      ),
      RUNS,
    );
    const s = new ReturnShrinker({ assetClasses: ['stock'], prior: 0 });
    for (let k = 0; k < 100_000; k++) s.record(0, 0.01);
    expect(s.expectedReturn(0)).toBeCloseTo(0.01, 4);
  });
});

describe('fillValuator', () => {
  it('a cached valuation always equals a fresh one: after a bar, a new price, a new trade or a new time', () => {
    const model = trained(11);
    const returns = new ReturnShrinker({ assetClasses: CLASSES });
    const options = {
      model,
      returns,
      symbolIndex: new Map([
        ['BTCUSD', 0],
        ['AAPL', 1],
      ]),
      orderValidUntil: (o: { placedAt: number }) => o.placedAt + 24 * HOUR,
      requestValidUntil: (_r: unknown, now: number) => now + 24 * HOUR,
    };
    const cached = fillValuator(options);
    const o = {
      id: 'x',
      symbol: 'BTCUSD',
      assetClass: 'crypto' as const,
      side: 'buy' as const,
      role: 'entry' as const,
      limitPrice: 99,
      qty: 1,
      price: 100 as number | null,
      forecastPnl: 0,
      placedAt: TRAINED_UNTIL,
      probe: false,
      external: false,
    };
    const a = new Float64Array(4);
    const b = new Float64Array(4);
    const same = (now: number): void => {
      cached.valueOrder(o, now, a);
      fillValuator(options).valueOrder(o, now, b);
      expect(Array.from(a)).toEqual(Array.from(b));
    };
    same(TRAINED_UNTIL);
    same(TRAINED_UNTIL);
    o.price = 100.5;
    same(TRAINED_UNTIL);
    returns.record(0, 0.02);
    same(TRAINED_UNTIL);
    model.onBar(0, TRAINED_UNTIL, 100.5, 101, 95, 96, HOUR);
    same(TRAINED_UNTIL); // same time, but the model has moved on
    same(TRAINED_UNTIL + HOUR);
    same(TRAINED_UNTIL + 2 * HOUR);
    o.price = null;
    cached.valueOrder(o, TRAINED_UNTIL + 2 * HOUR, a);
    expect(Number.isNaN(a[0]!)).toBe(true);
  });
  it("a next-bar answer is taken again at a new time only while the model is the same: another symbol's bars move the calibration", () => {
    // Crypto symbols 0 and 2: bars of symbol 0 resolve origins into the crypto calibration and leave symbol
    // 2's next-bar window (and its variance) as it was.
    const model = new FillModel({ calendar, assetClasses: ['crypto', 'stock', 'crypto'] });
    feed(model, 31, START, TRAINED_UNTIL);
    const r = rng(32);
    let price = 100;
    for (let t = TRAINED_UNTIL - 40 * HOUR; t < TRAINED_UNTIL; t += HOUR) {
      const c = price * Math.exp((r() - 0.5) * 0.02);
      model.onBar(2, t, price, Math.max(price, c) * 1.001, Math.min(price, c) * 0.999, c, HOUR);
      price = c;
    }
    const options = {
      model,
      returns: new ReturnShrinker({ assetClasses: ['crypto', 'stock', 'crypto'] }),
      symbolIndex: new Map([['ETHUSD', 2]]),
      orderValidUntil: (o: OpenOrder) => o.placedAt + 48 * HOUR,
      orderValidityFixed: true,
      requestValidUntil: (_r: unknown, now: number) => now + HOUR,
    };
    const o: OpenOrder = {
      id: 'e',
      symbol: 'ETHUSD',
      assetClass: 'crypto',
      side: 'buy',
      role: 'entry',
      limitPrice: 98.5,
      qty: 1,
      price: 100,
      forecastPnl: 0,
      placedAt: TRAINED_UNTIL,
      probe: false,
      external: false,
    };
    const batch = fillValuator(options);
    const rows = Int32Array.of(0);
    const stamps = Float64Array.of(1);
    const out = {
      probability: new Float64Array(1),
      nextBarProbability: new Float64Array(1),
      expectedReturn: new Float64Array(1),
      sigma: new Float64Array(1),
    };
    const one = new Float64Array(4);
    const nextBarAt = (now: number): number => {
      batch.valueOrders!([o], rows, 1, now, out, stamps);
      fillValuator(options).valueOrder(o, now, one);
      expect(out.nextBarProbability[0]).toBe(one[VAL_P_NEXT_BAR]);
      expect(out.probability[0]).toBe(one[VAL_P]);
      return out.nextBarProbability[0]!;
    };
    const before = nextBarAt(TRAINED_UNTIL);
    expect(nextBarAt(TRAINED_UNTIL + 1)).toBe(before); // the same window a millisecond later
    const origins = model.calibration('crypto').observations;
    feed(model, 33, TRAINED_UNTIL, TRAINED_UNTIL + 30 * HOUR);
    expect(model.calibration('crypto').observations).toBeGreaterThan(origins);
    const after = nextBarAt(TRAINED_UNTIL + 30 * HOUR);
    expect(after).not.toBe(before);
  });
});

describe('fillValuator batch (what decide() calls)', () => {
  type Step =
    | { kind: 'batch'; mask: number }
    | { kind: 'price' | 'limit'; row: number; factor: number }
    | { kind: 'time'; hours: number }
    | { kind: 'bar' | 'trade' }
    | { kind: 'swap'; a: number; b: number }
    | { kind: 'replace' | 'validity'; row: number };
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('batch' as const), mask: fc.nat() }), weight: 4 },
    fc.record({
      kind: fc.constantFrom('price' as const, 'limit' as const),
      row: fc.nat(),
      factor: fc.constantFrom(0.99, 1.001, 1.02),
    }),
    // Forward within a session, across closes and weekends, and back (the tradable profile's anchor moves).
    fc.record({ kind: fc.constant('time' as const), hours: fc.constantFrom(0, 1, 5, 17, 64, -3) }),
    fc.record({ kind: fc.constantFrom('bar' as const, 'trade' as const) }),
    fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
    fc.record({ kind: fc.constantFrom('replace' as const, 'validity' as const), row: fc.nat() }),
  );
  const orderArb = fc.record({
    symbol: fc.constantFrom('BTCUSD', 'BTCUSD', 'AAPL', 'UNKNOWN'),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    // Mostly resting away from the price: a marketable order's P is 1 whatever its price does.
    distance: fc.constantFrom(-0.01, 0.002, 0.01, 0.03, 0.06),
    price: fc.option(fc.constantFrom(95, 100, 104.5), { nil: null, freq: 8 }),
    hours: fc.constantFrom(0.5, 2, 24, 60),
  });
  // One model for the whole property: bars fed by a step go on from where the last one stopped.
  const model = trained(21);
  let nextBar = TRAINED_UNTIL;

  it('answers exactly as valueOrder row by row, whatever changes between batches (property)', () => {
    fc.assert(
      fc.property(
        fc.array(orderArb, { minLength: 1, maxLength: 10 }),
        fc.array(stepArb, { minLength: 1, maxLength: 14 }),
        (specs, steps) => {
          const returns = new ReturnShrinker({ assetClasses: CLASSES });
          const validity = new Map<string, number>();
          const options = {
            model,
            returns,
            symbolIndex: new Map([
              ['BTCUSD', 0],
              ['AAPL', 1],
            ]),
            orderValidUntil: (o: OpenOrder) => validity.get(o.id) ?? Number.NaN,
            requestValidUntil: (_r: unknown, now: number) => now + HOUR,
          };
          const batch = fillValuator(options);
          const single = fillValuator(options);
          // With row stamps (as decide() passes the order columns'): a row keeps what it computed while its
          // stamp stays, with the validity asked per batch, or once per stamp when fixed.
          const stamped = fillValuator(options);
          const fixed = fillValuator({ ...options, orderValidityFixed: true });
          let stampsMade = 0;
          let now = nextBar;
          let made = 0;
          const make = (s: (typeof specs)[number]): OpenOrder => {
            const id = `o${made++}`;
            validity.set(id, now + s.hours * HOUR);
            return {
              id,
              symbol: s.symbol,
              assetClass: s.symbol === 'AAPL' ? 'stock' : 'crypto',
              side: s.side,
              role: 'entry',
              limitPrice: (s.price ?? 100) * (s.side === 'buy' ? 1 - s.distance : 1 + s.distance),
              qty: 1,
              price: s.price,
              forecastPnl: 0,
              placedAt: now,
              probe: false,
              external: false,
            };
          };
          const orders = specs.map(make);
          const n = orders.length;
          const stamps = Float64Array.from(orders, () => ++stampsMade);
          const restamp = (row: number) => (stamps[row] = ++stampsMade);
          const column = () => new Float64Array(n).fill(-1);
          const one = new Float64Array(4);
          for (const step of steps) {
            if (step.kind === 'batch') {
              const rows = Int32Array.from(orders.keys()).filter((i) => ((step.mask >> i) & 1) === 1);
              const out = {
                probability: column(),
                nextBarProbability: column(),
                expectedReturn: column(),
                sigma: column(),
              };
              batch.valueOrders!(orders, rows, rows.length, now, out);
              const outs = [stamped, fixed].map((v) => {
                const o = {
                  probability: column(),
                  nextBarProbability: column(),
                  expectedReturn: column(),
                  sigma: column(),
                };
                v.valueOrders!(orders, rows, rows.length, now, o, stamps);
                return o;
              });
              for (let i = 0; i < n; i++) {
                const listed = rows.includes(i);
                if (listed) single.valueOrder(orders[i]!, now, one);
                const want = listed
                  ? [one[VAL_P], one[VAL_P_NEXT_BAR], one[VAL_RETURN], one[VAL_SIGMA]]
                  : [-1, -1, -1, -1];
                const got = [
                  out.probability[i],
                  out.nextBarProbability[i],
                  out.expectedReturn[i],
                  out.sigma[i],
                ];
                expect(got).toEqual(want);
                // The stamped forms may leave rows not listed as anything: only listed rows are compared.
                if (listed) {
                  for (const o of outs) {
                    const kept = [o.probability[i], o.nextBarProbability[i], o.expectedReturn[i], o.sigma[i]];
                    expect(kept).toEqual(want);
                  }
                }
              }
            } else if (step.kind === 'price') {
              const o = orders[step.row % n]!;
              if (o.price !== null) o.price *= step.factor;
              restamp(step.row % n);
            } else if (step.kind === 'limit') {
              orders[step.row % n]!.limitPrice *= step.factor;
              restamp(step.row % n);
            } else if (step.kind === 'time') now += step.hours * HOUR;
            else if (step.kind === 'bar') {
              model.onBar(0, nextBar, 100, 101, 99, 100.5, HOUR);
              nextBar += HOUR;
              now = Math.max(now, nextBar);
            } else if (step.kind === 'trade') returns.record(0, 0.01);
            else if (step.kind === 'swap') {
              const a = step.a % n;
              const b = step.b % n;
              [orders[a], orders[b]] = [orders[b]!, orders[a]!];
              restamp(a);
              restamp(b);
            } else if (step.kind === 'replace') {
              orders[step.row % n] = make(specs[step.row % specs.length]!);
              restamp(step.row % n);
            } else if (step.kind === 'validity') {
              validity.set(orders[step.row % n]!.id, now + 3 * HOUR);
              // A validity that changes while the order rests is a new row content for the fixed form.
              restamp(step.row % n);
            }
          }
        },
      ),
      { seed: 5, numRuns: 150 },
    );
  });
});
