/**
 * What a command says about the bars it loaded, before it simulates: the `data:` line, what --repair dropped
 * or repaired (a count per file and the first rows), gaps (count and the largest), suspicious single-bar
 * moves, stock series that cannot trade because no bar opens in a session, and daily stock series, which
 * are seen only at their session's close. Everything the console shows only in part is listed in full in
 * simulate's --json `data[].problems` (problem-lines.ts says the rows).
 */
import type { AssetClass } from '../core/types.js';
import { recordedClass } from '../marketdata/recorded-class.js';
import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { ImportResult } from '../data/import.js';
import type { ManifestEntry } from '../data/manifest.js';
import type { LoadResult } from '../marketdata/index.js';
import { isDailySpacing } from '../marketdata/daily.js';
import { reportedProblems, type ReportedProblem } from '../marketdata/quality.js';
import { readLines } from '../marketdata/read-notes.js';
import { isoUtc } from '../marketdata/timeparse.js';
import {
  ALL_PROBLEMS,
  count,
  listed,
  moveWarnings,
  runBars,
  type ReadBars,
  type ReadRange,
} from './problem-lines.js';

export type { ReadBars, ReadRange } from './problem-lines.js';

/**
 * Where a series' asset class came from: the config's symbols map (said by no word), the manifest of the data
 * store the file belongs to (`data import --asset-class` recorded it), or inference from the symbol.
 */
function classOrigin(l: LoadResult, configSymbols: Record<string, { assetClass: AssetClass }>): string {
  if (configSymbols[l.series.symbol]) return '';
  const recorded = recordedClass(l.series.source.path);
  return recorded?.assetClass === l.series.assetClass ? ", as the store's manifest records" : ', inferred';
}

/** The `data:` line: symbol, class (and where it came from), bars, cache use. */
export function dataLine(
  loaded: readonly LoadResult[],
  configSymbols: Record<string, { assetClass: AssetClass }>,
): string {
  const one = (l: LoadResult): string =>
    `${l.series.symbol} (${l.series.assetClass}${classOrigin(l, configSymbols)}, ${l.report.bars} bars${l.fromCache ? ', cached' : ''})`;
  return `data: ${loaded.map(one).join(', ')}`;
}

/** Dropped and repaired rows and duplicates, per file: a count and the first few rows. */
function repairLines(l: LoadResult, all: string): string[] {
  const r = l.report;
  const fixed = reportedProblems(r).filter((p) => p.action !== 'warned');
  if (fixed.length === 0) return [];
  const dropped = r.badRows.filter((b) => b.action === 'dropped').length;
  const repaired = r.badRows.length - dropped;
  const parts = [
    ...(dropped ? [`${count(dropped, 'row')} dropped`] : []),
    ...(repaired ? [`${count(repaired, 'row')} repaired`] : []),
    ...(r.duplicates.length ? [`${count(r.duplicates.length, 'duplicate')} dropped (first kept)`] : []),
  ];
  return [
    `repair: ${l.series.symbol} from ${r.path}: ${parts.join(', ')}`,
    ...listed(r.path, fixed, fixed.length, 'row', all),
  ];
}

const DAY = 86_400_000;
function span(ms: number): string {
  return ms >= 2 * DAY ? `${Math.round(ms / DAY)} days` : `${Math.round(ms / 3_600_000)} hours`;
}

/** Gaps per symbol: how many, the bars missing, and the largest (from, to, length). */
function gapLine(l: LoadResult): string[] {
  const gaps = l.report.gaps;
  if (gaps.length === 0) return [];
  let largest = gaps[0]!;
  let missing = 0;
  for (const g of gaps) {
    missing += g.missingBars;
    if (g.missingBars > largest.missingBars) largest = g;
  }
  return [
    `gaps: ${l.series.symbol} has ${count(gaps.length, 'gap')} (${count(missing, 'bar')} missing); largest ${isoUtc(largest.after)} → ${isoUtc(largest.before)} (${count(largest.missingBars, 'bar')} missing, ${span(largest.before - largest.after)})`,
  ];
}

