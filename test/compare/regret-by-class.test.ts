/**
 * compare's net steal regret by asset class pair: the window's pairs combined as the aggregate combines the
 * windows' totals (counts and money added, standard errors in quadrature; replicates averaged), so the pairs
 * add up to the aggregate's net regret, and the detail output shows them on a book of both classes only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import { compareWindows } from '../../src/compare/compare.js';
import { renderCompareReport } from '../../src/compare/html.js';
import { compareText } from '../../src/compare/report.js';
import { parseSpan, rollingWindows } from '../../src/compare/windows.js';
import { combineClassPairs, type ClassPairRegret } from '../../src/sim/regret.js';
import { loadReal } from '../support/marketdata.js';

const pairArb: fc.Arbitrary<ClassPairRegret> = fc.record({
  thief: fc.constantFrom('crypto' as const, 'stock' as const),
  victims: fc.constantFrom('crypto' as const, 'stock' as const, 'crypto+stock' as const),
  steals: fc.integer({ min: 1, max: 50 }),
  victimsEvaluated: fc.integer({ min: 1, max: 50 }),
  victimsThatWouldHaveFilled: fc.integer({ min: 0, max: 50 }),
  victimWouldHaveMade: fc.integer({ min: -5_000, max: 5_000 }),
  stealersMade: fc.integer({ min: -5_000, max: 5_000 }),
  netRegret: fc.integer({ min: -5_000, max: 5_000 }),
  netRegretStandardError: fc.integer({ min: 0, max: 3_000 }),
});
/** A run's pairs: each pair of classes at most once. */
const runArb = fc.uniqueArray(pairArb, { selector: (p) => `${p.thief}<${p.victims}`, maxLength: 6 });

describe('combining class-pair regret', () => {
  it('sums counts and money over runs, standard errors in quadrature; averages them over replicates', () => {
    fc.assert(
      fc.property(fc.array(runArb, { minLength: 1, maxLength: 5 }), (runs) => {
        const key = (p: ClassPairRegret) => `${p.thief}<${p.victims}`;
        const summed = combineClassPairs(runs, 'sum');
        const averaged = combineClassPairs(runs, 'mean');
        const keys = new Set(runs.flat().map(key));
        expect(new Set(summed.map(key))).toEqual(keys);
        for (const p of summed) {
          const parts = runs.flat().filter((q) => key(q) === key(p));
          expect(p.steals).toBe(parts.reduce((a, q) => a + q.steals, 0));
          expect(p.netRegret).toBe(parts.reduce((a, q) => a + q.netRegret, 0));
          expect(p.netRegretStandardError).toBeCloseTo(
            Math.sqrt(parts.reduce((a, q) => a + q.netRegretStandardError ** 2, 0)),
            9,
          );
          const mean = averaged.find((q) => key(q) === key(p))!;
          expect(mean.steals).toBeCloseTo(p.steals / runs.length, 12);
          expect(mean.netRegretStandardError).toBeCloseTo(
            parts.reduce((a, q) => a + q.netRegretStandardError, 0) / runs.length,
            9,
          );
        }
      }),
      { numRuns: 100, seed: 5 },
    );
  });
});

describe('compare on a real mixed slice', () => {
  it('splits the net steal regret by class pair, the pairs adding up to the whole, and prints them', async () => {
    const loaded = await loadReal([
      'binance-spot-yanniedog/SOLUSDT_1h.csv',
      'binance-spot-yanniedog/LINKUSDT_1h.csv',
      'databento-nasdaq-tejasraj15/AAPL_1h.csv',
      'databento-nasdaq-tejasraj15/MSFT_1h.csv',
    ]);
    const config = (values: Record<string, unknown>) =>
      resolveConfig({
        layers: [
          { source: 'test', values: { sim: { orderFraction: 0.45 } } },
          { source: 'side', values },
        ],
      }).config;
    const range = { from: Date.parse('2023-01-01T00:00:00Z'), to: Date.parse('2023-04-01T00:00:00Z') };
    const r = await compareWindows({
      series: loaded.map((l) => l.series),
      groups: [
        {
          level: '',
          baseline: { label: 'stealing off', config: config({ stealingEnabled: false }) },
          variants: [{ label: 'A', config: config({}) }],
        },
      ],
      windows: rollingWindows(range, parseSpan('1mo', '--window')),
      seed: 1,
      threads: 0,
    });
    const agg = r.comparisons[0]!.aggregate;
    expect(agg.steals.a).toBeGreaterThan(0);
    expect(agg.regretByClass.b).toEqual([]);
    const pairs = agg.regretByClass.a;
    expect(pairs.reduce((a, p) => a + p.steals, 0)).toBe(agg.steals.a);
    expect(pairs.reduce((a, p) => a + p.netRegret, 0)).toBeCloseTo(agg.netRegret.a, 6);
    expect(pairs.reduce((a, p) => a + p.stealersMade, 0)).toBeCloseTo(agg.stealersMade.a, 6);
    const text = compareText(r, 'slice');
    const shown = pairs.length > 1;
    expect(shown).toBe(true);
    expect(text.includes('net steal regret by asset class, A')).toBe(shown);
    if (shown) for (const p of pairs) expect(text).toContain(`  ${p.thief} ← ${p.victims}: `);
    // The HTML report carries the same lines.
    const groups = [
      {
        level: '',
        baseline: { label: 'stealing off', config: config({ stealingEnabled: false }) },
        variants: [{ label: 'A', config: config({}) }],
      },
    ];
    const html = renderCompareReport({
      result: r,
      groups,
      data: 'slice',
      command: 'test',
      bothSides: null,
      sweeps: [],
    });
    expect(html).toContain('Net steal regret by asset class');
    for (const p of pairs) expect(html).toContain(`${p.thief} ← ${p.victims}: `);
  });
});
