/**
 * A user-supplied calendar: a JSON document listing every session; days not listed are closed.
 *
 *   { "name": "my venue",                                   (optional)
 *     "sessions": [
 *       { "day": "2025-01-02", "open": "09:30", "close": "16:00" },                  New York wall times
 *       { "open": "2025-01-03T14:30:00Z", "close": "2025-01-03T21:00:00Z" },         ISO instants
 *       { "day": "2025-07-03", "open": "09:30", "close": "13:00", "early": true } ] }
 *
 * Validation is strict and reports every problem at once, each naming `<source> sessions[i].<field>`, the bad
 * value and the fix. Sessions may be listed in any order (they are sorted); one session per New York day and no
 * overlaps. `early` defaults to "closes before 16:00 New York".
 */
import { ValidationError, type Issue } from '../errors.js';
import type { TimeMs } from '../types.js';
import { MS_PER_DAY, MS_PER_MINUTE, daysFromCivil, daysInMonth, formatDay, parseDay } from './civil.js';
import { newYorkDay, newYorkDayNumber, wallToUtcOnDay } from './dst.js';
import { sessionTable } from './table.js';
import type { ExchangeCalendar, Session } from './types.js';

const TOP_LEVEL_KEYS = ['sessions', 'name'] as const;
const SESSION_KEYS = ['day', 'open', 'close', 'early'] as const;

const WALL_RE = /^(\d{2}):(\d{2})$/;
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

const TIME_HELP =
  'use a New York wall time "HH:MM" together with "day" (e.g. "09:30"), or an ISO instant with a zone (e.g. "2025-01-02T14:30:00Z")';

type TimeField = 'open' | 'close';

/** A time as written: a wall time still needing its day, or an absolute instant. */
type ParsedTime = { kind: 'wall'; hh: number; mm: number } | { kind: 'instant'; t: TimeMs };

interface Entry {
  index: number;
  session: Session;
  /** The open as written, for error messages. */
  rawOpen: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

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
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (!inRange(oh, 0, 23) || !inRange(om, 0, 59)) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const wall = daysFromCivil(y!, mo!, d!) * MS_PER_DAY + ((hh! * 60 + mi!) * 60 + ss) * 1000 + ms;
  return wall - offsetMinutes * MS_PER_MINUTE;
}

function parseTime(value: unknown): ParsedTime | null {
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

function isoText(t: TimeMs): string {
  return new Date(t).toISOString();
}

/** Issues for keys that are not part of the format: usually a typo ("clsoe"), which would otherwise be ignored. */
function unknownKeyIssues(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  pathOf: (key: string) => string,
): Issue[] {
  return Object.keys(obj)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({
      where: pathOf(k),
      message: `is not a known key; allowed keys are ${allowed.join(', ')} (check the spelling)`,
      value: obj[k],
    }));
}

/** The day number of an entry's "day" field: undefined when absent, null when present but invalid. */
function parseDayField(
  raw: Record<string, unknown>,
  where: string,
  issues: Issue[],
): number | null | undefined {
  if (!('day' in raw)) return undefined;
  const n = typeof raw.day === 'string' ? parseDay(raw.day) : null;
  if (n === null) {
    issues.push({
      where: `${where}.day`,
      message: 'must be a real New York date "YYYY-MM-DD", e.g. "2025-01-02"',
      value: raw.day,
    });
  }
  return n;
}

/** Parse open or close as written; null after recording an issue. */
function parseTimeField(
  raw: Record<string, unknown>,
  field: TimeField,
  where: string,
  issues: Issue[],
): ParsedTime | null {
  const parsed = parseTime(raw[field]);
  if (parsed === null) {
    issues.push({
      where: `${where}.${field}`,
      message: `is not a valid time; ${TIME_HELP}`,
      value: raw[field],
    });
  }
  return parsed;
}

function toInstant(time: ParsedTime, day: number): TimeMs {
  return time.kind === 'instant' ? time.t : wallToUtcOnDay(day, time.hh, time.mm);
}

function parseEarly(raw: Record<string, unknown>, where: string, issues: Issue[]): boolean | undefined {
  if (!('early' in raw) || typeof raw.early === 'boolean') return raw.early as boolean | undefined;
  issues.push({ where: `${where}.early`, message: 'must be true or false (or left out)', value: raw.early });
  return undefined;
}