/**
 * A store file whose bytes no longer match its manifest entry (edited by hand after data import or download
 * wrote it): the run uses bars nobody recorded, and `data list` would quietly adopt them. The loader hashed
 * the file (or knows its hash from its cache entry) and found the entry: no extra read.
 */
function storeChangeWarning(l: LoadResult): string[] {
  const st = l.stored;
  if (!st) return [];
  const { by, undo } = writtenBy(st.origin);
  if (st.sha256 !== l.series.source.sha256)
    return [
      `warning: ${l.series.symbol}: ${l.series.source.path} ${changedSince(by, st.updatedAt, st.edited)}: its sha256 no longer matches its entry in ${st.manifest}, so this run uses bars the store does not describe. \`worksteal data list --dir ${st.dir}\` says what changed; to go back, ${undo}.`,
    ];
  if (st.edited === null) return [];
  return [
    `warning: ${l.series.symbol}: ${l.series.source.path} was changed outside worksteal after ${by} wrote it (${st.edited.writtenAt}; noticed ${st.edited.noticedAt}): its entry in ${st.manifest} describes the edited file, but its bars are not the ones ${by} recorded. To go back, ${undo}.`,
  ];
}

/**
 * What wrote a store file (data download, or data import from the original at `origin`) and how to get its
 * bars back as written: one wording for the runs' warnings and `data list`.
 */
export function writtenBy(origin: string | null): { by: string; undo: string } {
  return origin === null
    ? { by: 'data download', undo: 'delete it and download it again' }
    : { by: 'data import', undo: `import the original (${origin}) again with --replace` };
}

/**
 * How a store file whose bytes no longer match its entry came to differ, for the runs' warnings and `data
 * list`. Its entry was written by `by` at `updatedAt`, unless worksteal had already taken in an earlier edit
 * (`edited`): the entry then describes the file as worksteal last read it, and `updatedAt` is that time.
 */
export function changedSince(
  by: string,
  updatedAt: string,
  edited: { writtenAt: string; noticedAt: string } | null | undefined,
): string {
  if (!edited) return `changed after ${by} wrote it (${updatedAt})`;
  return `changed again since worksteal last described it (${updatedAt}; it was first changed outside worksteal after ${by} wrote it, ${edited.writtenAt}, noticed ${edited.noticedAt})`;
}

/**
 * A stock fills only in bars that open in a regular session (sim/fill-rules.ts); a series with none (weekly
 * bars, bars of extended hours only; daily bars are placed in their sessions by the loader) can never trade,
 * and 0 trades with exit 0 would read like a result.
 */
function sessionWarning(l: LoadResult, calendar: Pick<ExchangeCalendar, 'isRegularSession'>): string[] {
  const s = l.series;
  if (s.assetClass !== 'stock') return [];
  for (let i = 0; i < s.time.length; i++) if (calendar.isRegularSession(s.time[i] as number)) return [];
  const first = s.time.length ? ` (the first is stamped ${isoUtc(s.time[0] as number)})` : '';
  return [
    `warning: ${s.symbol}: 0 of ${count(s.time.length, 'bar')} open in a regular exchange session${first}. Stock orders fill only in bars that open in a session, so ${s.symbol} cannot trade: use daily or intraday bars (e.g. 1h) for it, or leave it out with --symbols.`,
  ];
}

/**
 * A daily stock bar's prices are known at its session's close (marketdata/daily.ts), so the series is looked
 * at only when the market has just closed: a stock entry asked then waits ('market-closed'), or with extended
 * hours goes out in the after-hours session as a DAY limit that lapses at 20:00 New York (sim/fill-rules.ts
 * limitHours, as at Alpaca), before the next session's bar. Either way the symbol never fills, which would read
 * like a result.
 */
function dailyStockWarning(l: LoadResult, extendedHours: boolean | undefined): string[] {
  const s = l.series;
  if (s.assetClass !== 'stock' || !isDailySpacing(s.intervalMs)) return [];
  const why =
    extendedHours === true
      ? `an entry placed then goes out in the after-hours session as a DAY order that lapses at 20:00 New York (as at Alpaca), before the next session's bar, so ${s.symbol} never fills`
      : `without config extendedHours: true ${s.symbol} places no order, and with it an entry placed then is an after-hours DAY order that lapses at 20:00 New York, before the next session's bar`;
  return [
    `warning: ${s.symbol}: daily bars stand for their sessions and are known only at each session's close, when the market is closed: ${why}. Intraday bars (e.g. 1h) let it trade during the session.`,
  ];
}

