/**
 * Timezones for naive timestamps: a fixed offset ('-05:00', 'UTC') or an IANA zone ('America/New_York').
 * IANA offsets come from Intl (no tz database of our own). An Intl call costs ~10 µs and a naive hourly file
 * has tens of thousands of rows, so offsets are cached per week with the transition instant found once.
 */
import { MS_PER_DAY, MS_PER_MINUTE } from '../core/calendar/civil.js';

export interface Zone {
  /** Canonical name: 'UTC', '-05:00' or the IANA name. */
  readonly name: string;
  /** Minutes east of UTC when the zone has no DST (then conversion is one subtraction), else null. */
  readonly fixedOffset: number | null;
  /** Minutes east of UTC at a UTC instant. */
  offsetAt(utcMs: number): number;
}

const WINDOW = 7 * MS_PER_DAY;

export const UTC: Zone = { name: 'UTC', fixedOffset: 0, offsetAt: () => 0 };

export function fixedZone(offsetMin: number): Zone {
  if (offsetMin === 0) return UTC;
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  const name = `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  return { name, fixedOffset: offsetMin, offsetAt: () => offsetMin };
}

function ianaZone(name: string): Zone {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const exact = (utc: number): number => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(utc)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(
      p.year ?? 1970,
      (p.month ?? 1) - 1,
      p.day ?? 1,
      p.hour ?? 0,
      p.minute ?? 0,
      p.second ?? 0,
    );
    return Math.round((wall - Math.floor(utc / 1000) * 1000) / MS_PER_MINUTE);
  };
  // Offsets are resolved per 7-day window: one Intl call per window edge, and for the rare window whose edges
  // differ, a binary search for the transition minute. (No zone changes offset twice within a week.)
  const edges = new Map<number, number>();
  const edge = (w: number): number => {
    let off = edges.get(w);
    if (off === undefined) {
      off = exact(w * WINDOW);
      edges.set(w, off);
    }
    return off;
  };
  const windows = new Map<number, { before: number; after: number; at: number }>();
  const resolve = (w: number): { before: number; after: number; at: number } => {
    const before = edge(w);
    const after = edge(w + 1);
    let at = Infinity;
    if (before !== after) {
      let lo = w * WINDOW;
      let hi = lo + WINDOW;
      while (hi - lo > MS_PER_MINUTE) {
        const mid = lo + Math.floor((hi - lo) / 2 / MS_PER_MINUTE) * MS_PER_MINUTE;
        if (exact(mid) === before) lo = mid;
        else hi = mid;
      }
      at = hi;
    }
    const win = { before, after, at };
    windows.set(w, win);
    return win;
  };
  return {
    name: fmt.resolvedOptions().timeZone,
    fixedOffset: null,
    offsetAt(utc: number): number {
      const w = Math.floor(utc / WINDOW);
      const win = windows.get(w) ?? resolve(w);
      return utc < win.at ? win.before : win.after;
    },
  };
}

const zones = new Map<string, Zone>();

/**
 * Parses a timezone spec; null when it is neither an offset nor a zone Intl knows. Accepted: 'UTC', 'Z',
 * '±HH', '±HHMM', '±HH:MM', 'UTC±H[:MM]', and IANA names.
 */
export function parseZone(spec: string): Zone | null {
  const s = spec.trim();
  const cached = zones.get(s);
  if (cached) return cached;
  let zone: Zone | null = null;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(s);
  if (/^(UTC|GMT|Z|Etc\/UTC)$/i.test(s)) zone = UTC;
  else if (m) {
    const h = Number(m[2]);
    const mi = Number(m[3] ?? 0);
    if (h <= 14 && mi < 60) zone = fixedZone((m[1] === '-' ? -1 : 1) * (h * 60 + mi));
  } else {
    try {
      zone = ianaZone(s);
    } catch {
      zone = null;
    }
  }
  if (zone) zones.set(s, zone);
  return zone;
}

/**
 * UTC instant of a wall-clock time in `zone`. Two passes settle the offset; a wall time inside a DST gap maps
 * one hour later and an ambiguous one (the repeated hour) to its first occurrence's offset guess — bar data
 * almost never has bars at 02:00 local, so this is stated rather than special-cased.
 */
export function localToUtc(zone: Zone, wallMs: number): number {
  const o1 = zone.offsetAt(wallMs);
  const u1 = wallMs - o1 * MS_PER_MINUTE;
  const o2 = zone.offsetAt(u1);
  return o2 === o1 ? u1 : wallMs - o2 * MS_PER_MINUTE;
}
