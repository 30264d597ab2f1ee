import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import { firstSignalBar, forecastSignals } from '../../src/sim/signals/forecaster.js';

/**
 * firstSignalBar says when the built-in forecaster can first give a signal (what `run --broker replay` warns
 * about): never a signal before it, and with no edge required, one right at it.
 */
function walk(n: number, seed: number): { high: Float64Array; low: Float64Array; close: Float64Array } {
  let s = seed >>> 0 || 1;
  const rnd = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = open * Math.exp((rnd() - 0.5) * 0.04);
    high[i] = Math.max(open, price) * (1 + rnd() * 0.01);
    low[i] = Math.min(open, price) * (1 - rnd() * 0.01);
    close[i] = price;
  }
  return { high, low, close };
}

describe('the forecaster’s first signal', () => {
  const base = resolveConfig({}).config.sim.forecaster;

  it('property: no signal before firstSignalBar; with no minimum edge, the first one is at it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 200 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.constantFrom(0, 0.004, 0.02),
        (lookbackBars, horizonBars, seed, minEdgePct) => {
          const cfg = { ...base, lookbackBars, horizonBars, minEdgePct };
          const first = firstSignalBar(cfg);
          const { high, low, close } = walk(first + 50, seed);
          const { entry } = forecastSignals(high, low, close, cfg);
          const found = entry.findIndex((e) => Number.isFinite(e));
          if (found >= 0) expect(found).toBeGreaterThanOrEqual(first);
          if (minEdgePct === 0) expect(found).toBe(first);
        },
      ),
      { seed: 20261206, numRuns: 200 },
    );
  });

  it('the default forecaster (horizon 24, lookback 720) can signal from bar 383, not from bar 745', () => {
    expect(firstSignalBar(base)).toBe(24 + 360 - 1);
  });
});
