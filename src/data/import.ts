/**
 * `data import`: bar files in any layout the simulator's loader understands, rewritten as canonical files
 * in the store. The loader does all the reading (layout detection, time zones, descending files, the
 * quality verdict), so an imported file holds exactly the bars a simulation of the original would see; its
 * quality report (gaps, duplicates, bad rows) goes into the manifest beside the original's path and sha256.
 */
import { resolve } from 'node:path';
import type { AssetClass } from '../core/types.js';
import { DataError, loadMany, type LayoutOverride, type LoadResult } from '../marketdata/index.js';
import { reportedProblems } from '../marketdata/quality.js';
import { writeFileAtomic } from './atomic.js';
import { CANONICAL_HEADER, canonicalKey, formatColumns, formatTime } from './canonical.js';
import { lockStore } from './lock.js';
import { LIST_CAP, type BarProblemRecord, type ManifestEntry } from './manifest.js';
import type { DataStore } from './store.js';
import { timeframeName } from './timeframe.js';

export interface ImportRequest {
  store: DataStore;
  files: readonly string[];
  /** Folder name in the store (default 'import'), e.g. the vendor's name. */
  source?: string;
  /** Symbol for a single file whose name or symbol column does not say it. */
  symbol?: string;
  assetClass?: AssetClass;
  /** Drop bad rows and duplicates (each recorded) instead of refusing the file. */
  repair?: boolean;
  /** Symbol → asset class from the config, as `simulate` uses it. */
  symbols?: Record<string, { assetClass: AssetClass }>;
  /** The loader's binary cache folder (undefined: its default; null: off). */
  cacheDir?: string | null;
  /** Explicit layout for files detection cannot read (the same override `simulate` takes). */
  layout?: LayoutOverride;
}

export interface ImportResult {
  file: string;
  key: string;
  path: string;
  /** The original file as loaded: its series and quality report. */
  load: LoadResult;
  entry: ManifestEntry;
  /** The store held this symbol and timeframe from the same source before, and it was replaced. */
  replaced: boolean;
}

/** Bad rows, duplicates and suspicious moves (warned, kept), the first LIST_CAP in file order. */
function problemsOf(load: LoadResult): BarProblemRecord[] {
  return reportedProblems(load.report).slice(0, LIST_CAP);
}

/**
 * An import replaces the store file of its symbol and timeframe; bars of that file outside the new file's
 * range would be gone without a word (importing 2024 over 2020-2023 would leave only 2024). Such an import
 * is refused, naming both ranges; a file covering the stored range (a corrected copy, a longer history)
 * replaces it as before.
 */
function refuseLoss(file: string, key: string, held: ManifestEntry, load: LoadResult, path: string): void {
  const time = load.series.time;
  const first = time[0] as number;
  const last = time[time.length - 1] as number;
  if (held.first === null || held.last === null) return;
  if (Date.parse(held.first) >= first && Date.parse(held.last) <= last) return;
  throw new DataError(
    file,
    `covers ${formatTime(first)} → ${formatTime(last)}, but the store's ${key} holds ${held.rows} bars ${held.first} → ${held.last}: importing it would delete the stored bars outside its range.`,
    `Import a file that covers the stored range, import into another --folder, or delete ${path} to replace it.`,
  );
}

const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

export async function importFiles(req: ImportRequest): Promise<ImportResult[]> {
  const source = req.source ?? 'import';
  if (!SOURCE_NAME.test(source)) {
    throw new DataError(
      source,
      'is not a usable --folder name.',
      'Use letters, digits, dot, dash or underscore (it becomes a folder name).',
    );
  }
  if (req.symbol !== undefined && req.files.length !== 1) {
    throw new DataError(
      req.files.join(', '),
      '--symbol names one file, but several were given.',
      'Import them one by one, or let the symbol come from each file.',
    );
  }
  // Load everything before writing anything: a bad file then leaves the store untouched.
  const loads: { file: string; load: LoadResult; key: string }[] = [];
  for (const file of req.files) {
    // loadMany of one file: it is the loader entry that honours the config's symbols map, like simulate.
    const [load] = (await loadMany([file], {
      onBadData: req.repair ? 'repair' : 'refuse',
      ...(req.symbol !== undefined ? { symbol: req.symbol.toUpperCase() } : {}),
      ...(req.assetClass !== undefined ? { assetClass: req.assetClass } : {}),
      ...(req.symbols !== undefined ? { symbols: req.symbols } : {}),
      ...(req.cacheDir !== undefined ? { cacheDir: req.cacheDir } : {}),
      ...(req.layout !== undefined ? { layout: req.layout } : {}),
    })) as [LoadResult];
    const key = canonicalKey(source, load.series.symbol, timeframeName(load.series.intervalMs));
    const clash = loads.find((l) => l.key === key);
    if (clash) {
      throw new DataError(
        file,
        `gives ${load.series.symbol} at ${timeframeName(load.series.intervalMs)}, like ${clash.file}.`,
        'Import them into different folders (--folder), or import one of them.',
      );
    }
    loads.push({ file, load, key });
  }

  const release = await lockStore(req.store.dir);
  try {
    const { manifest } = await req.store.reconcile();
    // Every file is checked against the store before any is written, so a refusal leaves the store as it was.
    for (const { file, load, key } of loads) {
      const held = manifest.files[key];
      if (held) refuseLoss(file, key, held, load, req.store.pathOf(key));
    }
    const results: ImportResult[] = [];
    for (const { file, load, key } of loads) {
      const s = load.series;
      const path = req.store.pathOf(key);
      await writeFileAtomic(path, CANONICAL_HEADER + formatColumns(s));
      const replaced = key in manifest.files;
      const { entry } = await req.store.describe(key, {
        source,
        symbol: s.symbol,
        assetClass: s.assetClass,
        timeframe: timeframeName(s.intervalMs),
        duplicates: load.report.duplicates.length,
        badRows: load.report.badRows.length,
        problems: problemsOf(load),
        origin: {
          path: resolve(file),
          sha256: s.source.sha256,
          layout: s.source.layout,
          timezone: s.source.timezone,
        },
      });
      manifest.files[key] = entry;
      await req.store.write(manifest);
      results.push({ file, key, path, load, entry, replaced });
    }
    return results;
  } finally {
    await release();
  }
}
