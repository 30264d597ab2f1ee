import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { ForecastCache } from '../../src/sim/signals/forecast-cache.js';
import { forecastSignals } from '../../src/sim/signals/forecaster.js';
import { series, type Bar } from '../support/bars.js';
import { CRYPTO_FILES, loadReal } from '../support/marketdata.js';

/** A deterministic wiggle: enough excursions for the forecaster to issue signals. */
function wiggly(symbol: string, hours: number, seed: number) {
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  const bars: Bar[] = [];
  let price = 100 + seed;
  for (let i = 0; i < hours; i++) {
    const move = Math.sin(i * 0.7 + seed) * 0.8 + Math.cos(i * 0.13 * (seed + 1)) * 0.5;
    const open = price;
    price = Math.max(1, price + move);
    bars.push({
      t: t0 + i * 3_600_000,
      o: open,
      h: Math.max(open, price) + 0.6,
      l: Math.min(open, price) - 0.6,
      c: price,
    });
  }
  return series(symbol, 'crypto', bars);
}

const { config } = resolveConfig({});
const cfg = { ...config.sim.forecaster, lookbackBars: 48, horizonBars: 6, minEdgePct: 0.001 };

describe('ForecastCache', () => {
  it('gives what the forecaster gives, computing each distinct request once', () => {
    const a = wiggly('AAAUSD', 400, 1);
    const b = wiggly('BBBUSD', 400, 2);
    const cache = new ForecastCache();
    const first = cache.get(a, cfg, 100, 300);
    expect(first).toEqual(forecastSignals(a.high, a.low, a.close, cfg, 100, 300));
    expect(Number.isFinite(first.entry[250]!)).toBe(true);
    expect(cache.get(a, cfg, 100, 300)).toBe(first);
    // Another series, range or parameter is another entry.
    expect(cache.get(b, cfg, 100, 300)).not.toBe(first);
    expect(cache.get(a, cfg, 100, 301)).not.toBe(first);
    expect(cache.get(a, { ...cfg, entryQuantile: 0.3 }, 100, 300)).not.toBe(first);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 4 });
  });

  it('lets the least recently used entry go once it holds its memory bound', () => {
    const a = wiggly('AAAUSD', 400, 1);
    const oneEntry = 3 * 400 * 8;
    const cache = new ForecastCache(2 * oneEntry);
    const x = cache.get(a, cfg, 0, 100);
    cache.get(a, cfg, 0, 200);
    cache.get(a, cfg, 0, 100); // x is now the most recently used
    cache.get(a, cfg, 0, 300); // evicts (0, 200)
    expect(cache.get(a, cfg, 0, 100)).toBe(x);
    const misses = cache.misses;
    cache.get(a, cfg, 0, 200);
    expect(cache.misses).toBe(misses + 1);
  });

  it('leaves a simulation on real bars exactly as it is without a cache, on every reuse', async () => {
    const loaded = await loadReal(CRYPTO_FILES.slice(0, 3));
    const bars = loaded.map((l) => l.series);
    const window = { from: Date.parse('2023-03-01T00:00:00Z'), to: Date.parse('2023-06-01T00:00:00Z') };
    const calendar = nyseCalendar();
    const plain = simulate({ series: bars, config, calendar, ...window });
    expect(plain.counters.places + plain.counters.steals).toBeGreaterThan(10);
    const forecasts = new ForecastCache();
    for (let run = 0; run < 2; run++) {
      const cached = simulate({ series: bars, config, calendar, ...window, forecasts });
      expect(cached.equity).toEqual(plain.equity);
      expect(cached.decisions).toEqual(plain.decisions);
      expect(cached.counters).toEqual(plain.counters);
    }
    expect(forecasts.hits).toBe(bars.length);
  });
});
