import fc from 'fast-check';
import type { AssetClass } from '../../../src/core/types.js';
import type { BarSeries } from '../../../src/marketdata/index.js';
import { series, type Bar } from '../../support/bars.js';

const H = 3_600_000;

/**
 * A random hourly path around 100 from `start`: each bar opens near the last close (a gap of up to 1.5%) and
 * ranges up to 3% either way, in tenths of a percent, so that it wanders around limits near 100 rather than
 * running off. Each bar also draws whether it can trade (five in six can), for callers that decide that
 * themselves.
 */
export function randomPath(
  symbol: string,
  assetClass: AssetClass,
  start: number,
  length: { minLength: number; maxLength: number },
): fc.Arbitrary<{ s: BarSeries; tradable: boolean[] }> {
  return fc
    .array(
      fc.record({
        gap: fc.integer({ min: -15, max: 15 }),
        up: fc.integer({ min: 0, max: 30 }),
        down: fc.integer({ min: 0, max: 30 }),
        at: fc.integer({ min: 0, max: 10 }),
        tradable: fc.integer({ min: 0, max: 5 }).map((x) => x > 0),
      }),
      length,
    )
    .map((steps) => {
      let last = 100;
      const bars: Bar[] = [];
      const tradable: boolean[] = [];
      steps.forEach((p, i) => {
        const o = last * (1 + p.gap / 1000);
        const h = o * (1 + p.up / 1000);
        const l = o * (1 - p.down / 1000);
        const c = l + ((h - l) * p.at) / 10;
        bars.push({ t: start + i * H, o, h, l, c });
        tradable.push(p.tradable);
        last = c;
      });
      return { s: series(symbol, assetClass, bars), tradable };
    });
}
