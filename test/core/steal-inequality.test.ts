import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config/presets.js';
import type { CandidateTable } from '../../src/core/policy/decision.js';
import type { RequestValue, ValueColumns } from '../../src/core/policy/valuation.js';
import { stealTest, type ValueConfig } from '../../src/core/policy/value-policy.js';

/**
 * The steal inequality (src/core/fill/USAGE.md), on stealTest itself: steal iff the stealer's EV is positive
 * and `EV(stealer) − cost ≥ (1 + h)·ΣEV(victims) + λ·Σnotional(victims)`, with `(1 + h)²` for a fight steal.
 * Inclusive: equality steals. All numbers here are exact in binary, so the edge is exact too. (Fight steals
 * are rare in the decision properties' generated histories; this states the rule directly.)
 */
function table(victims: readonly { ev: number; notional: number }[]): CandidateTable {
  const n = victims.length;
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  const value: ValueColumns = {
    probability: col(() => 0.5),
    nextBarProbability: col(() => 0),
    expectedReturn: col(() => 0),
    expectedValue: col((i) => victims[i]!.ev),
    density: col(() => 0),
    sigma: col(() => 0),
  };
  return {
    orders: [],
    distance: col(() => 0.01),
    margin: col((i) => victims[i]!.notional),
    notional: col((i) => victims[i]!.notional),
    reason: new Uint8Array(n),
    ranking: 'expectedValue',
    value,
  };
}

function stealer(expectedValue: number, notional: number): RequestValue {
  return { probability: 0.5, nextBarProbability: 0, expectedReturn: 0, sigma: 0, notional, expectedValue };
}

function cfg(h: number, lambda: number, stealerCostPct: number): ValueConfig {
  return { ...DEFAULT_CONFIG, stealHysteresis: h, stealCostPerNotional: lambda, stealerCostPct };
}

describe('steal inequality (stealTest)', () => {
  it('factor (1 + h), squared on a fight; passes iff EV > 0 and lhs ≥ rhs, equality included', () => {
    const victimArb = fc.record({
      ev: fc.constantFrom(0.25, 1, 4, 10),
      notional: fc.constantFrom(128, 1024, 4096),
    });
    fc.assert(
      fc.property(
        fc.array(victimArb, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(0, 0.25, 0.5, 1, 3),
        fc.constantFrom(0, 2 ** -10, 2 ** -7),
        fc.constantFrom(0, 2 ** -10),
        fc.constantFrom(1024, 4096),
        fc.boolean(),
        fc.constantFrom(-0.5, 0, 0, 0.5),
        (victims, h, lambda, costPct, notional, fight, offset) => {
          const factor = fight ? (1 + h) * (1 + h) : 1 + h;
          const victimsValue = victims.reduce((s, v) => s + v.ev, 0);
          const victimsNotional = victims.reduce((s, v) => s + v.notional, 0);
          const rhs = factor * victimsValue + lambda * victimsNotional;
          const cost = costPct * notional;
          // On the edge (offset 0), half a dollar short of it, or half a dollar over it.
          const ev = rhs + cost + offset;
          const s = stealTest(
            stealer(ev, notional),
            table(victims),
            [...victims.keys()],
            fight,
            cfg(h, lambda, costPct),
          );
          expect(s.factor).toBe(factor);
          expect(s.rhs).toBe(rhs);
          expect(s.lhs).toBe(ev - cost);
          expect(s.passed).toBe(ev > 0 && ev - cost >= rhs);
          if (offset === 0) expect(s.passed).toBe(true);
        },
      ),
      { seed: 2931, numRuns: 400 },
    );
  });

  it('example: h = 0.5, one victim of EV 4 on 1,000, λ = 1/128; a stealer of EV 15 steals, but not in a fight', () => {
    const t = table([{ ev: 4, notional: 1_000 }]);
    const c = cfg(0.5, 2 ** -7, 0);
    const plain = stealTest(stealer(15, 2_000), t, [0], false, c);
    expect([plain.factor, plain.rhs, plain.passed]).toEqual([1.5, 13.8125, true]);
    const fight = stealTest(stealer(15, 2_000), t, [0], true, c);
    expect([fight.factor, fight.rhs, fight.passed]).toEqual([2.25, 16.8125, false]);
    expect(stealTest(stealer(16.8125, 2_000), t, [0], true, c).passed).toBe(true);
  });
});
