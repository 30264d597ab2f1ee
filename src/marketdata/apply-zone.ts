/**
 * Naive bar times to UTC: the zone given, UTC for crypto, or the one a stock file's bars fit (zoneguess.ts),
 * refused when none fits; and the `read:` text of how a file's times were read.
 */
import type { AssetClass } from '../core/types.js';
import { isWeekend, MS_PER_MINUTE, utcDayOf } from '../core/calendar/civil.js';
import type { Layout } from './detect.js';
import { DataError } from './errors.js';
import type { RawBars } from './row-sink.js';
import { UTC, fixedZone, parseZone, type Zone } from './timezone.js';
import type { ReadInfo } from './types.js';
import { wallTimesToUtc } from './wallclock.js';
import { guessStockZone } from './zoneguess.js';

export type ZoneChoice = {
  zone: Zone;
  why: string;
  how: NonNullable<ReadInfo['zone']>['how'];
  detail: string;
};

/** The share of rows whose written (naive) time falls on a Saturday or Sunday. */
function weekendShare(raw: RawBars): number {
  let weekend = 0;
  for (let i = 0; i < raw.n; i++) {
    if (isWeekend(utcDayOf(raw.time[i] as number))) weekend++;
  }
  return raw.n > 0 ? weekend / raw.n : 0;
}

/**
 * Decides the zone of naive times and converts them in place to UTC. Returns the zone and why it was chosen.
 * `guessedFrom`: the symbol when the class was inferred from it alone (no caller, config or store said it):
 * a zone refusal then says so, since a crypto file named like a stock (`SOL.csv`) fails here for its class.
 */
export function applyZone(
  file: string,
  raw: RawBars,
  assetClass: AssetClass,
  spec: string | undefined,
  guessedFrom: string | null,
): ZoneChoice {
  let choice: ZoneChoice;
  if (spec !== undefined) {
    const z = parseZone(spec);
    if (!z) {
      throw new DataError(
        file,
        `unknown timezone "${spec}".`,
        "Use 'UTC', an IANA zone such as 'America/New_York', or a fixed offset such as '-05:00'.",
      );
    }
    choice = { zone: z, why: 'given', how: 'given', detail: '' };
  } else if (assetClass === 'crypto') {
    choice = { zone: UTC, why: 'crypto', how: 'crypto', detail: '' };
  } else {
    const guess = guessStockZone(raw.time, raw.n);
    if (guess.zone === null) {
      // A stock file read in the wrong zone trades hours off its market and looks right: never guessed weakly.
      // Evidence for the other class: bars on weekends, as written. A stock has none in any zone.
      const classFix =
        guessedFrom !== null && weekendShare(raw) > 0.1
          ? ` ${guessedFrom} was taken for a stock from its name, but its bars run through weekends: if it is crypto, give its class instead of a zone: \`data import --asset-class crypto\`, or in the config \`symbols: { ${guessedFrom}: { assetClass: crypto } }\`.`
          : '';
      throw new DataError(
        file,
        `cannot tell which timezone the naive (offset-less) times are in: ${guess.detail}.`,
        `Pass the zone the file was written in: --timezone ZONE, with ZONE an IANA name such as America/New_York or Europe/Berlin, UTC, or a fixed offset such as -05:00 for a clock that never changes; in code layout: { timezone: 'ZONE' }.${classFix}`,
      );
    }
    choice = { zone: guess.zone, why: guess.why, how: guess.how, detail: guess.detail };
  }
  const { zone } = choice;
  const t = raw.time;
  if (zone === UTC) return choice;
  if (zone.fixedOffset !== null) {
    const shift = zone.fixedOffset * MS_PER_MINUTE;
    for (let i = 0; i < raw.n; i++) t[i] = (t[i] as number) - shift;
  } else {
    wallTimesToUtc(raw, zone);
  }
  return choice;
}

function offsetName(min: number): string {
  return fixedZone(min).name === 'UTC' ? '+00:00' : fixedZone(min).name;
}

export function timePart(
  layout: Layout,
  raw: RawBars,
  zone: ZoneChoice | null,
): { text: string; timezone: string } {
  if (layout.timeFormat === 'iso') {
    const range =
      raw.offsetMin === raw.offsetMax
        ? offsetName(raw.offsetMin)
        : `${offsetName(raw.offsetMin)}..${offsetName(raw.offsetMax)}`;
    return { text: 'iso-offset', timezone: `offsets in values (${range})` };
  }
  if (layout.timeFormat === 'naive' && zone) {
    const name =
      zone.zone === UTC ? 'utc' : /^[+-]/.test(zone.zone.name) ? `fixed${zone.zone.name}` : zone.zone.name;
    const note = zone.why === 'crypto' || zone.why === 'dates' ? '' : ` (${zone.why})`;
    return { text: `naive-${name}${note}`, timezone: zone.zone.name };
  }
  return { text: layout.timeFormat, timezone: 'UTC' };
}
