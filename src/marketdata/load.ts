/**
 * loadBars / loadMany: a cache entry whose source stat still matches is used without reading the source;
 * otherwise read → hash → detect layout → cache hit, or parse → timezone → normalise → cache write.
 * Every failure a user can cause surfaces as a DataError naming the file (and row); this module is the only
 * one that touches the file system for bars.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { readFailure, readRegularFile } from '../io/regular-file.js';
import type { AssetClass } from '../core/types.js';
import {
  cacheFileFor,
  cacheKey,
  decodeCache,
  defaultCacheDir,
  readCacheFile,
  sourceStampOf,
  writeCache,
  type CachedBars,
} from './cache.js';
import { applyZone, timePart } from './apply-zone.js';
import { detectLayout, type Layout } from './detect.js';
import { DataError } from './errors.js';
import { pricedSeries } from './limits.js';
import { parseRows } from './parse.js';
import { adjustedColumnsHint } from './moves.js';
import { missingBarsOf, normalise } from './quality.js';
import { nyseCalendar } from '../core/calendar/index.js';
import { storeRecord, unusableStoreError, type StoreRecord } from './recorded-class.js';
import { inferAssetClass, inferSymbol, symbolOfName } from './symbols.js';
import { selectSeries, type SelectOptions } from './select.js';
import type { LoadOptions, LoadResult, StoredEntry } from './types.js';

export type LoadManyOptions = LoadOptions &
  SelectOptions & { symbols?: Record<string, { assetClass: AssetClass }> };

async function readSource(path: string): Promise<Buffer> {
  try {
    return await readRegularFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const fix =
      code === 'EISDIR'
        ? 'Pass the folder through expandDataArgs / the CLI, which expands it to its *.csv files.'
        : 'Check the path.';
    throw new DataError(path, `${code === 'ENOENT' ? 'file does not exist' : readFailure(err)}.`, fix, {
      cause: err,
    });
  }
}

/** The file's stat fingerprint (see SourceStamp), or null when it cannot be taken (the read then reports why). */
async function statStamp(path: string): Promise<string | null> {
  try {
    const s = await stat(path, { bigint: true });
    return s.isFile() ? `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}:${s.dev}` : null;
  } catch {
    return null;
  }
}

const EMPTY_FIX = 'Point at a CSV of bars (time, open, high, low, close[, volume]).';

/** Parses a file that missed the cache: rows → UTC times → normalised bars and report. */
function parseFile(
  path: string,
  buf: Buffer,
  layout: Layout,
  assetClass: AssetClass,
  mode: 'refuse' | 'repair',
  timezone: string | undefined,
  guessedFrom: string | null,
): CachedBars {
  const raw = parseRows(path, buf, layout);
  const zone = layout.timeFormat === 'naive' ? applyZone(path, raw, assetClass, timezone, guessedFrom) : null;
  // A stock's closed market (nights, weekends, holidays) is not a gap; a crypto market never closes.
  const stock = assetClass === 'stock';
  const gapsOf = missingBarsOf(assetClass, nyseCalendar());
  const hint = adjustedColumnsHint(layout.names, [layout.open, layout.high, layout.low, layout.close]);
  // A daily stock bar is placed in its day's NYSE session (daily.ts); intraday and crypto bars are not touched.
  const norm = normalise(path, raw, mode, gapsOf, hint, stock ? nyseCalendar() : null);
  const tp = timePart(layout, raw, zone);
  const { path: _path, ...report } = norm.report;
  return {
    intervalMs: norm.intervalMs,
    time: norm.time,
    open: norm.open,
    high: norm.high,
    low: norm.low,
    close: norm.close,
    volume: norm.volume,
    layout: `${layout.label} ${tp.text}${layout.columnsNote} ${norm.descending ? 'desc' : 'asc'}`,
    timezone: tp.timezone,
    report,
    read: {
      timeFormat: layout.timeFormat,
      zone: zone && { name: zone.zone.name, how: zone.how, detail: zone.detail },
      volumeColumn: layout.volume >= 0 ? (layout.names[layout.volume] ?? null) : null,
      unusedColumns: layout.unused,
    },
  };
}

