/**
 * Which timezone a naive intraday *stock* file was written in. Naive times carry no offset, and US stock bars
 * are the one case with a strong signal: trading happens in the New York regular session 09:30–16:00. For each
 * candidate zone we convert a sample of bar open times to New York wall time and count how many fall inside
 * the session; the best candidate wins if it explains ≥ 90 % of bars, otherwise UTC is assumed (and the layout
 * string says so). Near-ties go to the candidate that puts most bars exactly on the 09:30 opening bell.
 *
 * Why this is needed (ibkr-tsla-economiaunmsm/PROVENANCE.md): TSLA_1h.csv is naive time of a TWS running at a
 * fixed UTC-5 all year (America/Lima). Its first bar is 09:30 in winter but 08:30 in summer. Read as UTC it
 * lands at 04:30 ET (0 % in session); read as New York local the summer 08:30/09:00 bars fall before the open
 * (~81 %); read as Chicago the winter 15:00 bars fall after the close (~95 %); only the fixed −05:00 reading puts
 * every bar inside the session (100 %). Conversely a New York local file scores 100 % as America/New_York and
 * less as −05:00 (its summer 15:30 bar would become 16:30 ET). Ties keep the earlier candidate, so a
 * winter-only file is read as New York rather than as a fixed offset.
 *
 * Crypto trades 24/7, so its naive times carry no session signal: the caller reads them as UTC (what Binance
 * and most exchange dumps write) without asking here.
 */
import { MS_PER_DAY, MS_PER_MINUTE } from '../core/calendar/civil.js';
import { UTC, fixedZone, localToUtc, parseZone, type Zone } from './timezone.js';

const SESSION_OPEN_MIN = 9 * 60 + 30;
const SESSION_CLOSE_MIN = 16 * 60;
const MIN_FIT = 0.9;
// Enough bars to cover every season of a multi-year file; the candidate loop costs SAMPLE x candidates.
const SAMPLE = 1500;
const MIN_DAYS = 10;

/** DST zones first (a DST zone and its winter offset tie on winter-only data), then whole-hour offsets. */
function candidates(): Zone[] {
  const list: Zone[] = [UTC];
  for (const name of ['America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Europe/London']) {
    const z = parseZone(name);
    if (z) list.push(z);
  }
  for (let h = -12; h <= 14; h++) if (h !== 0) list.push(fixedZone(h * 60));
  return list;
}

export interface ZoneGuess {
  zone: Zone;
  /** Short reason for the layout string, e.g. 'session-fit 100%'. */
  why: string;
}

/** `wall` holds naive wall-clock times (epoch ms as if UTC) of the first `n` bars. */
export function guessStockZone(wall: Float64Array, n: number): ZoneGuess {
  const step = Math.max(1, Math.floor(n / SAMPLE));
  const sample: number[] = [];
  for (let i = 0; i < n; i += step) sample.push(wall[i] as number);
  if (!sample.some((t) => t % MS_PER_DAY !== 0)) return { zone: UTC, why: 'dates' };
  // One day's bars fit inside a 6.5-hour session under many offsets; only a pattern repeated over many days
  // (and, to tell DST from fixed offsets, over both seasons) is evidence.
  const days = new Set(sample.map((t) => Math.floor(t / MS_PER_DAY))).size;
  if (days < MIN_DAYS)
    return { zone: UTC, why: `assumed (only ${days} day${days === 1 ? '' : 's'} of bars)` };
  const ny = parseZone('America/New_York');
  if (!ny) return { zone: UTC, why: 'assumed (no tz data)' };
  // Primary score: share of bars inside the session. Tie-break (within half a percent): share of bars that
  // open exactly at 09:30 ET, since a session-shaped file puts its first bar of the day on the opening bell;
  // e.g. a file whose bars all sit inside 10:00-15:00 fits two neighbouring offsets equally well.
  const scores = candidates().map((zone) => {
    let inside = 0;
    let atOpen = 0;
    for (const t of sample) {
      const utc = localToUtc(zone, t);
      const nyWall = utc + ny.offsetAt(utc) * MS_PER_MINUTE;
      const minute = (((nyWall % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_MINUTE;
      if (minute >= SESSION_OPEN_MIN && minute < SESSION_CLOSE_MIN) inside++;
      if (minute === SESSION_OPEN_MIN) atOpen++;
    }
    return { zone, fit: inside / sample.length, atOpen: atOpen / sample.length };
  });
  const bestFit = Math.max(...scores.map((s) => s.fit));
  let best = scores[0] as (typeof scores)[number];
  for (const s of scores) {
    if (s.fit < bestFit - 0.005) continue;
    if (best.fit < bestFit - 0.005 || s.atOpen > best.atOpen) best = s;
  }
  const pct = `${Math.round(best.fit * 100)}%`;
  if (best.fit < MIN_FIT) return { zone: UTC, why: `assumed (best session fit ${pct} as ${best.zone.name})` };
  return { zone: best.zone, why: `session-fit ${pct}` };
}
