/** The replicate factors and the aggregation of a window's replicate pairs (compare --replicates). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config/presets.js';
import {
  REPLICATE_SPREAD,
  perturbOrderFraction,
  replicateDeltas,
  replicatedSides,
  rms,
  sampleSd,
  type ReplicatePair,
} from '../../src/compare/replicates.js';
import type { SideMetrics } from '../../src/compare/window-run.js';

const metrics = (sharpe: number, steals: number, netRegret: number): SideMetrics => ({
  totalReturn: sharpe / 10,
  sharpe,
  sortino: sharpe,
  maxDrawdown: 0.1,
  pnl: sharpe * 100,
  winRate: 0.5,
  trades: 10,
  blocks: 0,
  steals,
  days: 30,
  finalEquity: 1000,
  distinctVictims: steals,
  victimsThatWouldHaveFilled: 0,
  victimWouldHaveMade: netRegret,
  stealersMade: 0,
  netRegret,
  netRegretStandardError: Math.abs(netRegret) / 2,
});

const finite = fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true });
const replicatePairs = fc.array(fc.tuple(finite, finite, fc.nat(20), finite), { minLength: 1, maxLength: 9 });

const toPairs = (xs: [number, number, number, number][]): ReplicatePair[] =>
  xs.map(([sa, sb, steals, regret], r) => ({
    delta: r,
    orderFraction: { a: 0.25, b: 0.25 },
    a: metrics(sa, steals, regret),
    b: metrics(sb, 0, 0),
    diffSharpe: sa - sb,
  }));

describe('replicate factors', () => {
  it('start at 0, alternate in sign, reach ±0.2% and no further', () => {
    expect(replicateDeltas(1)).toEqual([0]);
    const d7 = replicateDeltas(7);
    expect(d7[0]).toBe(0);
    expect(d7.slice(1).map((d) => d.toFixed(6))).toEqual([
      '0.000667',
      '-0.000667',
      '0.001333',
      '-0.001333',
      '0.002000',
      '-0.002000',
    ]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const d = replicateDeltas(n);
        expect(d).toHaveLength(n);
        expect(new Set(d).size).toBe(n);
        expect(Math.max(...d.map(Math.abs))).toBeLessThanOrEqual(REPLICATE_SPREAD + 1e-15);
        if (n > 1) expect(Math.max(...d)).toBeCloseTo(REPLICATE_SPREAD, 15);
      }),
      { seed: 25 },
    );
    expect(() => replicateDeltas(0)).toThrow(RangeError);
  });

  it('scale the side’s own order size, leave δ = 0 untouched and stay within (0, 1]', () => {
    expect(perturbOrderFraction(DEFAULT_CONFIG, 0)).toBe(DEFAULT_CONFIG);
    const up = perturbOrderFraction(DEFAULT_CONFIG, 0.002);
    expect(up.sim.orderFraction).toBeCloseTo(DEFAULT_CONFIG.sim.orderFraction * 1.002, 15);
    expect({ ...up, sim: { ...up.sim, orderFraction: 0.25 } }).toEqual(DEFAULT_CONFIG);
    const full = { ...DEFAULT_CONFIG, sim: { ...DEFAULT_CONFIG.sim, orderFraction: 1 } };
    expect(perturbOrderFraction(full, 0.002).sim.orderFraction).toBe(1);
  });
});

describe('a window over its replicates', () => {
  it('ΔSharpe is the mean of the paired differences, each side the mean of its replicates', () => {
    fc.assert(
      fc.property(replicatePairs, (xs) => {
        const pairs = toPairs(xs);
        const w = replicatedSides(pairs);
        const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
        expect(w.diffSharpe).toBeCloseTo(mean(xs.map(([a, b]) => a - b)), 12);
        expect(w.a.sharpe).toBeCloseTo(mean(xs.map(([a]) => a)), 12);
        expect(w.a.steals).toBeCloseTo(mean(xs.map(([, , s]) => s)), 12);
        expect(w.a.netRegret).toBeCloseTo(mean(xs.map(([, , , r]) => r)), 12);
        // Never below 0; exactly 0 with one replicate (a single path has no spread).
        expect(w.sharpeSpread).toBeGreaterThanOrEqual(0);
        if (xs.length === 1) expect(w.sharpeSpread).toBe(0);
        // The error of the mean: the mean of the errors, never less than the independent-case error.
        const ses = pairs.map((p) => p.a.netRegretStandardError);
        expect(w.a.netRegretStandardError).toBeCloseTo(mean(ses), 12);
        expect(w.a.netRegretStandardError).toBeGreaterThanOrEqual(
          Math.sqrt(ses.reduce((s, x) => s + x * x, 0)) / ses.length - 1e-12,
        );
      }),
      { seed: 26 },
    );
  });

  it('sample sd and RMS: never negative, 0 for a constant, RMS skips what is not finite', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 20 }), (xs) => {
        expect(sampleSd(xs)).toBeGreaterThanOrEqual(0);
        expect(rms(xs)).toBeGreaterThanOrEqual(0);
        expect(sampleSd(xs.map(() => xs[0]!))).toBeCloseTo(0, 12);
        expect(rms([...xs, Number.NaN])).toBe(rms(xs));
      }),
      { seed: 27 },
    );
    expect(sampleSd([1, 3])).toBeCloseTo(Math.SQRT2, 15);
    expect(rms([3, 4])).toBeCloseTo(Math.sqrt(12.5), 15);
    expect(rms([])).toBeNaN();
  });
});
