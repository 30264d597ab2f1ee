/**
 * `data import`: bar files in any layout the simulator's loader understands, rewritten as canonical files
 * in the store. The loader does all the reading (layout detection, time zones, descending files, the
 * quality verdict), so an imported file holds exactly the bars a simulation of the original would see; its
 * quality report (gaps, duplicates, bad rows) goes into the manifest beside the original's path and sha256.
 */
import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { AssetClass } from '../core/types.js';
import { DataError, loadBars, loadMany, type LayoutOverride, type LoadResult } from '../marketdata/index.js';
import { reportedProblems } from '../marketdata/quality.js';
import { namedBarLength } from '../marketdata/read-notes.js';
import { symbolKey, symbolOfName } from '../marketdata/symbols.js';
import { barChanges, type BarChanges } from './changes.js';
import { writeFileAtomic } from './atomic.js';
import { CANONICAL_HEADER, canonicalKey, formatColumns, formatTime } from './canonical.js';
import { lockStore } from './lock.js';
import { LIST_CAP, type BarProblemRecord, type Manifest, type ManifestEntry } from './manifest.js';
import { loadProblem, sameMarket, sameMarketWarning, type DataStore } from './store.js';
import { timeframeName } from '../marketdata/timeframe.js';

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
  /**
   * What replacing did to the stored file, bar by bar; null when there was none before, or when the stored
   * file no longer loaded (`damaged`).
   */
  changes: BarChanges | null;
  /** The stored file did not load (changed by hand) and `replace` replaced it: the loader's message. */
  damaged?: string;
  /** What to know about this file: its name and symbol column disagree, or its market is stored twice. */
  warnings: string[];
  /**
   * Where the class came from: --asset-class ('given'), the config's symbols map, the class the store already
   * records for the symbol (a re-import without --asset-class), or inference from the symbol.
   */
  classFrom: 'given' | 'config' | 'store' | 'inferred';
  /** A replaced entry recorded another class: every reader of the store now trades the symbol differently. */
  classChange: { from: AssetClass; to: AssetClass } | null;
}

/**
 * The class the store records for a symbol (any spelling, any folder), when its entries agree on one: a
 * re-import without --asset-class keeps it rather than guess again from the symbol.
 */
function storedClass(manifest: Manifest | null, symbol: string | null): AssetClass | null {
  if (manifest === null || symbol === null) return null;
  const classes = new Set(
    Object.entries(manifest.files)
      .filter(([key, e]) => e.file === key && symbolKey(e.symbol) === symbolKey(symbol))
      .map(([, e]) => e.assetClass),
  );
  return classes.size === 1 ? ([...classes][0] as AssetClass) : null;
}

/** Bad rows, duplicates and suspicious moves (warned, kept), the first LIST_CAP in file order. */
function problemsOf(load: LoadResult): BarProblemRecord[] {
  return reportedProblems(load.report).slice(0, LIST_CAP);
}

/** The bars of the stored file an import would replace, or the loader's message when it no longer loads. */
async function storedBars(held: ManifestEntry, path: string): Promise<LoadResult | string | null> {
  if (!existsSync(path)) return null;
  try {
    return await loadBars(path, { symbol: held.symbol, assetClass: held.assetClass, cacheDir: null });
  } catch (err) {
    if (err instanceof DataError) return loadProblem(err);
    throw err;
  }
}

/**
 * An import replaces the store file of its symbol and timeframe; a stored bar the new file lacks would be gone
 * without a word, whether it lies outside the new file's range (importing 2024 over 2020-2023) or inside it
 * (a copy with rows deleted). Such an import is refused, naming the file, how many stored bars it would
 * delete and the first of them; a file holding every stored bar (a corrected copy, a longer history)
 * replaces it as before, and `replace` (`--replace`) replaces on purpose. A stored file that no longer loads
 * (edited by hand) is replaced only with `replace`: what it holds cannot be compared.
 */
function refuseLoss(
  file: string,
  key: string,
  held: ManifestEntry,
  load: LoadResult,
  path: string,
  stored: LoadResult | string,
): void {
  if (typeof stored === 'string') {
    throw new DataError(
      file,
      `would replace the store's ${key}, which was changed outside worksteal and no longer loads (${stored}).`,
      `Pass --replace to replace it with this file, or fix that row and import again.`,
    );
  }
  const lost = barChanges(stored.series, load.series);
  if (lost.deleted === 0) return;
  const time = load.series.time;
  const outside = `${lost.deletedOutside > 0 ? `, ${lost.deletedOutside} of them outside its range` : ''}`;
  throw new DataError(
    file,
    `covers ${formatTime(time[0] as number)} → ${formatTime(time[time.length - 1] as number)} with ${time.length} bars, but the store's ${key} holds ${held.rows} bars ${held.first} → ${held.last}: importing it would delete ${lost.deleted} stored bars${outside}, the first at ${formatTime(lost.firstDeleted as number)}.`,
    `Import a file that holds every stored bar (e.g. add the new rows to ${path} and import that), import into another --folder, or pass --replace to replace the stored file on purpose.`,
  );
}

/**
 * A symbol column wins over the file name, silently until now: ETHUSDT_1h.csv holding BTCUSDT bars was
 * stored as BTCUSDT. Said, with the way to take the name's symbol instead. `--symbol` is the user's word.
 */
function nameWarning(file: string, load: LoadResult, symbolGiven: boolean): string[] {
  const named = symbolOfName(file);
  const symbol = load.series.symbol;
  if (symbolGiven || named === null || symbolKey(named) === symbolKey(symbol)) return [];
  return [
    `${file}: its name says ${named} but its symbol column says ${symbol}; stored as ${symbol} (the column wins). If these are ${named}'s bars, import with --symbol ${named}.`,
  ];
}

