/**
 * The end-of-day deleveraging window of a day runs whenever it opens by the last bar, also when that day's close
 * comes after the last bar: whether it runs must not depend on bars after it. Before, data that ended between
 * the window's start and the close (19:00 UTC on a 20:00 close with a 90-minute lead) left out the cancels the
 * same run over longer data made at 18:30 (found by the causality property with another seed).
 */
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { STEP_CLOSE, STEP_DELEVERAGE, buildTimeline } from '../../src/sim/timeline.js';

const HOUR = 3_600_000;
const calendar = nyseCalendar();
/** 2024-10-28, a Monday: the regular session 13:30–20:00 UTC. */
const DAY = Date.parse('2024-10-28T00:00:00Z');
const CLOSE = Date.parse('2024-10-28T20:00:00Z');

/** Hourly bars from midnight UTC, `count` of them. */
function bars(symbol: string, assetClass: 'stock' | 'crypto', count: number): BarSeries {
  const time = Float64Array.from({ length: count }, (_, i) => DAY + i * HOUR);
  const flat = new Float64Array(count).fill(100);
  return {
    symbol,
    assetClass,
    intervalMs: HOUR,
    time,
    open: flat,
    high: flat,
    low: flat,
    close: flat,
    volume: flat,
    source: { path: `${symbol}.csv`, sha256: '', layout: 'test', timezone: 'UTC' },
  };
}

/** The end-of-day steps of a timeline, as [time, kind] for the kinds asked. */
function endOfDay(series: BarSeries[], lead: number): [number, number][] {
  const t = buildTimeline(series, calendar, { deleverageLeadMinutes: lead });
  const out: [number, number][] = [];
  for (let i = 0; i < t.steps.length; i++) {
    const kind = t.kinds[i]! & (STEP_DELEVERAGE | STEP_CLOSE);
    if (kind) out.push([t.steps[i]!, kind]);
  }
  return out;
}

describe('the end-of-day steps near the end of the data', () => {
  it('a window that opens before the last bar runs; the close after it does not', () => {
    // Crypto bars up to the one closing at 19:00, a stock to give the day a session.
    const steps = endOfDay([bars('C', 'crypto', 19), bars('S', 'stock', 18)], 90);
    expect(steps).toEqual([[CLOSE - 90 * 60_000, STEP_DELEVERAGE]]);
  });

  it('the steps up to any cut are those of the whole data (every cut by the hour, leads up to 3 hours)', () => {
    const wrong: string[] = [];
    for (const lead of [0, 15, 30, 60, 90, 120, 180])
      for (let hours = 10; hours <= 30; hours++) {
        const whole = endOfDay([bars('C', 'crypto', 48), bars('S', 'stock', 48)], lead);
        const cut = endOfDay([bars('C', 'crypto', hours), bars('S', 'stock', hours)], lead);
        const last = DAY + hours * HOUR; // the last bar's close
        const expected = whole.filter(([t]) => t <= last);
        if (JSON.stringify(cut) !== JSON.stringify(expected))
          wrong.push(`lead ${lead} min, data to ${new Date(last).toISOString()}`);
      }
    expect(wrong).toEqual([]);
  });
});
