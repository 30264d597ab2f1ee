import { expect } from 'vitest';
import type { CompareOutput } from '../../src/index.js';

/** The keys of `worksteal compare --json` that the library's compare() returns too. */
const WRITTEN_KEYS = [
  'range',
  'windows',
  'subsets',
  'seed',
  'resamples',
  'comparisons',
  'simulations',
  'data',
  'sides',
] as const;

/**
 * The library's result against what the CLI's --json wrote (parsed), key by key as JSON writes them: a NaN
 * (steals per victim) is null in both.
 */
export function expectAsWritten(out: CompareOutput, written: Record<string, unknown>): void {
  const asJson = JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
  for (const key of WRITTEN_KEYS) {
    expect(written[key], key).toBeDefined();
    expect(asJson[key], key).toEqual(written[key]);
  }
}