/**
 * The timeframe a file is stored under: the spacing of its bars. One bar has no spacing, and it was stored as
 * `SYM_0.csv`: its name's bar length (`SOLUSDT_1h.csv`) is then the timeframe, and without one it is refused.
 */
function timeframeOf(file: string, load: LoadResult): string {
  const ms = load.series.intervalMs > 0 ? load.series.intervalMs : namedBarLength(file);
  if (ms !== null && ms > 0) return timeframeName(ms);
  const at = formatTime(load.series.time[0] as number);
  const stem = basename(file, extname(file));
  throw new DataError(
    file,
    `holds one bar (${at}${load.report.badRows.length + load.report.duplicates.length > 0 ? ', after --repair' : ''}): its bar length cannot be inferred from the spacing of its bars, and its name does not say it (as SOLUSDT_1h.csv does).`,
    `Import it with at least one more bar of the same series, or name its bar length in the file name (e.g. rename it to ${stem}_1h${extname(file)} if it is an hourly bar) and import it again.`,
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
  // Read-only and before the lock: a manifest that cannot be read is reported by reconcile below.
  const current = await req.store.read().catch(() => null);
  // Load everything before writing anything: a bad file then leaves the store untouched.
  const loads: {
    file: string;
    load: LoadResult;
    key: string;
    timeframe: string;
    classFrom: ImportResult['classFrom'];
  }[] = [];
  for (const file of req.files) {
    const named = req.symbol !== undefined ? req.symbol.toUpperCase() : symbolOfName(file);
    let inStore =
      req.assetClass === undefined && !(named !== null && req.symbols?.[named])
        ? storedClass(current, named)
        : null;
    // loadMany of one file: it is the loader entry that honours the config's symbols map, like simulate.
    const loadAs = async (assetClass: AssetClass | undefined): Promise<LoadResult> =>
      (
        (await loadMany([file], {
          onBadData: req.repair ? 'repair' : 'refuse',
          ...(req.symbol !== undefined ? { symbol: req.symbol.toUpperCase() } : {}),
          ...(assetClass !== undefined ? { assetClass } : {}),
          ...(req.symbols !== undefined ? { symbols: req.symbols } : {}),
          ...(req.cacheDir !== undefined ? { cacheDir: req.cacheDir } : {}),
          ...(req.layout !== undefined ? { layout: req.layout } : {}),
        })) as [LoadResult]
      )[0];
    let load = await loadAs(req.assetClass ?? inStore ?? undefined);
    if (req.assetClass === undefined && inStore === null && !req.symbols?.[load.series.symbol]) {
      // The symbol came from a column (prices.csv holding ABC), not the name: the class the store records
      // for it still wins over a guess, read again under it when the guess was the other class.
      inStore = storedClass(current, load.series.symbol);
      if (inStore !== null && inStore !== load.series.assetClass) load = await loadAs(inStore);
    }
    const timeframe = timeframeOf(file, load);
    const key = canonicalKey(source, load.series.symbol, timeframe);
    const clash = loads.find((l) => l.key === key);
    if (clash) {
      throw new DataError(
        file,
        `gives ${load.series.symbol} at ${timeframe}, like ${clash.file}.`,
        'Import them into different folders (--folder), or import one of them.',
      );
    }
    const classFrom =
      req.assetClass !== undefined
        ? 'given'
        : inStore !== null
          ? 'store'
          : req.symbols?.[load.series.symbol]
            ? 'config'
            : 'inferred';
    loads.push({ file, load, key, timeframe, classFrom });
  }

  await req.store.checkFolders([source]);
  const release = await lockStore(req.store.dir);
  try {
    const { manifest } = await req.store.reconcile();
    // Every file is checked against the store before any is written, so a refusal leaves the store as it was.
    const before = new Map<string, LoadResult | string | null>();
    for (const { file, load, key } of loads) {
      const held = manifest.files[key];
      if (!held) continue;
      const stored = await storedBars(held, req.store.pathOf(key));
      before.set(key, stored);
      if (stored !== null && !req.replace) refuseLoss(file, key, held, load, req.store.pathOf(key), stored);
    }
    const results: ImportResult[] = [];
    for (const { file, load, key, timeframe, classFrom } of loads) {
      const s = load.series;
      const was = manifest.files[key]?.assetClass;
      const path = req.store.pathOf(key);
      await writeFileAtomic(path, CANONICAL_HEADER + formatColumns(s));
      const replaced = key in manifest.files;
      const stored = before.get(key) ?? null;
      const { entry } = await req.store.describe(key, {
        source,
        symbol: s.symbol,
        assetClass: s.assetClass,
        timeframe,
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
      results.push({
        file,
        key,
        path,
        load,
        entry,
        replaced,
        changes: stored === null || typeof stored === 'string' ? null : barChanges(stored.series, s),
        ...(typeof stored === 'string' ? { damaged: stored } : {}),
        warnings: nameWarning(file, load, req.symbol !== undefined),
        classFrom,
        classChange: was !== undefined && was !== s.assetClass ? { from: was, to: s.assetClass } : null,
      });
    }
    // Said once every file is in: two files of this import may be the one market under two spellings, and
    // then the group is said once, with the first of them.
    const groups = sameMarket(manifest);
    const said = new Set<ManifestEntry[]>();
    for (const r of results) {
      const group = groups.find((g) => g.some((e) => e.file === r.key));
      if (!group || said.has(group)) continue;
      said.add(group);
      r.warnings.push(sameMarketWarning(group, req.store.dir));
    }
    return results;
  } finally {
    await release();
  }
}
