import { describe, expect, it } from 'vitest';
import {
  DifferentialEvolution,
  decodeKey,
  minimize,
  type Candidate,
  type DEOptions,
  type ParamSpec,
} from '../../src/optimizer/de/index.js';
import { onParams, rastrigin, realSpace, sphere } from './functions.js';

const D = 5;
const space = realSpace(rastrigin, D);
const score = onParams(rastrigin, D);

interface Trace {
  asked: number[][][];
  history: ReturnType<DifferentialEvolution['history']>;
  best: number;
}

/** Runs `generations` ask/tell rounds, recording every asked unit vector. */
function drive(
  de: DifferentialEvolution,
  generations: number,
  trace: Trace = { asked: [], history: [], best: NaN },
): Trace {
  for (let g = 0; g < generations && !de.done().stop; g++) {
    const batch = de.ask();
    trace.asked.push(batch.map((c) => c.unit));
    de.tell(batch.map((c) => ({ id: c.id, score: score(c.params) })));
  }
  trace.history = de.history();
  trace.best = de.best().score;
  return trace;
}

const opts = (o: Partial<DEOptions> = {}): DEOptions => ({ strategy: 'jade', seed: 2024, popSize: 20, ...o });

describe('ask/tell', () => {
  it('asks a whole generation with deterministic ids, generation 0 being the initial population', () => {
    const de = new DifferentialEvolution(space, opts());
    expect(de.generation).toBe(0);
    const g0 = de.ask();
    expect(g0).toHaveLength(20);
    expect(g0.map((c) => c.id)).toEqual(Array.from({ length: 20 }, (_, i) => `g0-i${i}`));
    expect(g0.every((c) => c.generation === 0 && c.unit.length === D)).toBe(true);
    expect(de.ask()).toEqual(g0); // asking again before tell is idempotent
    de.tell(g0.map((c) => ({ id: c.id, score: score(c.params) })));
    expect(de.generation).toBe(1);
    expect(de.evaluations).toBe(20);
    const g1 = de.ask();
    expect(g1[3]?.id).toBe('g1-i3');
    expect(g1[3]?.generation).toBe(1);
    expect(g1[3]?.index).toBe(3);
  });

  it('is generation-synchronous: the order scores arrive in does not matter', () => {
    const inOrder = drive(new DifferentialEvolution(space, opts()), 25);
    const de = new DifferentialEvolution(space, opts());
    const asked: number[][][] = [];
    for (let g = 0; g < 25; g++) {
      const batch = de.ask();
      asked.push(batch.map((c) => c.unit));
      const results = batch.map((c) => ({ id: c.id, score: score(c.params) }));
      de.tell(g % 2 === 0 ? results.reverse() : [...results.slice(7), ...results.slice(0, 7)]);
    }
    expect(asked).toEqual(inOrder.asked);
    expect(de.history()).toEqual(inOrder.history);
  });

  it('never lets a trial that scored worse replace its parent (elitist selection)', () => {
    const de = new DifferentialEvolution(space, opts());
    let previous = Infinity;
    for (let g = 0; g < 30; g++) {
      const batch = de.ask();
      de.tell(batch.map((c) => ({ id: c.id, score: score(c.params) })));
      const h = de.history().at(-1);
      expect(h?.bestScore).toBeLessThanOrEqual(previous);
      previous = h?.bestScore ?? NaN;
    }
    expect(de.best().score).toBe(previous);
    expect(score(de.best().params)).toBe(previous);
  });

  it('treats NaN and ±Infinity scores as +Infinity', () => {
    const de = new DifferentialEvolution(space, opts());
    const g0 = de.ask();
    de.tell(
      g0.map((c, i) => ({ id: c.id, score: i === 0 ? NaN : i === 1 ? -Infinity : i === 2 ? Infinity : i })),
    );
    expect(de.best().score).toBe(3);
    expect(de.history()[0]?.meanScore).toBe(Infinity);
    const state = JSON.parse(JSON.stringify(de.snapshot())) as ReturnType<DifferentialEvolution['snapshot']>;
    expect(state.scores.slice(0, 4)).toEqual([null, null, null, 3]);
    const restored = DifferentialEvolution.restore(space, opts(), state);
    expect(restored.history()[0]?.meanScore).toBe(Infinity);
  });

  it('requires exactly the asked ids', () => {
    const de = new DifferentialEvolution(space, opts());
    expect(() => de.tell([])).toThrow(/without a pending ask/);
    const g0 = de.ask();
    const results = g0.map((c) => ({ id: c.id, score: 1 }));
    expect(() => de.tell(results.slice(1))).toThrow(/missing 1 of 20 results, e.g. 'g0-i0'/);
    expect(() => de.tell([...results, { id: 'g0-i0', score: 2 }])).toThrow(/duplicate id 'g0-i0'/);
    expect(() => de.tell([...results.slice(1), { id: 'g1-i0', score: 2 }])).toThrow(/unknown id "g1-i0"/);
    expect(() => de.tell([...results.slice(1), { id: 'g0-i20', score: 2 }])).toThrow(/unknown id "g0-i20"/);
    expect(() => de.best()).toThrow(/before the initial population/);
    de.tell(results);
    expect(de.evaluations).toBe(20);
  });
});

