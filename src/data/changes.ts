/**
 * What an import does to the store file it replaces, bar by bar: bars added, bars whose values changed, bars
 * deleted and bars left as they were. `data import` says it in one line, so an identical re-import reads
 * `unchanged`, a corrected copy names its first changed bar, and `--replace` says how many bars it deleted;
 * the deleted count is also what refuses an import that would lose stored bars.
 */
import type { Columns } from './canonical.js';

const FIELDS = ['close', 'open', 'high', 'low', 'volume'] as const;

export interface BarChanges {
  added: number;
  changed: number;
  deleted: number;
  unchanged: number;
  /** Deleted bars outside the new file's range (an import of 2024 over 2020-2023). */
  deletedOutside: number;
  firstDeleted: number | null;
  /** The first bar with a different value: its time and one field that differs (close when it does). */
  firstChange: { time: number; field: (typeof FIELDS)[number]; from: number; to: number } | null;
}

/** Compares two canonical series (each ascending, one bar per time) bar by bar. */
export function barChanges(stored: Columns, next: Columns): BarChanges {
  const out: BarChanges = {
    added: 0,
    changed: 0,
    deleted: 0,
    unchanged: 0,
    deletedOutside: 0,
    firstDeleted: null,
    firstChange: null,
  };
  const lo = next.time.length ? (next.time[0] as number) : Infinity;
  const hi = next.time.length ? (next.time[next.time.length - 1] as number) : -Infinity;
  let i = 0;
  let j = 0;
  while (i < stored.time.length || j < next.time.length) {
    const s = i < stored.time.length ? (stored.time[i] as number) : Infinity;
    const n = j < next.time.length ? (next.time[j] as number) : Infinity;
    if (n < s) {
      out.added++;
      j++;
    } else if (s < n) {
      out.deleted++;
      out.firstDeleted ??= s;
      if (s < lo || s > hi) out.deletedOutside++;
      i++;
    } else {
      const field = FIELDS.find((f) => stored[f][i] !== next[f][j]);
      if (field === undefined) out.unchanged++;
      else {
        out.changed++;
        out.firstChange ??= {
          time: s,
          field,
          from: stored[field][i] as number,
          to: next[field][j] as number,
        };
      }
      i++;
      j++;
    }
  }
  return out;
}