async function loadOne(path: string, options: LoadManyOptions): Promise<LoadResult> {
  const mode = options.onBadData ?? 'refuse';
  if (mode !== 'refuse' && mode !== 'repair') {
    throw new DataError(path, `onBadData must be 'refuse' or 'repair' (got ${JSON.stringify(mode)}).`, '');
  }
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const parseOptions = { layout: options.layout ?? {}, mode };
  const cacheFile = cacheDir === null ? null : cacheFileFor(cacheDir, path, parseOptions);
  const [stamp, entry] = await Promise.all([
    statStamp(path),
    cacheFile === null ? null : readCacheFile(cacheFile),
  ]);
  const symbolOf = (headerSymbol: string | undefined) => options.symbol ?? inferSymbol(path, headerSymbol);
  // A store's manifest records the class `data import --asset-class` chose: SOL imported as crypto is crypto
  // for every command that reads the store's files, not a stock by its symbol. A store manifest that cannot
  // be used leaves it unknown: refused, unless the caller or the config names the class.
  const record = storeRecord(path);
  const recorded = (): AssetClass | undefined => {
    if (record?.kind === 'unusable') throw unusableStoreError(path, record);
    return record?.entry.assetClass;
  };
  const namedClass = (symbol: string) =>
    options.assetClass ?? options.symbols?.[symbol]?.assetClass ?? recorded();
  const assetClassOf = (symbol: string) => namedClass(symbol) ?? inferAssetClass(symbol);
  const stored = storedOf(record);
  // Everything that changes the parsed bars: the source bytes, the layout override, the bad-data policy, and
  // the asset class (it decides how naive stock times are read).
  const keyOf = (sha256: string, assetClass: AssetClass) => cacheKey(sha256, { ...parseOptions, assetClass });

  // The source is unchanged since the entry was written: its bytes need not be read or hashed again.
  const known = entry === null ? null : sourceStampOf(entry);
  if (known !== null && stamp !== null && known.stat === stamp) {
    const symbol = symbolOf(known.headerSymbol ?? undefined);
    const assetClass = assetClassOf(symbol);
    const bars = decodeCache(entry!, keyOf(known.sha256, assetClass));
    if (bars) return loaded(path, symbol, assetClass, known.sha256, bars, true, stored);
  }

  const buf = await readSource(path);
  if (buf.length === 0) throw new DataError(path, 'the file is empty.', EMPTY_FIX);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const layout = detectLayout(path, buf, options.layout);
  const symbol = symbolOf(layout.headerSymbol);
  const assetClass = assetClassOf(symbol);
  const key = keyOf(sha256, assetClass);
  // An entry written before the file was touched (same bytes, new times) is still good: its key says so.
  let bars = entry === null ? null : decodeCache(entry, key);
  const fromCache = bars !== null;
  if (!bars) {
    const guessedFrom = namedClass(symbol) === undefined ? symbol : null;
    bars = parseFile(path, buf, layout, assetClass, mode, options.layout?.timezone, guessedFrom);
  }
  if (cacheFile !== null && stamp !== null && (!fromCache || known?.stat !== stamp)) {
    await writeCache(cacheFile, key, bars, {
      stat: stamp,
      sha256,
      headerSymbol: layout.headerSymbol ?? null,
    });
  }
  return loaded(path, symbol, assetClass, sha256, bars, fromCache, stored);
}

function loaded(
  path: string,
  symbol: string,
  assetClass: AssetClass,
  sha256: string,
  bars: CachedBars,
  fromCache: boolean,
  stored: StoredEntry | null,
): LoadResult {
  const { layout: layoutText, timezone, report, read, ...arrays } = bars;
  return {
    series: { symbol, assetClass, ...arrays, source: { path, sha256, layout: layoutText, timezone } },
    report: { path, ...report },
    fromCache,
    read,
    ...(stored ? { stored } : {}),
  };
}

function storedOf(record: StoreRecord | null): StoredEntry | null {
  if (record?.kind !== 'recorded') return null;
  const { entry } = record;
  return {
    dir: record.store,
    manifest: record.manifest,
    key: record.key,
    sha256: entry.sha256,
    updatedAt: entry.updatedAt,
    origin: entry.origin?.path ?? null,
    edited: entry.editedAfterWrite ?? null,
  };
}

/** Bad input must never surface as a bare stack trace: anything that is not a DataError is a loader bug. */
async function guarded(path: string, options: LoadManyOptions): Promise<LoadResult> {
  try {
    return await loadOne(path, options);
  } catch (err) {
    if (err instanceof DataError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new DataError(
      path,
      `could not be loaded: ${message}.`,
      'This is a loader bug; please report it with the file.',
      {
        cause: err,
      },
    );
  }
}

const NAMED = 5;

/** The first failure in full, and every other failing file named (up to NAMED, then how many more). */
function allFailures(failed: DataError[]): DataError {
  const first = failed[0]!;
  if (failed.length === 1) return first;
  const others = failed.slice(1);
  const names = others.slice(0, NAMED).map((e) => (e.row === undefined ? e.file : `${e.file}:${e.row}`));
  const more = others.length > NAMED ? ` and ${others.length - NAMED} more` : '';
  return new DataError(
    first.file,
    first.problem,
    `${first.fix} ${others.length} other file${others.length === 1 ? '' : 's'} failed too: ${names.join(', ')}${more}.`,
    { ...(first.row === undefined ? {} : { row: first.row }), detail: first.detail, cause: first },
  );
}

/** Loads one bar file; see LoadOptions for the bad-data policy and the cache. */
export async function loadBars(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const result = await guarded(path, options);
  pricedSeries.add(result.series); // the rows were checked against the same limits
  return result;
}

/**
 * Loads several files concurrently (reads overlap; parsing is CPU-bound and interleaves). Asset classes come
 * from `options.symbols` when it names the symbol. One file per symbol is used (the simulator keys everything
 * by symbol): two files giving one symbol at the same bar length are an error naming both; at different bar
 * lengths (SOLUSDT_1h.csv and SOLUSDT_1d.csv, as a folder of one source often holds) the finest is used and
 * `options.onNote` names the file left out and how to use it instead (selectSeries).
 */
export async function loadMany(paths: string[], options: LoadManyOptions = {}): Promise<LoadResult[]> {
  // With --symbols, a file whose name gives another symbol is not read: a bad LINKUSDT file must not stop a
  // run of SOLUSDT. A file whose name gives no symbol (data.csv) is read, as its symbol column may say.
  const only = options.only?.length && options.symbol === undefined ? options.only : null;
  const skipped = new Set<string>();
  const wanted = paths.filter((p) => {
    const named = only ? symbolOfName(p) : null;
    if (named === null || only!.includes(named)) return true;
    skipped.add(named);
    return false;
  });
  const settled = await Promise.allSettled(wanted.map((p) => guarded(p, options)));
  const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as DataError] : []));
  if (failed.length) throw allFailures(failed);
  const results = settled.map((s) => (s as PromiseFulfilledResult<LoadResult>).value);
  const selected = selectSeries(results, {
    ...(options.only ? { only: options.only } : {}),
    ...(options.onNote ? { onNote: options.onNote } : {}),
    ...(options.onlyName ? { onlyName: options.onlyName } : {}),
    alsoHeld: [...skipped],
  });
  for (const r of selected) pricedSeries.add(r.series); // the rows were checked against the same limits
  return selected;
}
