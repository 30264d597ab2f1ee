/**
 * Naive bar times in a zone with daylight saving time, converted to UTC row by row. The clock changes make
 * two kinds of wall time that no single offset reads right:
 * - skipped (02:30 on a spring-forward day in New York): no instant has it, so the row does not say when its
 *   bar was; it is dropped and recorded (refused by default), never moved to a neighbouring hour;
 * - repeated (01:30 on a fall-back day): two instants have it. A file that writes both bars writes the same
 *   wall time twice, and file order tells them apart: the earlier instant comes first in an ascending file
 *   and last in a descending one. A repeated time written once cannot be told apart: it is read as the first
 *   and recorded as a repair (refused by default), since the bar may belong an hour later.
 */
import type { RawBars } from './row-sink.js';
import { isoUtc } from './timeparse.js';
import { fixedZone, wallInstants, type Zone } from './timezone.js';

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** `2024-03-10 02:30` for a wall-clock time held as epoch ms. */
function wallText(wallMs: number): string {
  return isoUtc(wallMs)
    .replace('T', ' ')
    .replace(/(:00)?Z$/, '');
}

function offsetText(wallMs: number, utc: number): string {
  const name = fixedZone(Math.round((wallMs - utc) / 60_000)).name;
  return name === 'UTC' ? '+00:00' : name;
}

/** Converts raw.time from wall-clock to UTC in place, dropping skipped times; problems go to raw.problems. */
export function wallTimesToUtc(raw: RawBars, zone: Zone): void {
  const t = raw.time;
  let up = 0;
  let down = 0;
  for (let i = 1; i < raw.n; i++) {
    const d = (t[i] as number) - (t[i - 1] as number);
    if (d > 0) up++;
    else if (d < 0) down++;
  }
  const descending = down > up;
  // Repeated wall times: how often each was seen so far, and where its first reading went.
  const seen = new Map<number, { count: number; at: number; row: number }>();
  let m = 0;
  for (let i = 0; i < raw.n; i++) {
    const wall = t[i] as number;
    const row = raw.row[i] as number;
    const instants = wallInstants(zone, wall);
    if (instants.length === 0) {
      raw.problems.push({
        row,
        problem: `local time ${wallText(wall)} does not exist in ${zone.name} (the clocks skip it when daylight saving time starts), so the bar's time is unknown; check the timezone`,
        kind: 'drop',
      });
      continue;
    }
    let utc = instants[0] as number;
    if (instants.length === 2) {
      const prior = seen.get(wall);
      const count = (prior?.count ?? 0) + 1;
      seen.set(wall, { count, at: prior?.at ?? m, row: prior?.row ?? row });
      const laterFirst = descending;
      utc = instants[(count === 1) === laterFirst ? 1 : 0] as number;
    }
    for (const k of COLUMNS) raw[k][m] = raw[k][i] as number;
    t[m] = utc;
    raw.row[m] = row;
    m++;
  }
  for (const [wall, once] of seen) {
    if (once.count !== 1) continue;
    const [first, second] = wallInstants(zone, wall) as [number, number];
    t[once.at] = first;
    raw.problems.push({
      row: once.row,
      problem: `local time ${wallText(wall)} occurs twice in ${zone.name} (the clocks go back when daylight saving time ends) and the file has it once, so it cannot tell whether the bar is at ${offsetText(wall, first)} or ${offsetText(wall, second)}`,
      kind: 'repair',
      repair: `read as the first (${offsetText(wall, first)})`,
    });
  }
  raw.n = m;
}
