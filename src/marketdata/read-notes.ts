/**
 * What a command says about how it read each bar file, beside the gaps: the bar length, how the times were
 * read (the zone of naive times and why), a missing volume column, bars off the file's time grid (notes,
 * hidden by --quiet like the gaps), and what could make a run mislead without a word (warnings, said with
 * --quiet too): a zone of naive stock times assumed without evidence, and a bar length other than the one
 * the file's name gives. A file read in the wrong zone or at the wrong bar length still simulates; only these
 * lines tell the user.
 */
import { basename, extname } from 'node:path';
import { MS_PER_MINUTE } from '../core/calendar/civil.js';
import { newYorkOffsetMinutes } from '../core/calendar/dst.js';
import { timeframeName } from './timeframe.js';
import { isDailySpacing } from './daily.js';
import { isoUtc } from './timeparse.js';
import { parseZone } from './timezone.js';
import type { LoadResult, ReadInfo } from './types.js';
import { poorGivenZone } from './zoneguess.js';
import { weekendWarning } from './weekend-check.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Off-grid bars listed on the console per file; the rest are counted. */
const SHOWN = 3;

const EPOCH: Record<string, string> = {
  'epoch-s': 'epoch seconds',
  'epoch-ms': 'epoch milliseconds',
  'epoch-us': 'epoch microseconds',
  'epoch-ns': 'epoch nanoseconds',
};

function barLength(intervalMs: number): string {
  return intervalMs > 0 ? `${timeframeName(intervalMs)} bars` : 'one bar';
}

function zoneText(zone: NonNullable<ReadInfo['zone']>): string {
  const fixed = /^[+-]/.test(zone.name)
    ? `the fixed offset ${zone.name} (no daylight saving time)`
    : zone.name;
  switch (zone.how) {
    case 'given':
      return `naive times read as ${fixed} (given)`;
    case 'crypto':
      return 'naive times read as UTC (crypto trades around the clock: no session to tell a zone by)';
    case 'dates':
      return 'dates without times';
    case 'assumed':
      return `naive times read as UTC by assumption (${zone.detail})`;
    case 'detected':
      return `naive times read as ${fixed} (${zone.detail})`;
  }
}

function timesText(l: LoadResult, read: ReadInfo): string {
  if (read.zone) return zoneText(read.zone);
  if (read.timeFormat === 'iso')
    return `times with UTC offsets (${l.series.source.timezone.replace(/^offsets in values \((.*)\)$/, '$1')})`;
  return `times in ${EPOCH[read.timeFormat] ?? read.timeFormat} (UTC)`;
}

function volumeText(read: ReadInfo): string {
  if (read.volumeColumn !== null) return '';
  const unused = read.unusedColumns.length ? `; columns not used: ${read.unusedColumns.join(', ')}` : '';
  return `, no volume column (volume 0 on every bar; the simulation does not use volume${unused})`;
}

/** The bar length a file's name gives ('SOLUSDT_1h.csv' 1h, 'XBTUSD_60.csv' 60 minutes, 'SPY_hourly'), or null. */
export function namedBarLength(path: string): number | null {
  const tokens = basename(path, extname(path)).split(/[_\-\s.]+/);
  let found: number | null = null;
  for (const t of tokens) {
    const m = /^(\d+)(m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|wk|week|weeks)$/i.exec(t);
    let ms: number | null = null;
    if (m && !(m[2] === 'M')) {
      // 'M' alone is a month in exchange timeframes ('1M'), never a minute.
      const unit = (m[2] as string).toLowerCase();
      const per = unit.startsWith('m')
        ? 60_000
        : unit.startsWith('h')
          ? HOUR
          : unit.startsWith('d')
            ? DAY
            : 7 * DAY;
      ms = Number(m[1]) * per;
    } else if (/^hourly$/i.test(t)) ms = HOUR;
    else if (/^daily$/i.test(t)) ms = DAY;
    else if (/^weekly$/i.test(t)) ms = 7 * DAY;
    // Kraken names its OHLCVT files by minutes: XBTUSD_60.csv, ETHUSD_1440.csv.
    else if (/^(1|5|15|30|60|240|720|1440|10080)$/.test(t)) ms = Number(t) * 60_000;
    if (ms !== null && ms > 0) found = ms;
  }
  return found;
}

function nameWarning(l: LoadResult): string[] {
  const s = l.series;
  const named = namedBarLength(s.source.path);
  if (named === null || s.intervalMs <= 0 || named === s.intervalMs) return [];
  if (named === DAY && isDailySpacing(s.intervalMs)) return [];
  return [
    `warning: ${s.symbol}: ${s.source.path} holds ${barLength(s.intervalMs)} (the usual spacing of its bars), but its name says ${timeframeName(named)}: the run uses ${barLength(s.intervalMs)}; check that it is the file you meant.`,
  ];
}

function assumedZoneWarning(l: LoadResult): string[] {
  const zone = l.read?.zone;
  if (zone?.how !== 'assumed') return [];
  return [
    `warning: ${l.series.symbol}: the naive times of ${l.series.source.path} are read as UTC by assumption (${zone.detail}); if the file was written in another zone its bars are hours off: pass --timezone.`,
  ];
}

/**
 * A zone given for naive stock times (--timezone) under which the bars fit the New York session far worse
 * than under another zone: the run keeps the given zone (the user said so), and says which fits better.
 */
