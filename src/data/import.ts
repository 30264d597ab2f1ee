/**
 * `data import`: bar files in any layout the simulator's loader understands, rewritten as canonical files
 * in the store. The loader does all the reading (layout detection, time zones, descending files, the
 * quality verdict), so an imported file holds exactly the bars a simulation of the original would see; its
 * quality report (gaps, duplicates, bad rows) goes into the manifest beside the original's path and sha256.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AssetClass } from '../core/types.js';
import { DataError, loadBars, loadMany, type LayoutOverride, type LoadResult } from '../marketdata/index.js';
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
  /** Replace stored files even where the new file lacks some of their bars (`--replace`). */
  replace?: boolean;
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
 * An import replaces the store file of its symbol and timeframe; a stored bar the new file lacks would be gone
 * without a word, whether it lies outside the new file's range (importing 2024 over 2020-2023) or inside it
 * (a copy with rows deleted). Such an import is refused, naming the file, how many stored bars it would
 * delete and the first of them; a file holding every stored bar (a corrected copy, a longer history)
 * replaces it as before, and `replace` (`--replace`) replaces on purpose.
 */
async function refuseLoss(
  file: string,
  key: string,
  held: ManifestEntry,
  load: LoadResult,
  path: string,
): Promise<void> {
  if (held.rows === 0 || !existsSync(path)) return;
  const stored = (await loadBars(path, { symbol: held.symbol, assetClass: held.assetClass, cacheDir: null }))
    .series.time;
  const lost = missingTimes(stored, load.series.time);
  if (lost.count === 0) return;
  const time = load.series.time;
  const outside = `${lost.outside > 0 ? `, ${lost.outside} of them outside its range` : ''}`;
  throw new DataError(
    file,
    `covers ${formatTime(time[0] as number)} → ${formatTime(time[time.length - 1] as number)} with ${time.length} bars, but the store's ${key} holds ${held.rows} bars ${held.first} → ${held.last}: importing it would delete ${lost.count} stored bars${outside}, the first at ${formatTime(lost.first as number)}.`,
    `Import a file that holds every stored bar (e.g. add the new rows to ${path} and import that), import into another --folder, or pass --replace to replace the stored file on purpose.`,
  );
}

/** The times of `stored` that `next` lacks (both ascending): how many, the first, and how many lie outside next's range. */
export function missingTimes(
  stored: ArrayLike<number>,
  next: ArrayLike<number>,
): { count: number; first: number | null; outside: number } {
  let count = 0;
  let outside = 0;
  let first: number | null = null;
  let j = 0;
  const lo = next.length ? (next[0] as number) : Infinity;
  const hi = next.length ? (next[next.length - 1] as number) : -Infinity;
  for (let i = 0; i < stored.length; i++) {
    const t = stored[i] as number;
    while (j < next.length && (next[j] as number) < t) j++;
    if (j < next.length && next[j] === t) continue;
    count++;
    first ??= t;
    if (t < lo || t > hi) outside++;
  }
  return { count, first, outside };
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

  await req.store.checkFolders([source]);
  const release = await lockStore(req.store.dir);
  try {
    const { manifest } = await req.store.reconcile();
    // Every file is checked against the store before any is written, so a refusal leaves the store as it was.
    for (const { file, load, key } of loads) {
      const held = manifest.files[key];
      if (held && !req.replace) await refuseLoss(file, key, held, load, req.store.pathOf(key));
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
