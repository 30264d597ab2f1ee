import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { BarSeries } from '../marketdata/types.js';
import { buildTimeline, type Timeline } from './timeline.js';

type TimelineOptions = Parameters<typeof buildTimeline>[2];

/**
 * Timelines remembered across simulations of the same bars (the optimizer simulates each window once per
 * candidate). A timeline depends only on the series, the calendar, the range and the deleveraging lead, so
 * the cache is keyed by exactly those; a series list is recognised by identity (the optimizer keeps one per
 * window). Timelines are read-only to the simulator.
 */
export class TimelineCache {
  private readonly bySeries = new WeakMap<readonly BarSeries[], Map<string, Timeline>>();
  /** The calendar each timeline was built with: another calendar (a sessions override) is another timeline. */
  private readonly calendars = new WeakMap<Timeline, ExchangeCalendar>();
  hits = 0;
  misses = 0;

  /** `maxPerSeries`: ranges kept per series list (the oldest goes first). */
  constructor(private readonly maxPerSeries = 16) {}

  get(series: readonly BarSeries[], calendar: ExchangeCalendar, options: TimelineOptions): Timeline {
    let byRange = this.bySeries.get(series);
    if (!byRange) this.bySeries.set(series, (byRange = new Map()));
    const key = `${options.from ?? ''}|${options.to ?? ''}|${options.deleverageLeadMinutes}`;
    const hit = byRange.get(key);
    if (hit && this.calendars.get(hit) === calendar) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const timeline = buildTimeline(series, calendar, options);
    this.calendars.set(timeline, calendar);
    byRange.set(key, timeline);
    if (byRange.size > this.maxPerSeries) byRange.delete(byRange.keys().next().value!);
    return timeline;
  }
}