/** Validate one element of `sessions`; returns the session, or null after recording its issues. */
function parseEntry(raw: unknown, where: string, issues: Issue[]): Session | null {
  if (!isPlainObject(raw)) {
    issues.push({
      where,
      message: 'must be an object like {"day": "2025-01-02", "open": "09:30", "close": "16:00"}',
      value: raw,
    });
    return null;
  }
  const before = issues.length;
  issues.push(...unknownKeyIssues(raw, SESSION_KEYS, (k) => `${where}.${k}`));
  const day = parseDayField(raw, where, issues);
  const openTime = parseTimeField(raw, 'open', where, issues);
  const closeTime = parseTimeField(raw, 'close', where, issues);
  const early = parseEarly(raw, where, issues);
  if (day === undefined && (openTime?.kind === 'wall' || closeTime?.kind === 'wall')) {
    issues.push({
      where: `${where}.day`,
      message: 'is required when open or close is a wall time; add "day": "YYYY-MM-DD" or give ISO instants',
      value: undefined,
    });
  }
  if (openTime === null || closeTime === null || day === null || issues.length > before) return null;
  // Without a day both times are instants (checked above); the day is then the New York date of the open.
  const dayNumber = day ?? newYorkDayNumber(toInstant(openTime, 0));
  const open = toInstant(openTime, dayNumber);
  const close = toInstant(closeTime, dayNumber);

  const openDay = newYorkDay(open);
  if (formatDay(dayNumber) !== openDay) {
    issues.push({
      where: `${where}.open`,
      message: `falls on ${openDay} in New York, not on day ${formatDay(dayNumber)}; fix the day or the instant`,
      value: raw.open,
    });
    return null;
  }
  if (close <= open) {
    issues.push({
      where: `${where}.close`,
      message: `must be after open (${String(raw.open)} = ${isoText(open)}); a session needs close > open`,
      value: raw.close,
    });
    return null;
  }
  const regularClose = wallToUtcOnDay(dayNumber, 16, 0);
  return { day: openDay, open, close, early: early ?? close < regularClose };
}

/**
 * One session per New York day: a second entry for a day is reported against the first and left out of the
 * overlap check (it would overlap its twin and report the same mistake twice).
 */
function splitDuplicates(entries: readonly Entry[], source: string, issues: Issue[]): Entry[] {
  const firstByDay = new Map<string, number>();
  const unique: Entry[] = [];
  for (const entry of entries) {
    const { index, session } = entry;
    const first = firstByDay.get(session.day);
    if (first === undefined) {
      firstByDay.set(session.day, index);
      unique.push(entry);
    } else {
      issues.push({
        where: `${source} sessions[${index}].day`,
        message: `duplicates sessions[${first}] (same New York day); list each day once`,
        value: session.day,
      });
    }
  }
  return unique;
}

/** Sessions sorted by open must not overlap: [open, close) of one must end before the next opens. */
function overlapIssues(sorted: readonly Entry[], source: string): Issue[] {
  const issues: Issue[] = [];
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    const cur = sorted[k]!;
    if (cur.session.open < prev.session.close) {
      issues.push({
        where: `${source} sessions[${cur.index}].open`,
        message:
          `opens at ${isoText(cur.session.open)}, before sessions[${prev.index}] (${prev.session.day}) ` +
          `closes at ${isoText(prev.session.close)}; sessions must not overlap`,
        value: cur.rawOpen,
      });
    }
  }
  return issues;
}

function documentIssues(json: unknown, source: string): Issue[] {
  if (!isPlainObject(json)) {
    return [
      {
        where: source,
        message:
          'must be an object like {"sessions": [{"day": "2025-01-02", "open": "09:30", "close": "16:00"}]}',
        value: json,
      },
    ];
  }
  const issues = unknownKeyIssues(json, TOP_LEVEL_KEYS, (k) => `${source} ${k}`);
  if ('name' in json && (typeof json.name !== 'string' || json.name.trim() === '')) {
    issues.push({
      where: `${source} name`,
      message: 'must be a non-empty string (or left out)',
      value: json.name,
    });
  }
  if (!Array.isArray(json.sessions) || json.sessions.length === 0) {
    issues.push({
      where: `${source} sessions`,
      message: 'must be a non-empty array of sessions; days not listed are closed',
      value: json.sessions,
    });
  }
  return issues;
}

/**
 * Build a calendar from a user's JSON document (already parsed). `source` names the file in error messages.
 * Throws ValidationError listing every problem.
 */
export function calendarFromSessions(json: unknown, source = 'calendar'): ExchangeCalendar {
  const title = `Invalid calendar sessions in ${source}`;
  const docIssues = documentIssues(json, source);
  if (docIssues.length > 0) throw new ValidationError(title, docIssues);
  const doc = json as { sessions: unknown[]; name?: string };

  const issues: Issue[] = [];
  const entries: Entry[] = [];
  doc.sessions.forEach((raw, index) => {
    const session = parseEntry(raw, `${source} sessions[${index}]`, issues);
    if (session) entries.push({ index, session, rawOpen: isPlainObject(raw) ? raw.open : undefined });
  });
  const sorted = splitDuplicates(entries, source, issues).sort((a, b) => a.session.open - b.session.open);
  issues.push(...overlapIssues(sorted, source));
  if (issues.length > 0) throw new ValidationError(title, issues);

  const sessions = sorted.map((e) => e.session);
  const days = sessions.map((s) => s.day).sort();
  return sessionTable(doc.name ?? source, sessions, days[0]!, days[days.length - 1]!);
}
