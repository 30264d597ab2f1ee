import { describe, expect, it } from 'vitest';
import { latinHypercube } from '../../src/optimizer/de/lhs.js';
import { Rng } from '../../src/optimizer/de/rng.js';
import {
  adaptJade,
  binomialCrossover,
  jadeTrials,
  lehmerMean,
  rand1binTrials,
  repairToBounds,
  sampleJadeCR,
  sampleJadeF,
} from '../../src/optimizer/de/strategies.js';

describe('Rng', () => {
  it('is reproducible from a seed and from a saved state', () => {
    const a = Rng.fromSeed(42);
    const b = Rng.fromSeed(42);
    const xs = Array.from({ length: 100 }, () => a.uniform());
    expect(Array.from({ length: 100 }, () => b.uniform())).toEqual(xs);
    const saved = JSON.parse(JSON.stringify(a.state())) as number[];
    const ahead = Array.from({ length: 10 }, () => a.nextUint32());
    const c = Rng.fromState(saved);
    expect(Array.from({ length: 10 }, () => c.nextUint32())).toEqual(ahead);
  });

  it('gives unrelated streams for nearby and for high-bit-only different seeds', () => {
    const first = (seed: number): number => Rng.fromSeed(seed).nextUint32();
    expect(first(1)).not.toBe(first(2));
    expect(first(1)).not.toBe(first(1 + 2 ** 32));
    expect(first(-1)).not.toBe(first(2 ** 32 - 1));
  });

  it('produces roughly uniform, normal and Cauchy variates', () => {
    const rng = Rng.fromSeed(7);
    const n = 20_000;
    const u = Array.from({ length: n }, () => rng.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((s, v) => s + v, 0) / n).toBeCloseTo(0.5, 1);
    const z = Array.from({ length: n }, () => rng.normal(0, 1));
    const mz = z.reduce((s, v) => s + v, 0) / n;
    expect(mz).toBeCloseTo(0, 1);
    expect(z.reduce((s, v) => s + (v - mz) ** 2, 0) / n).toBeCloseTo(1, 1);
    const c = Array.from({ length: n }, () => rng.cauchy(0, 1)).sort((p, q) => p - q);
    expect(c[Math.floor(n / 2)] as number).toBeCloseTo(0, 1); // median
    expect(c[Math.floor(n * 0.75)] as number).toBeCloseTo(1, 0); // upper quartile of Cauchy(0,1)
  });

  it('rejects bad seeds and states', () => {
    expect(() => Rng.fromSeed(1.5)).toThrow(/1\.5/);
    expect(() => Rng.fromState([1, 2, 3])).toThrow(/four uint32/);
  });
});

describe('latinHypercube', () => {
  it('puts exactly one point in each stratum of every coordinate', () => {
    const n = 37;
    const pts = latinHypercube(n, 5, Rng.fromSeed(3));
    expect(pts).toHaveLength(n);
    for (let j = 0; j < 5; j++) {
      const strata = pts.map((p) => Math.floor((p[j] as number) * n)).sort((a, b) => a - b);
      expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });
});

describe('strategy building blocks', () => {
  it('bound repair puts violating coordinates midway between parent and bound (JADE)', () => {
    expect(repairToBounds([-0.3, 0.5, 1.7, NaN], [0.2, 0.9, 0.6, 0.4])).toEqual([0.1, 0.5, 0.8, 0.4]);
  });

  it('binomial crossover always takes at least one mutant coordinate', () => {
    const rng = Rng.fromSeed(1);
    for (let t = 0; t < 50; t++) {
      const trial = binomialCrossover([0, 0, 0, 0], [1, 1, 1, 1], 0, rng);
      expect(trial.filter((v) => v === 1)).toHaveLength(1);
    }
    expect(binomialCrossover([0, 0, 0], [1, 1, 1], 1, rng)).toEqual([1, 1, 1]);
  });

  it('JADE F is in (0, 1] and CR in [0, 1]', () => {
    const rng = Rng.fromSeed(5);
    for (let t = 0; t < 2000; t++) {
      const f = sampleJadeF(0.05, rng);
      expect(f).toBeGreaterThan(0);
      expect(f).toBeLessThanOrEqual(1);
      const cr = sampleJadeCR(0.95, rng);
      expect(cr).toBeGreaterThanOrEqual(0);
      expect(cr).toBeLessThanOrEqual(1);
    }
  });

  it('Lehmer mean favours larger values; adaptation moves μ by c toward the success means', () => {
    expect(lehmerMean([0.5, 1])).toBeCloseTo(1.25 / 1.5, 12);
    const next = adaptJade({ muF: 0.5, muCR: 0.5, p: 0.1 }, [1, 1], [0.9, 0.7], 0.1);
    expect(next.muF).toBeCloseTo(0.55, 12);
    expect(next.muCR).toBeCloseTo(0.53, 12);
    expect(adaptJade({ muF: 0.5, muCR: 0.5, p: 0.1 }, [], [], 0.1)).toEqual({ muF: 0.5, muCR: 0.5, p: 0.1 });
  });

  it('trial vectors stay inside the unit cube', () => {
    const rng = Rng.fromSeed(9);
    const pop = latinHypercube(20, 6, rng);
    const scores = pop.map((p) => p.reduce((s, v) => s + v, 0));
    const archive = latinHypercube(10, 6, rng);
    const batches = [
      rand1binTrials(pop, [0.5, 1], 0.7, rng),
      rand1binTrials(pop, 2, 1, rng),
      jadeTrials(pop, scores, archive, { muF: 0.9, muCR: 0.9, p: 0.1 }, rng),
    ];
    for (const b of batches) {
      expect(b.trials).toHaveLength(20);
      for (const t of b.trials) for (const v of t) expect(v >= 0 && v <= 1).toBe(true);
    }
  });
});
