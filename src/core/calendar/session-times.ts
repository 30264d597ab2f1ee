/**
 * The times of a sessions file (override.ts): a New York wall time "HH:MM" that takes its session's day, or
 * an ISO-8601 instant with a zone. Parsing is strict (no roll-over of 2025-02-30 or 24:00), and a wall time
 * that daylight saving time skips or repeats on its day is refused rather than resolved by a silent choice.
 */
import type { TimeMs } from '../types.js';
import { MS_PER_DAY, MS_PER_MINUTE, daysFromCivil, daysInMonth, formatDay } from './civil.js';
import { wallTimeOccurrences, wallToUtcOnDay } from './dst.js';

const WALL_RE = /^(\d{2}):(\d{2})$/;
// `i`: the `T` and `Z` may be lower case, as RFC 3339 §5.6 allows (the only letters the pattern has).
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

export const TIME_HELP =
  'use a New York wall time "HH:MM" together with "day" (e.g. "09:30"), or an ISO instant with a zone (e.g. "2025-01-02T14:30:00Z")';

/** A time as written: a wall time still needing its day, or an absolute instant. */
export type ParsedTime = { kind: 'wall'; hh: number; mm: number } | { kind: 'instant'; t: TimeMs };

function inRange(v: number, lo: number, hi: number): boolean {
  return v >= lo && v <= hi;
}

/** Strict ISO-8601 instant with a zone designator; no silent roll-over of 2025-02-30 or 24:00. */
function parseIsoInstant(text: string): TimeMs | null {
  const m = ISO_RE.exec(text);
  if (!m) return null;
  const [y, mo, d, hh, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const ss = Number(m[6] ?? 0);
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  if (!inRange(mo!, 1, 12) || !inRange(d!, 1, daysInMonth(y!, mo!))) return null;
  if (!inRange(hh!, 0, 23) || !inRange(mi!, 0, 59) || !inRange(ss, 0, 59)) return null;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (!inRange(oh, 0, 23) || !inRange(om, 0, 59)) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const wall = daysFromCivil(y!, mo!, d!) * MS_PER_DAY + ((hh! * 60 + mi!) * 60 + ss) * 1000 + ms;
  return wall - offsetMinutes * MS_PER_MINUTE;
}

/** A time as written in the file, or null when it is neither form. */
export function parseTime(value: unknown): ParsedTime | null {
  if (typeof value !== 'string') return null;
  const wall = WALL_RE.exec(value);
  if (wall) {
    const hh = Number(wall[1]);
    const mm = Number(wall[2]);
    return inRange(hh, 0, 23) && inRange(mm, 0, 59) ? { kind: 'wall', hh, mm } : null;
  }
  const t = parseIsoInstant(value);
  return t === null ? null : { kind: 'instant', t };
}

/** The instant of a time on its session's New York day (a number of days since 1970-01-01). */
export function toInstant(time: ParsedTime, day: number): TimeMs {
  return time.kind === 'instant' ? time.t : wallToUtcOnDay(day, time.hh, time.mm);
}

const two = (v: number): string => String(v).padStart(2, '0');

/**
 * What is wrong with a wall time on its day, or null: 02:30 on a spring-forward Sunday does not exist (it
 * would be taken as 03:30 daylight time), and 01:30 on a fall-back Sunday names two instants an hour apart.
 */
export function wallTimeProblem(time: ParsedTime, day: number): string | null {
  if (time.kind !== 'wall') return null;
  const occurs = wallTimeOccurrences(day, time.hh, time.mm);
  if (occurs === 'once') return null;
  const date = formatDay(day);
  const hhmm = `${two(time.hh)}:${two(time.mm)}`;
  if (occurs === 'skipped')
    return `${hhmm} does not exist on ${date} in New York: clocks jump from 02:00 to 03:00 when daylight saving time starts; use a time before 02:00 or from 03:00, or an ISO instant with its offset`;
  return (
    `${hhmm} occurs twice on ${date} in New York (clocks fall back from 02:00 to 01:00 when daylight saving time ends), so it names two instants; ` +
    `give an ISO instant with its offset: "${date}T${hhmm}:00-04:00" (the first, daylight time) or "${date}T${hhmm}:00-05:00" (the second)`
  );
}
