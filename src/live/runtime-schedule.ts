import { firstAfter } from '../marketdata/search.js';
import { nextEndOfDayEvent } from '../session/asking.js';
import type { RuntimeOptions } from './runtime-options.js';

/**
 * When the runtime polls next after a poll at `t`: `pollSec` later, or sooner at a replay's next price change
 * (a bar close or an end-of-day event: the simulator's steps) or, live with stocks, at the next end-of-day
 * event (the window's start, the close), so that end of day acts on time as it does in the simulator.
 */
export function nextPollTime(
  t: number,
  o: Pick<RuntimeOptions, 'calendar' | 'config' | 'pollTimes'>,
  hasStocks: boolean,
): number {
  const { calendar, config, pollTimes } = o;
  const every = t + config.live.pollSec * 1000;
  const next = pollTimes
    ? nextAfter(pollTimes, t)
    : hasStocks && calendar.nextClose
      ? nextEndOfDayEvent(t, (x) => calendar.nextClose!(x), config.deleverageLeadMinutes)
      : null;
  return next !== null && next < every ? next : every;
}

/** The first time in an ascending list after t, or null. */
function nextAfter(times: Float64Array, t: number): number | null {
  const i = firstAfter(times, t);
  return i < times.length ? times[i]! : null;
}
