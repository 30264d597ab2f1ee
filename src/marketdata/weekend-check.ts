/**
 * A series whose weekends contradict its asset class: a "stock" with bars on most weekends (a crypto market
 * whose class was guessed from a name such as sol.csv, read with --timezone to get past the zone refusal)
 * trades as a stock with 24/7 bars; a "crypto" series with (nearly) no weekend bars over several weeks (SPY
 * bars in SPYUSD_1h.csv) is read as UTC, hours off its session. Neither stops a run: each is a warning
 * naming the file, the count and how to give the class.
 */
import { isWeekend, MS_PER_DAY, utcDayOf } from '../core/calendar/civil.js';
import { newYorkDayNumber } from '../core/calendar/dst.js';
import { inferAssetClass } from './symbols.js';
import type { LoadResult } from './types.js';

const WEEK = 7 * MS_PER_DAY;
/** Whole weekends a series must span before its weekends say anything. */
const MIN_STOCK_WEEKENDS = 2;
const MIN_CRYPTO_WEEKENDS = 4;

/**
 * Whole weekends (Saturday and Sunday) inside the series, and how many of them hold a bar. `dayOf` gives an
 * instant's day number on the market's calendar (New York's for a stock, UTC for crypto).
 */
function weekends(time: Float64Array, dayOf: (t: number) => number): { spanned: number; withBars: number } {
  const held = new Set<number>();
  let previous = Number.NaN; // bars are in time order: a weekend's bars come together
  for (let i = 0; i < time.length; i++) {
    const day = dayOf(time[i] as number);
    if (!isWeekend(day)) continue;
    // Weekends are numbered by the Saturday they start on (epoch day 2 was a Saturday).
    const weekend = Math.floor((day - 2) / 7);
    if (weekend !== previous) {
      held.add(weekend);
      previous = weekend;
    }
  }
  const firstSat = Math.ceil((dayOf(time[0] as number) - 2) / 7);
  const lastSat = Math.floor((dayOf(time[time.length - 1] as number) - 2 - 1) / 7); // its Sunday is inside
  let withBars = 0;
  for (const w of held) if (w >= firstSat && w <= lastSat) withBars++;
  return { spanned: Math.max(0, lastSat - firstSat + 1), withBars };
}

export function weekendWarning(l: LoadResult): string[] {
  const s = l.series;
  if (s.time.length < 2 || !(s.intervalMs > 0 && s.intervalMs < WEEK)) return [];
  const stock = s.assetClass === 'stock';
  const { spanned, withBars } = weekends(s.time, stock ? newYorkDayNumber : utcDayOf);
  const fromName = inferAssetClass(s.symbol) === s.assetClass ? ' (the class its name suggests)' : '';
  const other = stock ? 'crypto' : 'stock';
  const fix = `if ${s.symbol} is ${stock ? 'a crypto market' : 'a stock'}, give its class: \`data import --asset-class ${other}\`, or for simulate the config \`symbols\` map \`${s.symbol}: {assetClass: ${other}}\`.`;
  if (stock && spanned >= MIN_STOCK_WEEKENDS && withBars * 2 > spanned) {
    return [
      `warning: ${s.symbol} is read as a stock${fromName}, but ${s.source.path} has bars on ${withBars} of its ${spanned} weekends, as a market that trades around the clock has: ${fix}`,
    ];
  }
  if (!stock && spanned >= MIN_CRYPTO_WEEKENDS && withBars * 10 <= spanned) {
    return [
      `warning: ${s.symbol} is read as crypto${fromName}, but ${s.source.path} has ${withBars === 0 ? 'no bars on any' : `bars on only ${withBars}`} of its ${spanned} weekends, as a stock market has (its naive times are then read as UTC, not in an exchange session): ${fix}`,
    ];
  }
  return [];
}
