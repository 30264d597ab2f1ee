import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decode,
  decodeKey,
  decodeValue,
  encode,
  encodeValue,
  validateSpace,
  type ParamSpec,
} from '../../src/optimizer/de/index.js';

/** Decodes the midpoints of an N-point uniform grid on [0,1] and counts each value. */
function gridCounts(spec: ParamSpec, N: number): Map<number | boolean, number> {
  const counts = new Map<number | boolean, number>();
  for (let j = 0; j < N; j++) {
    const v = decodeValue(spec, (j + 0.5) / N);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

describe('int decoding', () => {
  it('gives every integer an equal share of [0,1] (count within ±1 on a uniform grid)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 200 }),
        (min, span, perValue, extra) => {
          const spec: ParamSpec = { name: 'k', kind: 'int', min, max: min + span };
          const m = span + 1;
          const N = m * perValue + extra;
          const counts = gridCounts(spec, N);
          for (let k = min; k <= min + span; k++) {
            expect(Math.abs((counts.get(k) ?? 0) - N / m)).toBeLessThanOrEqual(1);
          }
          expect([...counts.keys()].every((k) => typeof k === 'number' && k >= min && k <= min + span)).toBe(
            true,
          );
        },
      ),
      { seed: 101, numRuns: 100 },
    );
  });

  it('puts slice boundaries exactly at k/(max-min+1), and clamps u = 1 to max', () => {
    const spec: ParamSpec = { name: 'k', kind: 'int', min: 3, max: 7 };
    for (let k = 1; k < 5; k++) {
      expect(decodeValue(spec, k / 5 - 1e-9)).toBe(3 + k - 1);
      expect(decodeValue(spec, k / 5 + 1e-9)).toBe(3 + k);
    }
    expect(decodeValue(spec, 0)).toBe(3);
    expect(decodeValue(spec, 1)).toBe(7);
    expect(decodeValue(spec, 1.5)).toBe(7);
    expect(decodeValue(spec, -0.5)).toBe(3);
  });

  it('is unlike rounding, which would give the end values only half a share', () => {
    const counts = gridCounts({ name: 'k', kind: 'int', min: 0, max: 4 }, 1000);
    expect([...counts.values()]).toEqual([200, 200, 200, 200, 200]);
  });

  it('round-trips through encode', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 100 }),
        fc.nat(),
        (min, span, r) => {
          const spec: ParamSpec = { name: 'k', kind: 'int', min, max: min + span };
          const v = min + (r % (span + 1));
          expect(decodeValue(spec, encodeValue(spec, v))).toBe(v);
        },
      ),
      { seed: 102, numRuns: 100 },
    );
  });

  it('log-scale ints get log-proportional shares and round-trip', () => {
    const spec: ParamSpec = { name: 'w', kind: 'int', min: 1, max: 1000, log: true };
    const N = 200_000;
    const counts = gridCounts(spec, N);
    const total = Math.log(1001);
    for (const k of [1, 2, 9, 10, 99, 500, 1000]) {
      expect(Math.abs((counts.get(k) ?? 0) - (N * Math.log((k + 1) / k)) / total)).toBeLessThanOrEqual(1);
      expect(decodeValue(spec, encodeValue(spec, k))).toBe(k);
    }
    expect(decodeValue(spec, 0)).toBe(1);
    expect(decodeValue(spec, 1)).toBe(1000);
  });
});

