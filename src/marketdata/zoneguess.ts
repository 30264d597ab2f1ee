/**
 * Which timezone a naive intraday *stock* file was written in. Naive times carry no offset, and US stock bars
 * are the one case with a strong signal: trading happens in the New York regular session 09:30–16:00. For each
 * candidate zone we convert a sample of bar open times to New York wall time and count how many fall inside
 * the session; the best candidate wins if it explains ≥ 90 % of bars. Near-ties go to the candidate that puts
 * most bars exactly on the 09:30 opening bell.
 *
 * Why this is needed (ibkr-tsla-economiaunmsm/PROVENANCE.md): TSLA_1h.csv is naive time of a TWS running at a
 * fixed UTC-5 all year (America/Lima). Its first bar is 09:30 in winter but 08:30 in summer. Read as UTC it
 * lands at 04:30 ET (0 % in session); read as New York local the summer 08:30/09:00 bars fall before the open
 * (~81 %); read as Chicago the winter 15:00 bars fall after the close (~95 %); only the fixed −05:00 reading puts
 * every bar inside the session (100 %). Conversely a New York local file scores 100 % as America/New_York and
 * less as −05:00 (its summer 15:30 bar would become 16:30 ET). Ties keep the earlier candidate, so a
 * winter-only file is read as New York rather than as a fixed offset.
 *
 * A file with pre- and after-market bars (04:00–20:00 New York) fits no zone's regular session: it is read in
 * the one zone that puts every bar inside the extended session, when exactly one does. Otherwise the zone is
 * not guessed: a file read an hour or five off gives a wrong simulation that looks right, so the caller
 * refuses it and asks for the zone, naming the fits seen (`weakFit`). So does a fixed offset that fits on
 * most days while the other days fit the offset an hour away: the file's clock changes for daylight saving
 * time in a zone not tried, and the fixed reading would put a season's bars an hour off.
 *
 * Crypto trades 24/7, so its naive times carry no session signal: the caller reads them as UTC (what Binance
 * and most exchange dumps write) without asking here.
 */
import { MS_PER_DAY, MS_PER_MINUTE } from '../core/calendar/civil.js';
import { UTC, fixedZone, localToUtc, parseZone, type Zone } from './timezone.js';

/** New York wall-clock windows, minutes after midnight: [open, close). */
const REGULAR = { open: 9 * 60 + 30, close: 16 * 60, name: 'regular session 09:30–16:00' };
const EXTENDED = { open: 4 * 60, close: 20 * 60, name: 'extended session 04:00–20:00' };
type Window = typeof REGULAR;
const MIN_FIT = 0.9;
/** The extended window is wide: a reading must put (nearly) every bar inside it, and no other reading may. */
const EXTENDED_FIT = 0.98;
const EXTENDED_MARGIN = 0.02;
// Enough bars to cover every season of a multi-year file; the candidate loop costs SAMPLE x candidates.
const SAMPLE = 1500;
const MIN_DAYS = 10;
/**
 * Days that fit only an hour away from the reading: this many (and this share of the days) is a clock that
 * changes for daylight saving time on other dates; fewer are a vendor's glitch, not a zone.
 */
const DST_DAYS = 3;
const DST_SHARE = 0.01;
/** A given zone that puts fewer bars than this in the session, where another zone fits, is warned about. */
const POOR_GIVEN = 0.5;
/** Zones named as fitting exactly as well as the one chosen. */
const TIES_SHOWN = 3;

/**
 * DST zones first (a DST zone and its winter offset tie on winter-only data), then whole-hour offsets. The
 * zones are the US ones, and the European and Australian rules (Berlin stands for Central European time).
 */
export const DST_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Helsinki',
  'Australia/Sydney',
];

function candidates(): Zone[] {
  const list: Zone[] = [UTC];
  for (const name of DST_ZONES) {
    const z = parseZone(name);
    if (z) list.push(z);
  }
  for (let h = -12; h <= 14; h++) if (h !== 0) list.push(fixedZone(h * 60));
  return list;
}

export interface ZoneGuess {
  /** Null when no zone fits well enough to be trusted: the caller refuses the file (weakFit says why). */
  zone: Zone | null;
  /** 'detected' from the session fit, 'assumed' (UTC, too little to tell by), or 'dates' (daily bars). */
  how: 'detected' | 'assumed' | 'dates';
  /** Short reason for the layout string, e.g. 'session-fit 100%'. */
  why: string;
  /** For people: the evidence, e.g. '100% of bars in the New York regular session 09:30–16:00; next best …'. */
  detail: string;
}

