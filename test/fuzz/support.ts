/**
 * Shared parts of the input fuzzers: small arbitraries of hostile values, and the one property every fuzzer
 * checks, that an input ends in a result or in a ValidationError whose issues say where and what.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';

/** Every fuzzer runs this many seeded cases (at least 10,000 each). */
export const FUZZ_RUNS = 10_000;

/** Text a person or an attacker might put where a number, a name or a time belongs. */
export const hostileText = fc.constantFrom(
  '',
  ' ',
  'abc',
  '0x10',
  '0b101',
  '0o17',
  '1e999',
  '-1e999',
  'Infinity',
  '-Infinity',
  'NaN',
  '1,5',
  '1_000',
  '٣',
  '１２',
  '\u001b[31mred',
  '\u009b2J',
  '\u202eevil',
  '__proto__',
  'constructor',
  'true',
  'null',
  '2025-01-15T15:00:00Z',
  '9999-12-31T23:59:59Z',
  '0',
  '-0',
  '0.5',
  '1e-3',
  '25000',
);

export const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 0.0015),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
  fc.integer({ min: -1000, max: 100_000 }),
);

/** Scalars and small structures of any JSON/YAML type, nested a few levels at most. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileNumber,
    hostileText,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'requirement', 'min', 'max', '__proto__'), tie('value'), {
      maxKeys: 3,
    }),
  ),
})).value;

/** An object with the given own keys, `__proto__` included (assignment would change the prototype instead). */
export function ownObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** The value at a path of own keys, or undefined. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/** Runs `fn`; a ValidationError is returned, any other exception fails the case (it is a bug). */
export function outcome<T>(fn: () => T): { ok: T } | { error: ValidationError } {
  try {
    return { ok: fn() };
  } catch (error) {
    if (error instanceof ValidationError) return { error };
    throw error;
  }
}

/** A ValidationError as a person reads it: issues with a place, and a bounded message without control codes. */
export function expectReadable(error: ValidationError): void {
  expect(error.issues.length).toBeGreaterThan(0);
  for (const issue of error.issues) {
    expect(typeof issue.where).toBe('string');
    expect(issue.where.length).toBeGreaterThan(0);
    expect(issue.message.length).toBeGreaterThan(0);
  }
  // eslint-disable-next-line no-control-regex
  expect(error.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  expect(error.message.length).toBeLessThan(20 * 400);
}