describe('bool and real decoding', () => {
  it('bool is u >= 0.5, half of the cube each', () => {
    const spec: ParamSpec = { name: 'b', kind: 'bool', min: 0, max: 1 };
    expect(decodeValue(spec, 0)).toBe(false);
    expect(decodeValue(spec, 0.4999999)).toBe(false);
    expect(decodeValue(spec, 0.5)).toBe(true);
    expect(decodeValue(spec, 1)).toBe(true);
    const counts = gridCounts(spec, 1001);
    expect(Math.abs((counts.get(true) ?? 0) - (counts.get(false) ?? 0))).toBeLessThanOrEqual(1);
    expect(decodeValue(spec, encodeValue(spec, true))).toBe(true);
    expect(decodeValue(spec, encodeValue(spec, false))).toBe(false);
  });

  it('linear real maps [0,1] onto [min,max] and never leaves it', () => {
    const spec: ParamSpec = { name: 'x', kind: 'real', min: 0.1, max: 0.3 };
    expect(decodeValue(spec, 0)).toBe(0.1);
    expect(decodeValue(spec, 1)).toBe(0.3); // 0.1 + 0.2 would be 0.30000000000000004
    expect(decodeValue(spec, 0.5)).toBeCloseTo(0.2, 15);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (u) => {
        const x = decodeValue(spec, u) as number;
        expect(x).toBeGreaterThanOrEqual(0.1);
        expect(x).toBeLessThanOrEqual(0.3);
        expect(encodeValue(spec, x)).toBeCloseTo(u, 9);
      }),
      { seed: 103, numRuns: 100 },
    );
  });

  it('log real maps equal unit steps to equal ratios', () => {
    const spec: ParamSpec = { name: 'lr', kind: 'real', min: 1e-5, max: 1e-1, log: true };
    expect(decodeValue(spec, 0)).toBeCloseTo(1e-5, 18);
    expect(decodeValue(spec, 1)).toBe(1e-1);
    for (let k = 0; k <= 4; k++) expect(decodeValue(spec, k / 4) as number).toBeCloseTo(10 ** (-5 + k), 12);
    expect(decodeValue(spec, 0.5)).toBeCloseTo(1e-3, 15);
    expect(encodeValue(spec, 1e-4)).toBeCloseTo(0.25, 12);
  });

  it('a fixed real (min = max) decodes to that value', () => {
    const spec: ParamSpec = { name: 'c', kind: 'real', min: 2, max: 2 };
    expect(decodeValue(spec, 0.7)).toBe(2);
    expect(encodeValue(spec, 2)).toBe(0.5);
  });

  it('decode/encode whole vectors by name', () => {
    const space: ParamSpec[] = [
      { name: 'x', kind: 'real', min: -1, max: 1 },
      { name: 'n', kind: 'int', min: 1, max: 4 },
      { name: 'on', kind: 'bool', min: 0, max: 1 },
    ];
    expect(decode(space, [0.75, 0.6, 0.2])).toEqual({ x: 0.5, n: 3, on: false });
    expect(decode(space, encode(space, { x: -0.25, n: 4, on: true }))).toEqual({ x: -0.25, n: 4, on: true });
  });
});

describe('decodeKey', () => {
  it('is canonical: independent of key order, distinct for distinct values', () => {
    expect(decodeKey({ b: 1, a: true, '10': 2, '2': 3 })).toBe(decodeKey({ '2': 3, a: true, '10': 2, b: 1 }));
    expect(decodeKey({ a: 1, b: true })).toBe('[["a",1],["b",true]]');
    expect(decodeKey({ a: 1, b: true })).not.toBe(decodeKey({ a: 1, b: false }));
    expect(decodeKey({ a: 1 })).not.toBe(decodeKey({ a: 1.0000001 }));
  });
});

describe('validateSpace', () => {
  it('rejects min > max, naming the parameter and the values', () => {
    expect(() => validateSpace([{ name: 'fast', kind: 'int', min: 10, max: 2 }])).toThrow(
      /'fast'.*min must be <= max \(min 10, max 2\)/,
    );
  });

  it('rejects an unknown kind, naming the parameter and the kind', () => {
    const bad = [{ name: 'mode', kind: 'enum', min: 0, max: 1 }] as unknown as ParamSpec[];
    expect(() => validateSpace(bad)).toThrow(/'mode'\.kind.*\(got "enum"\)/);
  });

  it('rejects non-integer int bounds, non-positive log bounds, duplicates, NaN and empty spaces', () => {
    expect(() => validateSpace([{ name: 'k', kind: 'int', min: 0.5, max: 3 }])).toThrow(
      /'k'\.min.*integer.*0\.5/,
    );
    expect(() => validateSpace([{ name: 'lr', kind: 'real', min: 0, max: 1, log: true }])).toThrow(
      /'lr'\.min.*> 0/,
    );
    expect(() =>
      validateSpace([
        { name: 'a', kind: 'real', min: 0, max: 1 },
        { name: 'a', kind: 'real', min: 0, max: 1 },
      ]),
    ).toThrow(/duplicate.*"a"/);
    expect(() => validateSpace([{ name: 'x', kind: 'real', min: NaN, max: 1 }])).toThrow(
      /'x'\.min.*finite.*NaN/,
    );
    expect(() => validateSpace([])).toThrow(/non-empty/);
  });

  it('accepts bools (their min/max are ignored)', () => {
    expect(() => validateSpace([{ name: 'b', kind: 'bool', min: 0, max: 1 }])).not.toThrow();
  });
});