function givenZoneWarning(l: LoadResult): string[] {
  const zone = l.read?.zone;
  const s = l.series;
  if (zone?.how !== 'given' || s.assetClass !== 'stock' || !(s.intervalMs > 0 && s.intervalMs < DAY / 2))
    return [];
  const given = parseZone(zone.name);
  const poor = given && poorGivenZone(given, s.time);
  if (!poor) return [];
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  return [
    `warning: ${s.symbol}: the naive times of ${s.source.path} are read as ${zone.name} (given), which puts ${pct(poor.given)} of bars in the New York ${poor.window}; ${poor.better.name} puts ${pct(poor.better.fit)} there. The run uses ${zone.name} as given; if the file was written in ${poor.better.name}, pass --timezone ${poor.better.name}.`,
  ];
}

/**
 * The period of the grid bars are expected to start on: a crypto bar on multiples of its length (UTC); a
 * stock bar of a day or less on the hour or its divisor (daylight saving time moves a New York session an
 * hour against UTC, so a 2-hour grid in New York is not one in UTC). Null: no grid to check (daily stocks are
 * placed in their sessions, longer bars follow the calendar).
 */
function gridPeriod(l: LoadResult): number | null {
  const { intervalMs, assetClass } = l.series;
  if (!(intervalMs > 0)) return null;
  if (assetClass === 'crypto') return intervalMs <= DAY ? intervalMs : null;
  if (intervalMs >= DAY / 2) return null;
  let a = intervalMs;
  let b = HOUR;
  while (b) [a, b] = [b, a % b];
  return a;
}

function phaseText(phase: number, period: number): string {
  const hh = String(Math.floor(phase / HOUR)).padStart(2, '0');
  const mm = String(Math.floor((phase % HOUR) / 60_000)).padStart(2, '0');
  return period <= HOUR ? `:${mm} past the hour` : `${hh}:${mm} UTC`;
}

const OPENING_BELL_MIN = 9 * 60 + 30;

/**
 * A stock bar that starts at the 09:30 New York open belongs to the session's own grid: IBKR writes each
 * day's first hourly bar as 09:30-10:00 and the rest on the hour (TSLA_1h.csv).
 */
function atOpeningBell(t: number): boolean {
  const wall = t + newYorkOffsetMinutes(t) * MS_PER_MINUTE;
  return (((wall % DAY) + DAY) % DAY) / MS_PER_MINUTE === OPENING_BELL_MIN;
}

/**
 * Each bar's start modulo the grid period. This runs over every bar of every file a command loads, and a
 * modulo of an epoch time is slow: a bar one period after the last has the last one's phase.
 */
function phasesOf(time: Float64Array, period: number): Float64Array {
  const phases = new Float64Array(time.length);
  for (let i = 0; i < time.length; i++) {
    const t = time[i] as number;
    phases[i] =
      i > 0 && t - (time[i - 1] as number) === period
        ? (phases[i - 1] as number)
        : ((t % period) + period) % period;
  }
  return phases;
}

/**
 * The phase most bars start at, or null when every bar starts at one phase. A majority vote and one count
 * find the usual case (most bars on the grid) without a map entry per bar; only a file with no majority
 * phase counts them all, keeping the first of equal counts.
 */
function mostCommonPhase(phases: Float64Array): number | null {
  let candidate = 0;
  let votes = 0;
  for (let i = 0; i < phases.length; i++) {
    if (votes === 0) candidate = phases[i] as number;
    votes += phases[i] === candidate ? 1 : -1;
  }
  let count = 0;
  for (let i = 0; i < phases.length; i++) if (phases[i] === candidate) count++;
  if (count === phases.length) return null;
  if (count * 2 > phases.length) return candidate;
  const counts = new Map<number, number>();
  for (let i = 0; i < phases.length; i++) {
    const p = phases[i] as number;
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  let phase = 0;
  let most = -1;
  for (const [p, c] of counts) if (c > most) [phase, most] = [p, c];
  return phase;
}

/** Bars that start off the grid most of the file's bars start on (a 20:30 bar in an hourly file). */
function offGridLine(l: LoadResult): string[] {
  const period = gridPeriod(l);
  if (period === null) return [];
  const time = l.series.time;
  const phases = phasesOf(time, period);
  const phase = mostCommonPhase(phases);
  if (phase === null) return [];
  const off: number[] = [];
  const stock = l.series.assetClass === 'stock';
  for (let i = 0; i < time.length; i++) {
    const t = time[i] as number;
    if (phases[i] !== phase && !(stock && atOpeningBell(t))) off.push(t);
  }
  if (off.length === 0) return [];
  const shown = off.slice(0, SHOWN).map(isoUtc).join(', ');
  const more = off.length > SHOWN ? ` and ${off.length - SHOWN} more` : '';
  return [
    `off-grid: ${l.series.symbol} has ${off.length} bar${off.length === 1 ? '' : 's'} off its ${timeframeName(l.series.intervalMs)} grid (the others start at ${phaseText(phase, period)}): ${shown}${more}`,
  ];
}

/**
 * One `read:` line per group of files read alike (the bar length, the times, the volume), then off-grid
 * bars (notes); a zone assumed without evidence and a bar length the file name contradicts (warnings).
 */
export function readLines(loaded: readonly LoadResult[]): { notes: string[]; warnings: string[] } {
  const groups = new Map<string, string[]>();
  for (const l of loaded) {
    if (!l.read) continue;
    const text = `${barLength(l.series.intervalMs)}, ${timesText(l, l.read)}${volumeText(l.read)}`;
    const symbols = groups.get(text);
    if (symbols) symbols.push(l.series.symbol);
    else groups.set(text, [l.series.symbol]);
  }
  return {
    notes: [
      ...[...groups].map(([text, symbols]) => `read: ${symbols.join(', ')}: ${text}`),
      ...loaded.flatMap(offGridLine),
    ],
    warnings: loaded.flatMap((l) => [
      ...assumedZoneWarning(l),
      ...givenZoneWarning(l),
      ...weekendWarning(l),
      ...nameWarning(l),
    ]),
  };
}
