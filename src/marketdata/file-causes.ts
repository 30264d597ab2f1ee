/**
 * Refusals whose rows share one cause that --repair cannot fix: numbers written with a decimal comma or with
 * thousands separators (every row unparsable; --repair would drop them all), and a naive time repeated where
 * a zone's clocks go back at the end of daylight saving time (--repair would drop a real bar and leave the
 * others an hour or two off). Each is told as the cause, with what to do, instead of row by row.
 */
import { DataError } from './errors.js';
import type { RowProblem } from './row-sink.js';
import { isoUtc } from './timeparse.js';
import { parseZone, wallInstants } from './timezone.js';
import type { QualityReport } from './types.js';
import { DST_ZONES } from './zoneguess.js';

/**
 * A duplicate as people read it: an exact copy of the row kept is harmless, another bar at the same time is
 * a conflict whose right values the file does not tell (repair keeps the first).
 */
export function duplicateText(d: QualityReport['duplicates'][number]): string {
  return d.differs
    ? `duplicate time ${isoUtc(d.time)} with other values than row ${d.keptRow} (${d.differs})`
    : `duplicate time ${isoUtc(d.time)}: the same values as row ${d.keptRow}`;
}

type Separator = 'decimal comma' | 'thousands separator' | 'either';

/** How a number that failed to parse uses a comma, or null when it is not a number with a comma. */
function separatorOf(text: string): Separator | null {
  const s = text.replace(/^"|"$/g, '').trim();
  if (/^-?\d{1,3}(,\d{3})+\.\d+$/.test(s)) return 'thousands separator';
  if (/^-?\d{1,3}(\.\d{3})+,\d+$/.test(s)) return 'decimal comma';
  if (/^-?\d{1,3}(,\d{3})+$/.test(s)) return 'either';
  if (/^-?\d+,\d+$/.test(s)) return 'decimal comma';
  return null;
}

/**
 * Most rows of the file have a number with a comma in it: the file's numbers are written with a decimal
 * comma or thousands separators, and the error says which, with one value, instead of listing rows.
 */
export function separatorRefusal(
  file: string,
  rows: number,
  problems: RowProblem[],
  detail: unknown,
): DataError | null {
  const counts = { 'decimal comma': 0, 'thousands separator': 0, either: 0 };
  const seen = new Set<number>();
  let first: RowProblem | null = null;
  for (const p of problems) {
    const kind = p.number ? separatorOf(p.number.text) : null;
    if (kind === null || seen.has(p.row)) continue;
    seen.add(p.row);
    counts[kind]++;
    first ??= p;
  }
  if (first === null || seen.size * 2 <= rows) return null;
  const { text, column } = first.number!;
  const decimal = counts['decimal comma'] >= counts['thousands separator'];
  const what = decimal ? 'a decimal comma' : 'thousands separators (a comma between groups of three digits)';
  const fix = decimal
    ? "Re-export the file with '.' as the decimal point (and no thousands separators); a spreadsheet's CSV export under an English locale writes it so."
    : 'Re-export the file without thousands separators, or strip the \',\' inside numbers ("196,680.93" → "196680.93").';
  return new DataError(
    file,
    `unparsable number "${text}" in column ${column}: the numbers are written with ${what} (${seen.size} of ${rows} rows have such a number, and none of them can be read).`,
    `${fix} --repair would drop those rows.`,
    { row: first.row, detail },
  );
}

function wallText(wallMs: number): string {
  return isoUtc(wallMs).replace('T', ' ').replace(/:00Z$/, '');
}

/**
 * Every duplicate of a file of naive times is a bar with other values in the hour a daylight-saving zone
 * repeats when its clocks go back, and no bar falls in an hour such a zone skips: the file was written in
 * that zone's wall time and read in another (crypto as UTC). The zones that fit are named, and --timezone.
 */
export function daylightSavingRepeat(
  file: string,
  time: Float64Array,
  n: number,
  duplicates: QualityReport['duplicates'],
  detail: unknown,
): DataError | null {
  if (duplicates.length === 0 || duplicates.some((d) => !d.differs)) return null;
  const fits: string[] = [];
  for (const name of DST_ZONES) {
    const zone = parseZone(name);
    if (!zone || !duplicates.every((d) => wallInstants(zone, d.time).length === 2)) continue;
    let skipped = false;
    for (let i = 0; i < n && !skipped; i++) skipped = wallInstants(zone, time[i] as number).length === 0;
    if (!skipped) fits.push(zone.name);
  }
  if (fits.length === 0) return null;
  const first = duplicates[0]!;
  const zones = fits.length === 1 ? fits[0] : `${fits.slice(0, -1).join(', ')} or ${fits.at(-1)}`;
  const more =
    duplicates.length > 1
      ? ` (and ${duplicates.length - 1} more such repeat${duplicates.length === 2 ? '' : 's'})`
      : '';
  return new DataError(
    file,
    `${duplicateText(first)}${more}: ${wallText(first.time)} is in the hour that comes twice when the clocks go back at the end of daylight saving time in ${zones}, and no bar falls in the hour they skip in spring. The file's times look like wall-clock time of that zone, read here in another zone (crypto is read as UTC).`,
    `Load it with --timezone ${fits[0]} (in code layout: { timezone: '${fits[0]}' }), naming the zone the file was written in, so each bar is read at its own instant. --repair would drop a real bar and leave the others an hour or two off.`,
    { row: first.row, detail },
  );
}
