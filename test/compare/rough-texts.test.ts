import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { plural } from '../../src/compare/report.js';
import { studyRange } from '../../src/optimizer/optimize.js';
import type { BarSeries } from '../../src/marketdata/index.js';

describe('texts', () => {
  it('say "1 window", "2 windows"', () => {
    expect(plural(1, 'window')).toBe('1 window');
    expect(plural(2, 'symbol')).toBe('2 symbols');
  });

  it('a range outside the data names only the bounds that were asked for', () => {
    const day = 86_400_000;
    const series = [
      { time: Float64Array.from([0, day, 2 * day]), intervalMs: day },
    ] as unknown as BarSeries[];
    let error: unknown;
    try {
      studyRange(series, { from: Date.UTC(2030, 0, 1) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    // Printed as `{"from":"2030-01-01","to":undefined}` when the absent bound was a key.
    expect((error as ValidationError).issues[0]!.value).toStrictEqual({ from: '2030-01-01' });
  });
});
