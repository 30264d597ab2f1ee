import type { AssetClass } from '../types.js';
import { newYorkDay } from './dst.js';
import { afterHoursEndOf, stockSessionAt } from './extended.js';
import type { ExchangeCalendar } from './types.js';

/**
 * How a resting limit order works at the venue, set by when it was placed (README "The model: assumptions
 * and limits"; what src/brokers/alpaca/broker.ts placeLimit sends to Alpaca):
 * - `any`: in every bar (crypto);
 * - `regular`: in regular-session bars only, on every later day, until it fills or is cancelled (a stock
 *   limit sent GTC without `extended_hours`: placed while the regular session is open, or any stock limit
 *   when `extendedHours` is off);
 * - `day`: in the pre-market, regular and after-hours bars of the trading day it was placed on, and it lapses
 *   at the end of that day's after-hours session (`lapsesAt`: 20:00 New York, 17:00 after an early close) —
 *   a stock DAY limit with `extended_hours`, placed in the pre-market or after-hours session;
 * - `refused`: not sent at all (a stock limit with `extendedHours`, outside every session: 20:00–04:00 New
 *   York, weekends, holidays).
 */
export interface LimitHours {
  readonly works: 'any' | 'regular' | 'day' | 'refused';
  /** When the venue lets it lapse (epoch ms); +Infinity for an order that never does. */
  readonly lapsesAt: number;
}

const ANY_HOURS: LimitHours = { works: 'any', lapsesAt: Number.POSITIVE_INFINITY };
const REGULAR_HOURS: LimitHours = { works: 'regular', lapsesAt: Number.POSITIVE_INFINITY };
const REFUSED: LimitHours = { works: 'refused', lapsesAt: Number.NEGATIVE_INFINITY };

/**
 * The hours of a limit order of `assetClass` placed at `placedAt` (LimitHours): the one rule the Alpaca broker
 * sends orders by and the simulator, the replay venue, the steal regret's counterfactual and the research
 * skill signals fill them by.
 */
export function limitHours(
  assetClass: AssetClass,
  placedAt: number,
  calendar: Pick<ExchangeCalendar, 'sessionFor'>,
  extendedHours: boolean,
): LimitHours {
  if (assetClass !== 'stock') return ANY_HOURS;
  if (!extendedHours) return REGULAR_HOURS;
  const session = stockSessionAt(placedAt, calendar);
  if (session === 'regular') return REGULAR_HOURS;
  if (session === 'closed') return REFUSED;
  return { works: 'day', lapsesAt: afterHoursEndOf(calendar.sessionFor(newYorkDay(placedAt))!) };
}

/**
 * Whether a limit order of these hours works in a bar opening at `barOpen` (besides canFillInBar: a bar
 * that opened before the order was placed is never its bar). A `day` order works in the bars of its day's
 * sessions that open before it lapses; a bar opening after it lapsed, or in no session, finds it gone.
 */
export function limitWorksInBar(
  hours: LimitHours,
  barOpen: number,
  calendar: Pick<ExchangeCalendar, 'isRegularSession' | 'sessionFor'>,
): boolean {
  switch (hours.works) {
    case 'any':
      return true;
    case 'regular':
      return calendar.isRegularSession(barOpen);
    case 'day':
      return barOpen < hours.lapsesAt && stockSessionAt(barOpen, calendar) !== 'closed';
    default:
      return false;
  }
}

/** Why a stock limit is not sent now (LimitHours `refused`), in the words the Alpaca broker refuses it with. */
export function refusedLimitReason(symbol: string, at: number): string {
  return `${symbol}: not sent at ${new Date(at).toISOString()}, outside every US equity session (extended hours run 04:00-20:00 New York on trading days); an order sent now could not fill`;
}
