/**
 * A value outside a key's range is one error naming the bound that applies, not one per chained bound
 * (`bufferPct: 2` was reported against both `<= 1` and `<= 0.99`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/core/config/index.js';
import { ValidationError } from '../../src/core/errors.js';

function issuesOf(values: unknown): readonly { where: string; message: string }[] {
  try {
    resolveConfig({ layers: [{ source: 'c.json', values }] });
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
}

/** Paths of every number in the defaults: the keys a range can apply to. */
function numberPaths(v: unknown, path: string[] = []): string[][] {
  if (typeof v === 'number') return [path];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
  return Object.entries(v).flatMap(([k, x]) => numberPaths(x, [...path, k]));
}

const nested = (path: string[], value: number): unknown =>
  path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);

describe('range errors', () => {
  it('bufferPct 2 is one error with its own bound', () => {
    expect(issuesOf({ bufferPct: 2 })).toEqual([
      { where: 'c.json: bufferPct', message: 'Too big: expected number to be <=0.99', value: 2 },
    ]);
    expect(issuesOf({ sim: { forecaster: { lookbackBars: -1 } } }).map((i) => i.message)).toEqual([
      'Too small: expected number to be >=10',
    ]);
    expect(issuesOf({ live: { http: { port: 1e20 } } }).map((i) => i.message)).toEqual([
      'Too big: expected number to be <=65535',
    ]);
  });

  it('every numeric key reports at most one error, whatever the value', () => {
    const paths = numberPaths(DEFAULT_CONFIG);
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer(),
          fc.constantFrom(-1, 2, 1e20),
        ),
        (path, value) => {
          const wheres = issuesOf(nested(path, value)).map((i) => i.where);
          expect(new Set(wheres).size).toBe(wheres.length);
        },
      ),
      { seed: 2903, numRuns: 600 },
    );
  });
});
