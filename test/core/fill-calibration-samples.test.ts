import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALIBRATION_GRID, Calibration } from '../../src/core/fill/calibration.js';

/**
 * A calibration fills its table of samples at each refit and answers every query from it until the next
 * outcome: answers kept across queries and outcomes must be exactly those of a calibration that saw the
 * same outcomes and is asked for the first time (bit for bit, at any z: inside the grid, at its points,
 * below the first and beyond the last, 0 and NaN).
 */
const zArb = fc.oneof(
  fc.double({ min: 0, max: 6, noNaN: true }),
  fc.constantFrom(...CALIBRATION_GRID, 0, -1, 0.05, 3.25, 3.3, 3.35, Number.NaN, Number.POSITIVE_INFINITY),
);
type Op =
  | { kind: 'origin'; down: number; up: number }
  | { kind: 'point'; k: number; hit: boolean }
  | { kind: 'ask'; zs: number[] };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('origin' as const),
    down: fc.double({ min: -0.1, max: 0.2, noNaN: true }),
    up: fc.double({ min: -0.1, max: 0.2, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('point' as const),
    k: fc.integer({ min: 0, max: CALIBRATION_GRID.length - 1 }),
    hit: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('ask' as const), zs: fc.array(zArb, { minLength: 1, maxLength: 8 }) }),
);

describe('calibration samples (fast-check, seed 25)', () => {
  it('answers kept across queries equal a fresh calibration fed the same outcomes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.integer({ min: 0, max: 60 }), (ops, prior) => {
        const kept = new Calibration(prior);
        const seen: Op[] = [];
        for (const op of ops) {
          if (op.kind !== 'ask') {
            seen.push(op);
            if (op.kind === 'origin') kept.addOrigin(op.down, op.up, 0.02);
            else kept.add(op.k, op.hit);
            continue;
          }
          for (const z of op.zs) {
            const fresh = new Calibration(prior);
            for (const s of seen) {
              if (s.kind === 'origin') fresh.addOrigin(s.down, s.up, 0.02);
              else if (s.kind === 'point') fresh.add(s.k, s.hit);
            }
            expect(Object.is(kept.probability(z), fresh.probability(z)), `z = ${z}`).toBe(true);
          }
        }
      }),
      { seed: 25, numRuns: 300 },
    );
  });
});