interface Score {
  zone: Zone;
  fit: number;
  atOpen: number;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** Minute of the New York day at which the naive time `t` falls when read in `zone`. */
function nyMinute(zone: Zone, ny: Zone, t: number): number {
  const utc = localToUtc(zone, t);
  const nyWall = utc + ny.offsetAt(utc) * MS_PER_MINUTE;
  return (((nyWall % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_MINUTE;
}

function score(zone: Zone, ny: Zone, sample: number[], w: Window): Score {
  let inside = 0;
  let atOpen = 0;
  for (const t of sample) {
    const minute = nyMinute(zone, ny, t);
    if (minute >= w.open && minute < w.close) inside++;
    if (minute === w.open) atOpen++;
  }
  return { zone, fit: inside / sample.length, atOpen: atOpen / sample.length };
}

/** Two readings that give every sampled bar the same instant are one reading (a DST zone on winter data). */
function sameReading(a: Zone, b: Zone, sample: number[]): boolean {
  return sample.every((t) => localToUtc(a, t) === localToUtc(b, t));
}

/** The best few readings (other than `besides`) that differ on this data, for messages: 'America/Chicago 95%'. */
function others(scores: Score[], besides: Zone[], sample: number[], count: number): string {
  const shown: Zone[] = [...besides];
  const out: string[] = [];
  for (const s of [...scores].sort((a, b) => b.fit - a.fit)) {
    if (out.length === count) break;
    if (shown.some((z) => sameReading(z, s.zone, sample))) continue;
    shown.push(s.zone);
    out.push(`${s.zone.name} ${pct(s.fit)}`);
  }
  return out.join(', ');
}

/**
 * Days (by naive date) with sampled bars outside the window when read in `zone` and all of them inside it
 * when read an hour earlier or later: a clock that changes for daylight saving time on other dates than
 * `zone`'s (or at all, for a fixed offset). Returns the offset of those days ('+01:00') when they are many,
 * else null. A day with a stray bar (a 16:00 print) does not count: an hour's shift moves its other bars out.
 */
function daylightSavingClock(zone: Zone, ny: Zone, sample: number[], w: Window): string | null {
  const byDay = new Map<number, number[]>();
  for (const t of sample) {
    const day = Math.floor(t / MS_PER_DAY);
    const list = byDay.get(day);
    if (list) list.push(t);
    else byDay.set(day, [t]);
  }
  const inside = (t: number, shiftMin: number): boolean => {
    const utc = localToUtc(zone, t) - shiftMin * MS_PER_MINUTE;
    const nyWall = utc + ny.offsetAt(utc) * MS_PER_MINUTE;
    const m = (((nyWall % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_MINUTE;
    return m >= w.open && m < w.close;
  };
  for (const shift of [-60, 60]) {
    let days = 0;
    let offset = 0;
    for (const bars of byDay.values()) {
      if (bars.some((t) => !inside(t, 0)) && bars.every((t) => inside(t, shift))) {
        days++;
        const t = bars[0] as number;
        offset = Math.round((t - localToUtc(zone, t)) / MS_PER_MINUTE) + shift;
      }
    }
    if (days >= DST_DAYS && days >= byDay.size * DST_SHARE) return fixedZone(offset).name;
  }
  return null;
}

/** The reading of the best score, or why none can be trusted. */
function pick(scores: Score[], ny: Zone, sample: number[], w: Window, tag: string): ZoneGuess {
  const bestFit = Math.max(...scores.map((s) => s.fit));
  let best = scores[0] as Score;
  for (const s of scores) {
    if (s.fit < bestFit - 0.005) continue;
    if (best.fit < bestFit - 0.005 || s.atOpen > best.atOpen) best = s;
  }
  const where = `${pct(best.fit)} of bars in the New York ${w.name}`;
  // Exact ties are said: a summer-only file read as America/Chicago fits the fixed -05:00 as well.
  const ties = scores.filter((s) => s.zone !== best.zone && s.fit === best.fit).slice(0, TIES_SHOWN);
  const tied = ties.length
    ? `; ${ties.map((s) => s.zone.name).join(' and ')} fit${ties.length === 1 ? 's' : ''} ${pct(best.fit)} too`
    : '';
  const next = others(scores, [best.zone, ...ties.map((s) => s.zone)], sample, 2);
  const dst = daylightSavingClock(best.zone, ny, sample, w);
  if (dst) {
    return {
      zone: null,
      how: 'detected',
      why: '',
      detail: `read as ${best.zone.name}, ${where}, but whole days of bars fit only an hour away (at ${dst === 'UTC' ? '+00:00' : dst}): the file's clock changes for daylight saving time on dates no zone tried has (best: ${others(scores, [], sample, 3)})`,
    };
  }
  return {
    zone: best.zone,
    how: 'detected',
    why: `${tag} ${pct(best.fit)}`,
    detail: `${where}${tied}${next ? `; next best ${next}` : ''}`,
  };
}

/** `wall` holds naive wall-clock times (epoch ms as if UTC) of the first `n` bars. */
export function guessStockZone(wall: Float64Array, n: number): ZoneGuess {
  const step = Math.max(1, Math.floor(n / SAMPLE));
  const sample: number[] = [];
  for (let i = 0; i < n; i += step) sample.push(wall[i] as number);
  if (!sample.some((t) => t % MS_PER_DAY !== 0)) return { zone: UTC, how: 'dates', why: 'dates', detail: '' };
  // One day's bars fit inside a 6.5-hour session under many offsets; only a pattern repeated over many days
  // (and, to tell DST from fixed offsets, over both seasons) is evidence.
  const days = new Set(sample.map((t) => Math.floor(t / MS_PER_DAY))).size;
  const few = `only ${days} day${days === 1 ? '' : 's'} of bars`;
  if (days < MIN_DAYS)
    return {
      zone: UTC,
      how: 'assumed',
      why: `assumed (${few})`,
      detail: `${few}, too few to tell the zone by`,
    };
  const ny = parseZone('America/New_York');
  if (!ny) return { zone: UTC, how: 'assumed', why: 'assumed (no tz data)', detail: 'no timezone data' };
  // Primary score: share of bars inside the session. Tie-break (within half a percent): share of bars that
  // open exactly at 09:30 ET, since a session-shaped file puts its first bar of the day on the opening bell;
  // e.g. a file whose bars all sit inside 10:00-15:00 fits two neighbouring offsets equally well.
  const zones = candidates();
  const regular = zones.map((zone) => score(zone, ny, sample, REGULAR));
  if (Math.max(...regular.map((s) => s.fit)) >= MIN_FIT)
    return pick(regular, ny, sample, REGULAR, 'session-fit');
  const extended = zones.map((zone) => score(zone, ny, sample, EXTENDED));
  const byExtended = pick(extended, ny, sample, EXTENDED, 'extended-session-fit');
  const winner = byExtended.zone;
  const bestExtended = Math.max(...extended.map((s) => s.fit));
  const unique =
    winner !== null &&
    bestExtended >= EXTENDED_FIT &&
    extended.every((s) => s.fit <= bestExtended - EXTENDED_MARGIN || sameReading(s.zone, winner, sample));
  if (unique) return byExtended;
  return {
    zone: null,
    how: 'detected',
    why: '',
    detail:
      byExtended.zone === null
        ? byExtended.detail
        : `no zone tried puts ${pct(MIN_FIT)} of bars in the New York ${REGULAR.name} (best: ${others(regular, [], sample, 3)}) or, alone, all of them in the ${EXTENDED.name} (best: ${others(extended, [], sample, 3)})`,
  };
}

export interface GivenZoneFit {
  /** The session the fits are of: 'regular session 09:30–16:00' or the extended one. */
  window: string;
  given: number;
  /** The best zone tried (by its name) and its fit, when it is far better than the given zone's. */
  better: { name: string; fit: number };
}

/**
 * A zone the user gave for naive stock times, checked against the zones the guess tries: the given zone's
 * share of bars in the New York session when another zone fits far better (the given one under half, the
 * other 90% or more; of the regular session, else of the extended one), else null. `utc` holds the bar times
 * as read (in the given zone); too few days say nothing.
 */
export function poorGivenZone(given: Zone, utc: Float64Array): GivenZoneFit | null {
  const ny = parseZone('America/New_York');
  if (!ny || utc.length === 0) return null;
  const step = Math.max(1, Math.floor(utc.length / SAMPLE));
  const sample: number[] = [];
  for (let i = 0; i < utc.length; i += step) {
    const t = utc[i] as number;
    sample.push(t + given.offsetAt(t) * MS_PER_MINUTE);
  }
  if (new Set(sample.map((t) => Math.floor(t / MS_PER_DAY))).size < MIN_DAYS) return null;
  const zones = candidates();
  for (const w of [REGULAR, EXTENDED]) {
    const best = zones.map((z) => score(z, ny, sample, w)).sort((a, b) => b.fit - a.fit)[0] as Score;
    if (best.fit < MIN_FIT) continue;
    const fit = score(given, ny, sample, w).fit;
    if (fit >= POOR_GIVEN || sameReading(best.zone, given, sample)) return null;
    return { window: w.name, given: fit, better: { name: best.zone.name, fit: best.fit } };
  }
  return null;
}
