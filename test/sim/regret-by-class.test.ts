import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssetClass } from '../../src/core/types.js';
import type { TradeRecord } from '../../src/sim/portfolio.js';
import { stealRegret } from '../../src/sim/regret.js';
import { classRegretRows } from '../../src/sim/report/regret-rows.js';
import type { StealRecord } from '../../src/sim/sim-types.js';
import { series, type Bar } from '../support/bars.js';

/**
 * Steal regret by stealer and victim asset class: every steal in exactly one pair, by the classes of its
 * stealer and its victims, and the pairs' sums adding up to the whole.
 */
const H = 3_600_000;
const T0 = Date.parse('2024-06-03T00:00:00Z');
/** Hourly bars at 100 whose low dips to 85 every third hour and whose high reaches 101: victims at 90 fill. */
const wavy = (): Bar[] =>
  Array.from({ length: 96 }, (_, i) => ({ t: T0 + i * H, o: 100, h: 101, l: i % 3 === 0 ? 85 : 99, c: 100 }));
const SYMBOLS: readonly [string, AssetClass][] = [
  ['AAAUSD', 'crypto'],
  ['BBBUSD', 'crypto'],
  ['CCC', 'stock'],
  ['DDD', 'stock'],
];
const bars = SYMBOLS.map(([s, c]) => series(s, c, wavy()));
const closeTimes = bars.map((b) => Float64Array.from(b.time, (t) => t + H));
const classOf = new Map(SYMBOLS);

/** A steal: its hour, its stealer's symbol and outcome, its victims' symbols (indexes into SYMBOLS). */
const stealArb = fc.record({
  hour: fc.integer({ min: 0, max: 60 }),
  thief: fc.integer({ min: 0, max: 3 }),
  made: fc.integer({ min: -500, max: 500 }),
  victims: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
});

function run(specs: readonly { hour: number; thief: number; made: number; victims: number[] }[]) {
  const steals: StealRecord[] = specs.map((s, k) => ({
    time: T0 + s.hour * H,
    thief: SYMBOLS[s.thief]![0],
    thiefOrderId: `t${k}`,
    victims: s.victims.map((v, j) => ({
      orderId: `v${k}-${j}`,
      symbol: SYMBOLS[v]![0],
      side: 'buy' as const,
      limitPrice: 90 - k * 0.01,
      qty: 1,
      takeProfit: 95,
      validUntil: T0 + (s.hour + 6) * H,
      placedAt: T0 + s.hour * H,
    })),
    fight: false,
  }));
  const trades: TradeRecord[] = specs.map((s, k) => ({
    symbol: SYMBOLS[s.thief]![0],
    side: 'buy',
    qty: 1,
    entryTime: T0 + (s.hour + 1) * H,
    entryPrice: 100,
    exitTime: T0 + (s.hour + 2) * H,
    exitPrice: 100 + s.made,
    pnl: s.made,
    fees: 0,
    exitReason: 'take-profit',
    entryOrderId: `t${k}`,
    entryLimit: 100,
    takeProfit: 100 + s.made,
    entryRole: 'maker',
    exitRole: 'maker',
  }));
  const fees = { maker: 0, taker: 0 };
  const exits = { stopLossPct: 0, timeStopHours: 0 };
  return { steals, r: stealRegret({ steals, trades, series: bars, closeTimes, fees, exits }) };
}

describe('steal regret by asset class pair', () => {
  it('puts every steal in the pair of its classes, and the pairs add up to the whole', () => {
    fc.assert(
      fc.property(fc.array(stealArb, { minLength: 1, maxLength: 12 }), (specs) => {
        const { steals, r } = run(specs);
        const expected = new Map<string, number>();
        for (const s of steals) {
          const thief = classOf.get(s.thief)!;
          const kinds = new Set(s.victims.map((v) => classOf.get(v.symbol)!));
          const of = kinds.size === 2 ? 'crypto+stock' : [...kinds][0]!;
          expected.set(`${thief}<${of}`, (expected.get(`${thief}<${of}`) ?? 0) + 1);
        }
        const got = new Map(r.byClass.map((p) => [`${p.thief}<${p.victims}`, p.steals]));
        expect(got).toEqual(expected);
        const sum = (f: (p: (typeof r.byClass)[number]) => number) => r.byClass.reduce((a, p) => a + f(p), 0);
        expect(sum((p) => p.victimsEvaluated)).toBe(r.victimsEvaluated);
        expect(sum((p) => p.victimsThatWouldHaveFilled)).toBe(r.victimsThatWouldHaveFilled);
        expect(sum((p) => p.victimWouldHaveMade)).toBeCloseTo(r.victimWouldHaveMade, 6);
        expect(sum((p) => p.stealersMade)).toBeCloseTo(r.stealersMade, 6);
        for (const p of r.byClass) expect(p.netRegret).toBeCloseTo(p.victimWouldHaveMade - p.stealersMade, 9);
      }),
      { numRuns: 60, seed: 17 },
    );
  });

  it('a book of one class has one pair, the whole, and the summary shows no rows for it', () => {
    const { r } = run([
      { hour: 1, thief: 0, made: 120, victims: [1] },
      { hour: 7, thief: 1, made: -40, victims: [0] },
    ]);
    expect(r.victimsThatWouldHaveFilled).toBeGreaterThan(0);
    expect(r.byClass).toHaveLength(1);
    const { thief, victims, steals, ...sums } = r.byClass[0]!;
    expect([thief, victims, steals]).toEqual(['crypto', 'crypto', 2]);
    const { victims: _rows, byClass: _pairs, ...whole } = r;
    expect(sums).toEqual(whole);
    expect(classRegretRows(r, String)).toEqual([]);
  });

  it('a mixed book shows one row per pair that stole, in a fixed order', () => {
    const { r } = run([
      { hour: 1, thief: 2, made: 50, victims: [0] },
      { hour: 4, thief: 0, made: -10, victims: [2, 1] },
      { hour: 9, thief: 0, made: 30, victims: [1] },
    ]);
    expect(classRegretRows(r, String).map(([label]) => label.trim())).toEqual([
      'crypto ← crypto',
      'crypto ← crypto+stock',
      'stock ← crypto',
    ]);
  });
});