describe('reproducibility', () => {
  for (const strategy of ['jade', 'rand1bin'] as const) {
    it(`${strategy}: the same seed gives the same asked vectors and history; another seed does not`, () => {
      const a = drive(new DifferentialEvolution(space, opts({ strategy })), 40);
      const b = drive(new DifferentialEvolution(space, opts({ strategy })), 40);
      expect(b.asked).toEqual(a.asked);
      expect(b.history).toEqual(a.history);
      expect(a.asked).toHaveLength(40);
      const c = drive(new DifferentialEvolution(space, opts({ strategy, seed: 2025 })), 40);
      expect(c.asked[0]).not.toEqual(a.asked[0]);
      expect(c.history).not.toEqual(a.history);
    });

    it(`${strategy}: snapshot/restore mid-run continues on exactly the same trajectory`, () => {
      const full = drive(new DifferentialEvolution(space, opts({ strategy })), 60);

      // Interrupt between tell and ask after 23 generations, and again with generation 41 asked but not told.
      // The restored run is given a different seed on purpose: the PRNG state must come from the snapshot.
      let de = new DifferentialEvolution(space, opts({ strategy }));
      const trace = drive(de, 23);
      de = DifferentialEvolution.restore(
        space,
        opts({ strategy, seed: 999 }),
        JSON.parse(JSON.stringify(de.snapshot())),
      );
      drive(de, 41 - 23, trace);
      const pending = de.ask();
      de = DifferentialEvolution.restore(
        space,
        opts({ strategy }),
        JSON.parse(JSON.stringify(de.snapshot())),
      );
      expect(de.ask()).toEqual(pending);
      drive(de, 60 - 41, trace);

      expect(trace.asked).toEqual(full.asked);
      expect(trace.history).toEqual(full.history);
      const reference = new DifferentialEvolution(space, opts({ strategy }));
      drive(reference, 60);
      expect(de.snapshot()).toEqual(reference.snapshot());
    });
  }

  it('restore rejects a snapshot that does not fit the options or space', () => {
    const de = new DifferentialEvolution(space, opts());
    drive(de, 3);
    const state = de.snapshot();
    expect(() => DifferentialEvolution.restore(space, opts({ popSize: 21 }), state)).toThrow(
      /popSize 20 \(options say 21\)/,
    );
    expect(() => DifferentialEvolution.restore(space, opts({ strategy: 'rand1bin' }), state)).toThrow(
      /strategy 'jade'/,
    );
    expect(() => DifferentialEvolution.restore(realSpace(rastrigin, 4), opts(), state)).toThrow(/dim 5/);
  });
});

describe('stopping', () => {
  it('stops on maxGenerations (initial population counts as one)', async () => {
    const r = await minimize(space, opts({ maxGenerations: 7 }), (batch) =>
      batch.map((c) => score(c.params)),
    );
    expect(r.reason).toBe('maxGenerations');
    expect(r.generations).toBe(7);
    expect(r.evaluations).toBe(140);
    expect(r.history).toHaveLength(7);
  });

  it('stops before a generation would exceed maxEvaluations', async () => {
    const r = await minimize(space, opts({ maxEvaluations: 99 }), (batch) =>
      batch.map((c) => score(c.params)),
    );
    expect(r.reason).toBe('maxEvaluations');
    expect(r.evaluations).toBe(80);
  });

  it('stops on the target score', async () => {
    const r = await minimize(space, opts({ targetScore: 20 }), (batch) => batch.map((c) => score(c.params)));
    expect(r.reason).toBe('target');
    expect(r.best.score).toBeLessThanOrEqual(20);
    expect(r.history.at(-2)?.bestScore ?? Infinity).toBeGreaterThan(20);
  });

  it('stops when converged (scipy rule), and not at all when tol = atol = 0', async () => {
    const flat = await minimize(space, opts(), (batch) => batch.map(() => 3));
    expect(flat).toMatchObject({ reason: 'converged', generations: 1 });
    const off = await minimize(space, opts({ tol: 0, atol: 0, maxGenerations: 5 }), (b) => b.map(() => 3));
    expect(off.reason).toBe('maxGenerations');
    const real = await minimize(realSpace(sphere, 3), opts({ tol: 1e-3, maxGenerations: 10_000 }), (b) =>
      b.map((c) => onParams(sphere, 3)(c.params)),
    );
    expect(real.reason).toBe('converged');
    const last = real.history.at(-1);
    expect(last?.bestScore).toBeLessThan(1e-6);
  });

  it('refuses to ask after stopping', async () => {
    const de = new DifferentialEvolution(space, opts({ maxGenerations: 1 }));
    de.tell(de.ask().map((c) => ({ id: c.id, score: score(c.params) })));
    expect(de.done()).toEqual({ stop: true, reason: 'maxGenerations' });
    expect(() => de.ask()).toThrow(/stopped \(maxGenerations\)/);
  });

  it('minimize checks the evaluator returns one score per candidate, and awaits async evaluators', async () => {
    await expect(minimize(space, opts(), (batch) => batch.slice(1).map(() => 1))).rejects.toThrow(
      /19 scores for 20/,
    );
    const r = await minimize(space, opts({ maxGenerations: 3 }), async (batch) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return batch.map((c) => score(c.params));
    });
    expect(r.generations).toBe(3);
  });
});

