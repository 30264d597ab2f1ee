import { BAR_TIME_MAX, BAR_TIME_MIN } from '../marketdata/limits.js';
import { rangeMissIssue } from '../marketdata/coverage.js';
import { isoUtc, parseIsoTime, type IsoResult } from '../marketdata/timeparse.js';
import { CliError } from './errors.js';

const EXAMPLE = 'use e.g. 2023-01-01 or 2023-01-01T12:00:00Z';

/**
 * A `--from`/`--to` style flag: a UTC date (2023-01-01) or an ISO time, UTC unless it names its offset;
 * undefined when not given. The bar loader's parser, not Date.parse: Date.parse rolls 2024-02-30 over to
 * March 1st, reads `1` as the year 2001, and reads a time without a zone in the machine's local zone.
 */
export function parseDateFlag(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const iso: IsoResult = { offsetMin: Number.NaN, hasTime: false };
  const wall = parseIsoTime(Buffer.from(text, 'utf8'), 0, Buffer.byteLength(text), iso);
  if (Number.isNaN(wall)) {
    // A time part (2024-01-01T25:00) is named too: the message spoke of the day alone, which was right.
    throw new CliError(
      `${flag} ${JSON.stringify(raw)} is not a date or time (YYYY-MM-DD, a real day; then optionally THH:MM[:SS], a real time of day, and an offset such as Z or +02:00); ${EXAMPLE}`,
    );
  }
  const t = Number.isNaN(iso.offsetMin) ? wall : wall - iso.offsetMin * 60_000;
  if (t < BAR_TIME_MIN || t >= BAR_TIME_MAX) {
    throw new CliError(`${flag} ${JSON.stringify(raw)} is outside 1970–2099; ${EXAMPLE}`);
  }
  return t;
}

/** `--from` and `--to` together: each a date, and the range not empty (`--to` is exclusive). */
export function parseDateRange(
  fromRaw: string | undefined,
  toRaw: string | undefined,
): { from?: number; to?: number } {
  const from = parseDateFlag(fromRaw, '--from');
  const to = parseDateFlag(toRaw, '--to');
  checkDateOrder(from, to);
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** A range whose end is not after its start holds nothing: a usage error, not an empty run that exits 0. */
export function checkDateOrder(
  from: number | undefined,
  to: number | undefined,
  fromSource = '--from',
  toSource = '--to',
): void {
  if (from === undefined || to === undefined || to > from) return;
  throw new CliError(
    `${fromSource} ${isoUtc(from)} is not before ${toSource} ${isoUtc(to)} (the end is exclusive), so the range is empty; give an end after the start`,
  );
}

/** The range must meet the bars (rangeMissIssue, the rule the library's simulate() shares), as a usage error. */
export function checkRangeMeetsData(
  from: number | undefined,
  to: number | undefined,
  series: readonly { time: Float64Array; intervalMs: number }[],
): void {
  const issue = rangeMissIssue(from, to, series, { from: '--from', to: '--to' });
  if (issue) throw new CliError(issue.message);
}
