import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { buildTimeline } from '../../src/sim/timeline.js';
import { TimelineCache } from '../../src/sim/timeline-cache.js';
import { CRYPTO_FILES, STOCK_FILES, loadReal } from '../support/marketdata.js';

describe('TimelineCache', () => {
  it('gives the timeline buildTimeline gives, once per series list, range, lead and calendar', async () => {
    const series = (await loadReal([CRYPTO_FILES[0]!, STOCK_FILES[0]!])).map((l) => l.series);
    const calendar = nyseCalendar();
    const options = {
      from: Date.parse('2023-01-01T00:00:00Z'),
      to: Date.parse('2023-02-01T00:00:00Z'),
      deleverageLeadMinutes: 15,
    };
    const cache = new TimelineCache();
    const first = cache.get(series, calendar, options);
    expect(first).toEqual(buildTimeline(series, calendar, options));
    expect(cache.get(series, calendar, options)).toBe(first);
    expect(cache.get(series, calendar, { ...options, deleverageLeadMinutes: 30 })).not.toBe(first);
    expect(cache.get(series, calendar, { ...options, to: options.to + 3_600_000 })).not.toBe(first);
    expect(cache.get([...series], calendar, options)).not.toBe(first);
    const otherCalendar = Object.create(calendar) as typeof calendar; // another object, same answers
    expect(cache.get(series, otherCalendar, options)).not.toBe(first);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 5 });
  });

  it('leaves a mixed simulation exactly as it is without a cache, on every reuse', async () => {
    const series = (await loadReal([...CRYPTO_FILES.slice(0, 2), ...STOCK_FILES.slice(0, 2)])).map(
      (l) => l.series,
    );
    const { config } = resolveConfig({});
    const input = {
      series,
      config,
      calendar: nyseCalendar(),
      from: Date.parse('2023-03-01T00:00:00Z'),
      to: Date.parse('2023-05-01T00:00:00Z'),
    };
    const plain = simulate(input);
    expect(plain.counters.places + plain.counters.steals).toBeGreaterThan(10);
    const timelines = new TimelineCache();
    for (let run = 0; run < 2; run++) {
      const cached = simulate({ ...input, timelines });
      expect(cached.equity).toEqual(plain.equity);
      expect(cached.decisions).toEqual(plain.decisions);
      expect(cached.counters).toEqual(plain.counters);
    }
    expect(timelines.hits).toBe(1);
  });
});