/** The run's range: --from/--to where given, else where the data begins and ends (every symbol's bars). */
export interface RunRange {
  from?: number;
  to?: number;
}

type Calendar = Pick<ExchangeCalendar, 'isRegularSession' | 'nextOpen' | 'nextClose'>;

/**
 * Whether a whole trading day of the symbol's market lies in [a, b): a UTC day for crypto, a session for a
 * stock. Less is a weekend, a holiday or files that end hours apart, not missing data.
 */
function wholeDayBetween(assetClass: AssetClass, a: number, b: number, calendar: Calendar): boolean {
  if (assetClass === 'crypto') return Math.ceil(a / DAY) * DAY + DAY <= b;
  const open = calendar.nextOpen(a);
  const close = open === null ? null : calendar.nextClose(open);
  return close !== null && close <= b;
}

/**
 * A symbol with no bars in the run's range takes no part in it, and one whose data ends (or starts) partway
 * through trades only in part of it: without a word either reads like a result of the whole set over the
 * whole range. A bar counts for [its open, its open + the bar spacing).
 */
function coverageWarnings(loaded: readonly LoadResult[], calendar: Calendar, range: RunRange): string[] {
  const held = loaded.map((l) => l.series).filter((s) => s.time.length > 0);
  if (held.length === 0) return [];
  const endOf = (s: (typeof held)[number]): number => s.time[s.time.length - 1]! + s.intervalMs;
  const from = range.from ?? Math.min(...held.map((s) => s.time[0]!));
  const to = range.to ?? Math.max(...held.map(endOf));
  const span = `${isoUtc(from)} → ${isoUtc(to)}`;
  return held.flatMap((s) => {
    const first = s.time[0]!;
    const end = endOf(s);
    const runs = `its bars run ${isoUtc(first)} → ${isoUtc(end)}`;
    if (end <= from || first >= to)
      return [
        `warning: ${s.symbol}: no bars in the run's range ${span} (${runs}), so it takes no part in the run; leave it out with --symbols or choose a range inside its data.`,
      ];
    const lines: string[] = [];
    if (wholeDayBetween(s.assetClass, from, first, calendar))
      lines.push(
        `warning: ${s.symbol}: its data starts ${isoUtc(first)}, partway through the run's range ${span}; it trades only from then on.`,
      );
    if (wholeDayBetween(s.assetClass, end, to, calendar))
      lines.push(
        `warning: ${s.symbol}: its data ends ${isoUtc(end)}, partway through the run's range ${span}; it trades no more after that, and a position in it is held at its last price until the run ends.`,
      );
    return lines;
  });
}

/**
 * How the files were read and their gaps (said unless --quiet), and warnings (always said, --quiet too). What --repair dropped or repaired is
 * among the warnings: the data a run used is not the file as it is, and --quiet must not hide that. Pass
 * the run's `extendedHours` so that daily stock series are not warned about when they can trade, its `range` (a
 * simulation's) to hear of symbols with bars in none or only part of it, and `reads` (the range and its
 * warm-up, or the bars read) so that a suspicious move in bars the command never reads is a note, not a warning.
 * A list cut short says where the whole of it is (`problemsInJson`).
 */
