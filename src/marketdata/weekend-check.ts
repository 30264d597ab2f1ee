/**
 * A series whose weekends contradict its asset class: a "stock" with bars on most weekends (a crypto market
 * whose class was guessed from a name such as sol.csv, read with --timezone to get past the zone refusal)
 * trades as a stock with 24/7 bars; a "crypto" series with (nearly) no weekend bars over several weeks (SPY
 * bars in SPYUSD_1h.csv) is read as UTC, hours off its session. Neither stops a run: each is a warning
 * naming the file, the count and how to give the class.
 */
import { inferAssetClass } from './symbols.js';
import { parseZone } from './timezone.js';
import type { LoadResult } from './types.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Whole weekends a series must span before its weekends say anything. */
const MIN_STOCK_WEEKENDS = 2;
const MIN_CRYPTO_WEEKENDS = 4;
const NEW_YORK = parseZone('America/New_York');

/** Whole weekends (Saturday and Sunday) inside the series, and how many of them hold a bar. */
function weekends(time: Float64Array, shift: (t: number) => number): { spanned: number; withBars: number } {
  const first = shift(time[0] as number);
  const last = shift(time[time.length - 1] as number);
  const held = new Set<number>();
  let previous = Number.NaN; // bars are in time order: a weekend's bars come together
  for (let i = 0; i < time.length; i++) {
    const wall = shift(time[i] as number);
    // Day of the week without a Date per bar (this runs over every bar of every file): epoch day 0 was a
    // Thursday (4); 0 is Sunday, 6 Saturday, as getUTCDay counts.
    const weekday = (((Math.floor(wall / DAY) + 4) % 7) + 7) % 7;
    // Weekends are numbered by the Saturday they start on (epoch day 2 was a Saturday).
    if (weekday === 6 || weekday === 0) {
      const weekend = Math.floor((Math.floor(wall / DAY) - 2) / 7);
      if (weekend !== previous) {
        held.add(weekend);
        previous = weekend;
      }
    }
  }
  const firstSat = Math.ceil((Math.floor(first / DAY) - 2) / 7);
  const lastSat = Math.floor((Math.floor(last / DAY) - 2 - 1) / 7); // its Sunday is inside the series
  let withBars = 0;
  for (const w of held) if (w >= firstSat && w <= lastSat) withBars++;
  return { spanned: Math.max(0, lastSat - firstSat + 1), withBars };
}

export function weekendWarning(l: LoadResult): string[] {
  const s = l.series;
  if (s.time.length < 2 || !(s.intervalMs > 0 && s.intervalMs < WEEK)) return [];
  const stock = s.assetClass === 'stock';
  const ny = NEW_YORK;
  const shift = stock && ny ? (t: number) => t + ny.offsetAt(t) * 60_000 : (t: number) => t;
  const { spanned, withBars } = weekends(s.time, shift);
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
