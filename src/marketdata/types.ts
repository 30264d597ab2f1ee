/** Public shapes of the data loader (see index.ts for the API). */
import type { AssetClass, BarColumns } from '../core/types.js';

/** The six columns of a bar file, one entry per bar (the shape lives in core: every layer passes it). */
export type { BarColumns } from '../core/types.js';

export interface BarSeries extends BarColumns {
  /** As inferred or given, e.g. 'SOLUSDT', 'XBTUSD', 'AAPL', 'SPY'. */
  symbol: string;
  assetClass: AssetClass;
  /** The dominant bar spacing: the median of positive time differences, e.g. 3_600_000 (0 with one bar). */
  intervalMs: number;
  /** Bar OPEN time, epoch ms UTC, strictly ascending. */
  time: Float64Array;
  source: { path: string; sha256: string; layout: string; timezone: string };
}

export interface QualityReport {
  path: string;
  /** Data rows read (blank lines and the header excluded). */
  rows: number;
  /** Bars kept. */
  bars: number;
  first: number | null;
  last: number | null;
  /** Spacing > 1.5 × interval with bars missing; for stocks only the slots in an exchange session count. */
  gaps: { after: number; before: number; missingBars: number }[];
  gapCount: number;
  /** `row` is the 1-based line number in the file (header included), so `file:row` opens in an editor. */
  duplicates: {
    row: number;
    time: number;
    action: 'dropped' | 'kept-last';
    /** The row of the same time that was kept (the first in the file). */
    keptRow: number;
    /** How its values differ from the kept row's ('close 10.2 vs 10'); '' for an exact copy. */
    differs: string;
  }[];
  badRows: { row: number; problem: string; action: 'refused' | 'dropped' | 'repaired' }[];
  /** The input was descending (newest first) and has been reversed. */
  reordered: boolean;
  /**
   * Suspicious single-bar moves (moves.ts: a likely unadjusted split, a typo'd price), warned about and kept
   * as they are; `row` names the bar that moved and `time` when it opens. At most 50 listed; warningCount is
   * exact.
   */
  warnings: { row: number; time: number; problem: string }[];
  warningCount: number;
}

export interface LayoutOverride {
  timeColumn?: string | number;
  timeFormat?: 'epoch-s' | 'epoch-ms' | 'iso' | 'naive';
  /** For naive times: 'UTC', an IANA zone such as 'America/New_York', or a fixed offset like '-05:00'. Always wins over detection. */
  timezone?: string;
  columns?: {
    open?: string | number;
    high?: string | number;
    low?: string | number;
    close?: string | number;
    volume?: string | number;
  };
  header?: boolean;
}

export interface LoadOptions {
  symbol?: string;
  assetClass?: AssetClass;
  /**
   * 'refuse' (default): any bad row or duplicate is an error naming file:row and the problem, suggesting repair.
   * 'repair': drop bad rows and duplicates (keeping the first), replace a high below max(open, close) or a low
   * above min(open, close) by that value (repairHighLow), sort out-of-order rows, and record each action.
   */
  onBadData?: 'refuse' | 'repair';
  layout?: LayoutOverride;
  /** Default `${WORKSTEAL_CACHE_DIR ?? '<cwd>/.cache/worksteal'}/bars`; null disables the cache. */
  cacheDir?: string | null;
}

/** How a file was read, for the lines a command prints about it (read-notes.ts). */
export interface ReadInfo {
  /** The time column's format: 'epoch-s', 'epoch-ms', 'epoch-us', 'epoch-ns', 'iso' (with offsets) or 'naive'. */
  timeFormat: string;
  /** Naive times: the zone they were read in and how it was chosen (with the evidence); null otherwise. */
  zone: {
    name: string;
    how: 'given' | 'crypto' | 'dates' | 'detected' | 'assumed';
    detail: string;
  } | null;
  /** The column read as volume; null when none was found (every bar's volume is then 0). */
  volumeColumn: string | null;
  /** Header names no role was found for (an unrecognised `volé`, a `trades` count). */
  unusedColumns: string[];
}

export interface LoadResult {
  series: BarSeries;
  report: QualityReport;
  fromCache: boolean;
  /** How the file was read (absent for bars not read from a file, such as a synthetic market). */
  read?: ReadInfo;
  /** The entry of the data store the file belongs to (recorded-class.ts), when it is a store file. */
  stored?: StoredEntry;
}

/** What a store's manifest says about one of its files, to tell when the file no longer matches it. */
export interface StoredEntry {
  /** The store folder and its manifest.json. */
  dir: string;
  manifest: string;
  /** `<folder>/<name>.csv`. */
  key: string;
  /** The file's sha256 when data import or download wrote it, and when that was. */
  sha256: string;
  updatedAt: string;
  /** For an imported file: the original it was imported from. */
  origin: string | null;
  /** The manifest's editedAfterWrite: the file was changed outside worksteal after it wrote it; else null. */
  edited: { writtenAt: string; noticedAt: string } | null;
}