export function dataQualityLines(
  loaded: readonly LoadResult[],
  calendar: Calendar,
  options: {
    extendedHours?: boolean;
    range?: RunRange;
    reads?: ReadRange | ReadBars;
    /** The command's own --json lists every reported row (simulate's); otherwise the lines point to simulate's. */
    problemsInJson?: boolean;
  } = {},
): { notes: string[]; warnings: string[] } {
  // How each file was read (`read:` lines, off-grid bars; a zone assumed, a bar length or class the file
  // contradicts): every command that loads bars says it, first.
  const read = readLines(loaded);
  const reads = options.reads && ('span' in options.reads ? options.reads : runBars(options.reads));
  const all = options.problemsInJson ? 'all in --json data[].problems' : ALL_PROBLEMS;
  const moves = loaded.map((l) => moveWarnings(l, reads, all));
  return {
    notes: [...read.notes, ...loaded.flatMap(gapLine), ...moves.flatMap((m) => m.notes)],
    warnings: [
      ...read.warnings,
      ...loaded.flatMap(storeChangeWarning),
      ...loaded.flatMap((l) => repairLines(l, all)),
      ...(options.range ? coverageWarnings(loaded, calendar, options.range) : []),
      ...loaded.flatMap((l, i) => [
        ...sessionWarning(l, calendar),
        ...dailyStockWarning(l, options.extendedHours),
        ...moves[i]!.warnings,
      ]),
    ],
  };
}

/** `data[]` of the --json result with every reported row of each file (bad, duplicate, suspicious). */
export function dataWithProblems<T extends object>(
  data: readonly T[],
  loaded: readonly LoadResult[],
): (T & { problems: ReportedProblem[] })[] {
  return data.map((d, i) => ({ ...d, problems: reportedProblems(loaded[i]!.report) }));
}

/** Problem rows `data import` shows per file; every one is in its --json. */
const IMPORT_SHOWN = 5;

/** What replacing did to the stored file: `unchanged`, or the bars added, changed (the first) and deleted. */
function changeText(r: ImportResult): string {
  if (!r.replaced) return '';
  const cls = r.classChange ? `class ${r.classChange.from} → ${r.classChange.to}` : null;
  const also = cls ? `; ${cls}` : '';
  if (r.damaged !== undefined) return ` (replaced a stored file that no longer loaded${also})`;
  const c = r.changes;
  if (c === null) return ` (replaced an entry whose file was missing${also})`;
  if (c.added + c.changed + c.deleted === 0)
    return cls ? ` (replaced: ${cls}; bars unchanged)` : ' (unchanged)';
  const f = c.firstChange;
  const parts = [
    ...(c.added ? [`${count(c.added, 'bar')} added`] : []),
    ...(f
      ? [
          `${c.changed.toLocaleString('en-US')} changed (the first at ${isoUtc(f.time)}: ${f.field} ${f.from} → ${f.to})`,
        ]
      : []),
    ...(c.deleted ? [`${c.deleted.toLocaleString('en-US')} deleted`] : []),
  ];
  return ` (replaced: ${cls ? `${cls}; ` : ''}${parts.join(', ')}; ${c.unchanged.toLocaleString('en-US')} unchanged)`;
}

export function qualityLine(e: ManifestEntry): string {
  return `quality: ${count(e.gaps, 'gap')} (${count(e.missingBars, 'bar')} missing), ${count(e.duplicates, 'duplicate')}, ${count(e.badRows, 'bad row')}`;
}

/**
 * What `data import` says about one file (stdout): where it went and what that changed, the series, its
 * quality with the three largest gaps, and the rows dropped, repaired or warned about: the first few, then
 * how many more and where every one is (`json`: the --json file given, if any).
 */
export function importLines(r: ImportResult, shown: string, json: string | undefined): string[] {
  const e = r.entry;
  const problems = reportedProblems(r.load.report);
  const more = problems.length - IMPORT_SHOWN;
  return [
    `${r.file} → ${shown}${changeText(r)}`,
    `  ${e.symbol} (${e.assetClass}${r.classFrom === 'store' ? ', as the store records' : ''}) ${e.timeframe}: ${count(e.rows, 'bar')} ${e.first} → ${e.last}`,
    `  ${qualityLine(e)}`,
    ...e.largestGaps
      .slice(0, 3)
      .map((g) => `    gap ${g.after} → ${g.before} (${count(g.missingBars, 'bar')} missing)`),
    ...problems.slice(0, IMPORT_SHOWN).map((p) => `    row ${p.row}: ${p.problem} (${p.action})`),
    ...(more > 0
      ? [
          `    … ${count(more, 'more row')}: every one in ${json === undefined ? '--json FILE' : json === '-' ? 'the --json output' : json} (imported[].problems)`,
        ]
      : []),
  ];
}
