/**
 * Acceptance: 10-D Sphere and Rosenbrock to f <= 1e-6, 10-D Rastrigin and Ackley to f <= 1e-3, with the
 * evaluation counts printed and checked against a budget.
 *
 * Bounds (standard, see functions.ts): Sphere and Rastrigin [-5.12, 5.12], Rosenbrock [-5, 10],
 * Ackley [-32.768, 32.768]. Settings: JADE with every default (popSize 15·d = 150, μF = μCR = 0.5 initially,
 * p = 0.1, c = 0.1, scipy tol 0.01 left on), plus JADE with popSize 50 (5·d), which measured about 3× cheaper
 * on all four (20/20 seeds, also with the optimum shifted off-centre), and rand1bin with scipy defaults on
 * Sphere. The run stops on `targetScore`, so `evaluations` is the count needed to reach the threshold.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { minimize, type DEOptions } from '../../src/optimizer/de/index.js';
import { ackley, onParams, rastrigin, realSpace, rosenbrock, sphere, type Benchmark } from './functions.js';

const D = 10;
const SEED = 20240601;

interface Case {
  bench: Benchmark;
  target: number;
  options: Omit<DEOptions, 'seed' | 'targetScore' | 'maxEvaluations'>;
  label: string;
  budget: number;
}

const jadeDefault = { strategy: 'jade' } as const;
const jade50 = { strategy: 'jade', popSize: 50 } as const;

const cases: Case[] = [
  { bench: sphere, target: 1e-6, options: jadeDefault, label: 'jade, popSize 150 (default)', budget: 30_000 },
  {
    bench: rosenbrock,
    target: 1e-6,
    options: jadeDefault,
    label: 'jade, popSize 150 (default)',
    budget: 100_000,
  },
  {
    bench: rastrigin,
    target: 1e-3,
    options: jadeDefault,
    label: 'jade, popSize 150 (default)',
    budget: 100_000,
  },
  { bench: ackley, target: 1e-3, options: jadeDefault, label: 'jade, popSize 150 (default)', budget: 50_000 },
  { bench: sphere, target: 1e-6, options: jade50, label: 'jade, popSize 50', budget: 15_000 },
  { bench: rosenbrock, target: 1e-6, options: jade50, label: 'jade, popSize 50', budget: 50_000 },
  { bench: rastrigin, target: 1e-3, options: jade50, label: 'jade, popSize 50', budget: 50_000 },
  { bench: ackley, target: 1e-3, options: jade50, label: 'jade, popSize 50', budget: 20_000 },
  {
    bench: sphere,
    target: 1e-6,
    options: { strategy: 'rand1bin' },
    label: 'rand1bin, scipy defaults (150, F 0.5–1, CR 0.7)',
    budget: 100_000,
  },
];

const table: Record<string, string | number>[] = [];

afterAll(() => {
  console.log(`\nDE on ${D}-D benchmarks, seed ${SEED} (evaluations until the target was reached):`);
  console.table(table);
});

describe(`DE reaches the known minimum on ${D}-D benchmarks`, () => {
  for (const c of cases) {
    it(`${c.bench.name} <= ${c.target} (${c.label})`, async () => {
      const f = onParams(c.bench, D);
      const options: DEOptions = {
        ...c.options,
        seed: SEED,
        targetScore: c.target,
        maxEvaluations: c.budget,
      };
      const r = await minimize(realSpace(c.bench, D), options, (batch) =>
        batch.map((cand) => f(cand.params)),
      );
      table.push({
        function: c.bench.name,
        settings: c.label,
        target: c.target,
        best: Number(r.best.score.toExponential(2)),
        evaluations: r.evaluations,
        generations: r.generations,
        budget: c.budget,
      });
      expect(r.reason).toBe('target');
      expect(r.best.score).toBeLessThanOrEqual(c.target);
      expect(r.evaluations).toBeLessThanOrEqual(c.budget);
      // The point found is the known minimiser, not just a low value.
      const x = Array.from({ length: D }, (_, i) => r.best.params[`x${i}`] as number);
      for (const xi of x) expect(Math.abs(xi - c.bench.argmin)).toBeLessThan(0.01);
    });
  }
});
