import { BAR_TIME_MAX, BAR_TIME_MIN } from '../marketdata/limits.js';
import { firstAtOrAfter } from '../marketdata/search.js';
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

/**
 * The range must meet the bars: a window wholly before or after the data, or one that falls between two bars
 * (inside a gap, or within one bar), simulates nothing, and a summary of nothing (0 trades, 0% return, exit
 * 0) reads like a result. A bar is in the range when it opens in `[from, to)`.
 */
export function checkRangeMeetsData(
  from: number | undefined,
  to: number | undefined,
  series: readonly { time: Float64Array; intervalMs: number }[],
): void {
  const held = series.filter((s) => s.time.length > 0);
  if (!held.length) return;
  const first = Math.min(...held.map((s) => s.time[0]!));
  const end = Math.max(...held.map((s) => s.time[s.time.length - 1]! + s.intervalMs));
  const runs = `the data runs ${isoUtc(first)} → ${isoUtc(end)}`;
  if (from !== undefined && from >= end)
    throw new CliError(
      `--from ${isoUtc(from)} is at or after the data's end (${runs}); choose a start inside it`,
    );
  if (to !== undefined && to <= first)
    throw new CliError(
      `--to ${isoUtc(to)} is at or before the data's start (${runs}); choose an end inside it`,
    );
  const lo = from ?? Number.NEGATIVE_INFINITY;
  const hi = to ?? Number.POSITIVE_INFINITY;
  // The first bar of each series that opens at or after the start: the range holds a bar when one opens before its end.
  const next = held.map((s) => s.time[firstAtOrAfter(s.time, lo)] ?? Number.POSITIVE_INFINITY);
  if (next.some((t) => t < hi)) return;
  const before = Math.max(
    ...held.map((s) => s.time[firstAtOrAfter(s.time, lo) - 1] ?? Number.NEGATIVE_INFINITY),
  );
  const after = Math.min(...next);
  const range = `--from ${isoUtc(lo)} → ${to === undefined ? "the data's end" : `--to ${isoUtc(to)}`}`;
  throw new CliError(
    `${range} holds no bar: no bar of the data opens in it (the last one before it opens ${isoUtc(before)}, ` +
      `the next ${Number.isFinite(after) ? `opens ${isoUtc(after)}` : 'does not exist'}); widen the range`,
  );
}
