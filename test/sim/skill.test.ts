import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { signalSkillLayer } from '../../src/cli/commands/simulate.js';
import { CliError } from '../../src/cli/errors.js';
import { roundLimit } from '../../src/session/sizing.js';
import { limitFillPrice } from '../../src/sim/fill-rules.js';
import {
  isSkilled,
  reachedExtreme,
  reachedLimit,
  researchLabel,
  skillDraw,
  skilledTakeProfit,
} from '../../src/sim/signals/skill.js';

const SEED = 20261204;
const symbol = fc.constantFrom('SOLUSDT', 'LINKUSDT', 'ETHUSDT', 'AAPL', 'SPY', 'BTC/USD');
const time = fc.integer({ min: Date.parse('2015-01-01'), max: Date.parse('2030-01-01') });
const seed = fc.integer({ min: 0, max: 2 ** 40 });
const side = fc.constantFrom('buy' as const, 'sell' as const);
const assetClass = fc.constantFrom('crypto' as const, 'stock' as const);
const price = fc.double({ min: 0.01, max: 100_000, noNaN: true });
const throughBps = fc.constantFrom(0, 1, 5, 10, 50);

describe('which signals are skilled', () => {
  it('the set at k1 is inside the set at k2 ≥ k1, for any signal and seed', () => {
    fc.assert(
      fc.property(
        symbol,
        time,
        seed,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (s, t, sd, a, b) => {
          const [k1, k2] = a <= b ? [a, b] : [b, a];
          if (isSkilled(s, t, k1, sd)) expect(isSkilled(s, t, k2, sd)).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('k = 0 skills nothing and k = 1 everything', () => {
    fc.assert(
      fc.property(symbol, time, seed, (s, t, sd) => {
        expect(isSkilled(s, t, 0, sd)).toBe(false);
        expect(isSkilled(s, t, 1, sd)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('the draw is fixed by symbol, time and seed, and hourly signals are skilled in share k', () => {
    const hours = Array.from(
      { length: 20_000 },
      (_, i) => Date.parse('2023-01-01T00:00:00Z') + i * 3_600_000,
    );
    for (const k of [0.1, 0.25, 0.5, 0.9]) {
      for (const s of ['SOLUSDT', 'AAPL']) {
        const share = hours.filter((t) => isSkilled(s, t, k, 1)).length / hours.length;
        // 20,000 draws: the standard error is at most 0.0036; 0.015 is over four of them.
        expect(Math.abs(share - k)).toBeLessThan(0.015);
      }
    }
    expect(skillDraw('SOLUSDT', hours[5]!, 1)).toBe(skillDraw('SOLUSDT', hours[5]!, 1));
    // Another seed or symbol chooses other signals (so the choice is not one shared calendar of hours).
    const agree = hours.filter((t) => isSkilled('SOLUSDT', t, 0.5, 1) === isSkilled('SOLUSDT', t, 0.5, 2));
    expect(agree.length / hours.length).toBeLessThan(0.55);
    const agreeSym = hours.filter(
      (t) => isSkilled('SOLUSDT', t, 0.5, 1) === isSkilled('LINKUSDT', t, 0.5, 1),
    );
    expect(agreeSym.length / hours.length).toBeLessThan(0.55);
  });
});

describe('the skilled entry limit', () => {
  it('still counts as reached under the fill rule, after the sizing rule rounds it, and stays near the reached price', () => {
    fc.assert(
      fc.property(assetClass, side, price, throughBps, (ac, sd, reached, bps) => {
        const through = bps / 10_000;
        const limit = reachedLimit(ac, sd, reached, through);
        // The sizing rule leaves it on the grid where it is.
        expect(roundLimit(ac, sd, limit)).toBe(limit);
        // A bar whose only extreme is the reached price fills it (open away from the limit).
        const px =
          sd === 'buy'
            ? limitFillPrice('buy', limit, limit * 1.5, limit * 1.6, reached, through)
            : limitFillPrice('sell', limit, limit * 0.5, reached, limit * 0.4, through);
        expect(Number.isNaN(px)).toBe(false);
        // No further from the reached price than the margin plus a few price steps.
        const step = ac === 'stock' ? (limit >= 1 ? 0.01 : 0.0001) : limit * 1e-6;
        expect(Math.abs(limit - reached)).toBeLessThanOrEqual(reached * through * 1.01 + 3 * step + 1e-9);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('is the lowest low (buy) or highest high (sell) of the bars the order could fill in, no later', () => {
    // Four hourly bars after a signal at 10:00 valid until 12:00: bars closing 11:00 and 12:00 count, 13:00 does not.
    const h = 3_600_000;
    const bars = {
      time: Float64Array.from([9, 10, 11, 12].map((x) => x * h)),
      closeTimes: Float64Array.from([10, 11, 12, 13].map((x) => x * h)),
      low: Float64Array.from([50, 98, 97, 90]),
      high: Float64Array.from([150, 102, 104, 110]),
    };
    const all = () => true;
    expect(reachedExtreme('buy', bars, 1, 4, 10 * h, 12 * h, all)).toBe(97);
    expect(reachedExtreme('sell', bars, 1, 4, 10 * h, 12 * h, all)).toBe(104);
    // A bar that cannot trade (a stock outside its session) is no evidence of a price reached.
    expect(reachedExtreme('buy', bars, 1, 4, 10 * h, 12 * h, (open) => open !== 11 * h)).toBe(98);
    // Validity ending between bars: the first bar closing after it is filled before the order is cancelled.
    expect(reachedExtreme('buy', bars, 1, 4, 10 * h, 12.5 * h, all)).toBe(90);
    expect(reachedExtreme('buy', bars, 4, 4, 10 * h, 12 * h, all)).toBeNaN();
  });
});

describe('the skilled take-profit', () => {
  it('is the forecaster’s unless the new entry leaves less than the minimum edge, and is always beyond the entry', () => {
    fc.assert(
      fc.property(
        side,
        price,
        fc.double({ min: 0.001, max: 0.2, noNaN: true }),
        fc.double({ min: 0.5, max: 1.5, noNaN: true }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        (sd, entry, ret, move, minEdge) => {
          const tp = sd === 'buy' ? entry * (1 + ret) : entry * (1 - ret);
          const skilled = entry * move;
          const out = skilledTakeProfit(sd, entry, tp, skilled, minEdge);
          const kept = sd === 'buy' ? tp / skilled - 1 : 1 - tp / skilled;
          if (kept >= Math.min(minEdge, ret)) expect(out).toEqual({ takeProfit: tp, edge: kept });
          else {
            expect(out.edge).toBe(sd === 'buy' ? tp / entry - 1 : 1 - tp / entry);
            expect(sd === 'buy' ? out.takeProfit > skilled : out.takeProfit < skilled).toBe(true);
          }
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('sim.research.signalSkill and --signal-skill', () => {
  const resolve = (values: unknown, env: Record<string, string> = {}) =>
    resolveConfig({ layers: [{ source: 'c.json', values }], env });
  const issuesOf = (f: () => unknown): { where: string; message: string; value?: unknown }[] => {
    try {
      f();
    } catch (e) {
      if (e instanceof ValidationError) return [...e.issues];
      throw e;
    }
    throw new Error('expected a ValidationError');
  };

  it('defaults to 0 (no skill, no label) and accepts a share', () => {
    const base = resolve({}).config;
    expect(base.sim.research).toEqual({ signalSkill: 0, signalSkillSeed: 1 });
    expect(researchLabel(base.sim)).toBeNull();
    const { config, warnings } = resolve({ sim: { research: { signalSkill: 0.25 } } });
    expect(config.sim.research.signalSkill).toBe(0.25);
    expect(researchLabel(config.sim)?.label).toBe('research: look-ahead signals, skill k=0.25 (seed 1)');
    expect(warnings.map((w) => w.message).join('\n')).toContain('research: look-ahead signals');
    expect(resolve({}, { WORKSTEAL_SIM_RESEARCH_SIGNAL_SKILL: '0.5' }).config.sim.research.signalSkill).toBe(
      0.5,
    );
  });

  it('refuses a share outside [0, 1] naming the file, key and value, and what to do', () => {
    for (const bad of [1.5, -0.1]) {
      const [issue] = issuesOf(() => resolve({ sim: { research: { signalSkill: bad } } }));
      expect(issue!.where).toBe('c.json: sim.research.signalSkill');
      expect(issue!.message).toMatch(/from 0 .* to 1/);
      expect(issue!.value).toBe(bad);
    }
    const [typo] = issuesOf(() => resolve({ sim: { research: { signalSkil: 0.5 } } }));
    expect(typo!.where).toBe('c.json: sim.research.signalSkil');
    expect(typo!.message).toContain('unknown key');
    const [env] = issuesOf(() => resolve({}, { WORKSTEAL_SIM_RESEARCH_SIGNAL_SKILL: 'half' }));
    expect(env!.where).toBe('environment WORKSTEAL_SIM_RESEARCH_SIGNAL_SKILL');
  });

  it('the flag: a number becomes the key (range checked by the schema, naming the flag); anything else is refused', () => {
    const layer = signalSkillLayer('0.5');
    expect(layer).toEqual({ source: '--signal-skill', values: { sim: { research: { signalSkill: 0.5 } } } });
    expect(resolveConfig({ layers: [layer] }).config.sim.research.signalSkill).toBe(0.5);
    const [issue] = issuesOf(() => resolveConfig({ layers: [signalSkillLayer('2')] }));
    expect(issue!.where).toBe('--signal-skill: sim.research.signalSkill');
    expect(issue!.value).toBe(2);
    for (const bad of ['abc', '', '0x1', '50%']) {
      expect(() => signalSkillLayer(bad)).toThrow(CliError);
      expect(() => signalSkillLayer(bad)).toThrow(/--signal-skill .*must be a number from 0 .* to 1/);
    }
  });
});