describe('mixed int/bool/log-real space', () => {
  it('finds the optimum of a mixed problem; decodeKey lets callers evaluate duplicates once', async () => {
    const mixed: ParamSpec[] = [
      { name: 'window', kind: 'int', min: 2, max: 50 },
      { name: 'useStop', kind: 'bool', min: 0, max: 1 },
      { name: 'rate', kind: 'real', min: 1e-5, max: 1, log: true },
      { name: 'lots', kind: 'int', min: 1, max: 1000, log: true },
    ];
    let evaluated = 0;
    const objective = (p: Candidate['params']): number => {
      evaluated++;
      return (
        ((p.window as number) - 17) ** 2 +
        (p.useStop ? 0 : 3) +
        (Math.log10(p.rate as number) + 3) ** 2 +
        (Math.log10(p.lots as number) - 2) ** 2
      );
    };
    const r = await minimize(mixed, { strategy: 'jade', seed: 11, maxGenerations: 150 }, (batch) => {
      const cache = new Map<string, number>();
      return batch.map((c) => {
        const key = decodeKey(c.params);
        const hit = cache.get(key);
        if (hit !== undefined) return hit;
        const s = objective(c.params);
        cache.set(key, s);
        return s;
      });
    });
    expect(r.best.params.window).toBe(17);
    expect(r.best.params.useStop).toBe(true);
    expect(r.best.params.rate as number).toBeCloseTo(1e-3, 5);
    expect(r.best.params.lots).toBe(100);
    expect(Number.isInteger(r.best.params.window)).toBe(true);
    expect(evaluated).toBeLessThanOrEqual(r.evaluations);
  });
});

describe('option validation', () => {
  it('names the bad option and its value', () => {
    const make = (o: Partial<DEOptions>) => () => new DifferentialEvolution(space, opts(o));
    expect(make({ popSize: 3 })).toThrow(/options\.popSize: must be an integer >= 4 \(got 3\)/);
    expect(make({ popSize: 10.5 })).toThrow(/popSize.*10\.5/);
    expect(make({ CR: 1.2 })).toThrow(/options\.CR.*\(got 1\.2\)/);
    expect(make({ strategy: 'rand1bin', F: [1, 0.5] })).toThrow(/options\.F.*\[1,0\.5\]/);
    expect(make({ F: [0.5, 1] })).toThrow(/options\.F: jade adapts F/);
    expect(make({ F: 0 })).toThrow(/options\.F.*\(got 0\)/);
    expect(make({ seed: 1.5 })).toThrow(/options\.seed.*1\.5/);
    expect(make({ maxEvaluations: 10 })).toThrow(/options\.maxEvaluations.*popSize \(20\).*\(got 10\)/);
    expect(make({ strategy: 'best1bin' as never })).toThrow(/options\.strategy.*"best1bin"/);
  });

  it('names the bad parameter: min > max and unknown kind', () => {
    const bad1: ParamSpec[] = [...space, { name: 'lookback', kind: 'int', min: 30, max: 5 }];
    expect(() => new DifferentialEvolution(bad1, opts())).toThrow(/'lookback'.*min 30, max 5/);
    const bad2 = [{ name: 'side', kind: 'category', min: 0, max: 1 }] as unknown as ParamSpec[];
    expect(() => new DifferentialEvolution(bad2, opts())).toThrow(/'side'\.kind.*"category"/);
  });

  it('defaults follow scipy: popSize 15 per dimension', () => {
    const de = new DifferentialEvolution(space, { strategy: 'rand1bin', seed: 1 });
    expect(de.popSize).toBe(75);
    expect(de.ask()).toHaveLength(75);
  });
});
