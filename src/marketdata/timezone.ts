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

/**
 * Zones ICU (hence Intl) still names by their old spelling; the IANA database, and the people who type them,
 * use the new one. A zone is shown as the new name, whichever spelling was given.
 */
const RENAMED: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Pacific/Truk': 'Pacific/Chuuk',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Enderbury': 'Pacific/Kanton',
};

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
    name: RENAMED[fmt.resolvedOptions().timeZone] ?? fmt.resolvedOptions().timeZone,
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
 * UTC instant of a wall-clock time in `zone`. Two passes settle the offset; a wall time inside a DST gap reads
 * with the offset after the change (02:30 on a spring-forward day in New York becomes 01:30 EST) and an
 * ambiguous one (the repeated hour) as its first occurrence. Good enough for the zone guess's sample; bar
 * rows go through wallInstants, which says when a wall time has no or two instants.
 */
export function localToUtc(zone: Zone, wallMs: number): number {
  const o1 = zone.offsetAt(wallMs);
  const u1 = wallMs - o1 * MS_PER_MINUTE;
  const o2 = zone.offsetAt(u1);
  return o2 === o1 ? u1 : wallMs - o2 * MS_PER_MINUTE;
}

/**
 * Every UTC instant at which `zone`'s clocks show `wallMs`, earliest first: one for most times, none in the
 * hour the clocks skip when DST starts, two in the hour they repeat when it ends. The candidate offsets are
 * the zone's a day before and a day after (no zone changes its offset twice within two days).
 */
export function wallInstants(zone: Zone, wallMs: number): number[] {
  const out: number[] = [];
  for (const offset of [zone.offsetAt(wallMs - MS_PER_DAY), zone.offsetAt(wallMs + MS_PER_DAY)]) {
    const utc = wallMs - offset * MS_PER_MINUTE;
    if (zone.offsetAt(utc) === offset && !out.includes(utc)) out.push(utc);
  }
  return out.sort((a, b) => a - b);
}
