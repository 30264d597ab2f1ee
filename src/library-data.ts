/**
 * The library entry's loaders: one bar file (`loadBars`), a data folder as the CLI's `--data` reads it
 * (`loadData`) and a signals file as `--signals` reads it (`loadSignals`, with `signalsFor` matching it to the
 * data as `simulate` and `compare` do), each with its arguments checked first (a ValidationError naming the
 * argument, its value and what to pass); what is in the files the loader checks itself, naming file and row.
 */
import { ValidationError, type Issue } from './core/errors.js';
import { checkedOptionIssues, type OptionChecks } from './core/option-names.js';
import type { AssetClass } from './core/types.js';
import { expandDataArgs } from './marketdata/files.js';
import { loadBars as loadBarsInternal, loadMany } from './marketdata/load.js';
import type { BarSeries, LoadOptions, LoadResult } from './marketdata/types.js';
import {
  loadSignalsCsv,
  matchSignals,
  type ExternalSignal,
  type SignalMatch,
} from './sim/signals/csv-signals.js';
import { isObject } from './library-checks.js';

/** What {@link loadData} takes: every option of loadBars but the one symbol, and the symbols to keep. */
export interface LoadDataOptions extends Omit<LoadOptions, 'symbol'> {
  /** Keep only these symbols (the CLI's `--symbols`); a file whose name gives another symbol is not read. */
  only?: string[];
  /** The asset class of a symbol its file and name do not settle (the config's `symbols` map). */
  symbols?: Record<string, { assetClass: AssetClass }>;
}

/** The series of a data folder ready for `simulate`, each file's load result, and the loader's notes. */
export interface LoadedData {
  series: BarSeries[];
  loaded: LoadResult[];
  /** A file left out for a finer one of the same symbol, bar lengths that differ between symbols. */
  notes: string[];
}

const BAR_OPTIONS: OptionChecks = {
  assetClass: { ok: (v) => v === 'crypto' || v === 'stock', fix: '"crypto" or "stock"' },
  onBadData: { ok: (v) => v === 'refuse' || v === 'repair', fix: '"refuse" or "repair"' },
  layout: { ok: isObject, fix: 'an object { timeColumn?, timeFormat?, timezone?, columns? }' },
  cacheDir: {
    ok: (v) => v === null || (typeof v === 'string' && v.length > 0),
    fix: 'a folder, or null for no cache',
  },
};
const LOAD_BARS_OPTIONS: OptionChecks = {
  symbol: {
    ok: (v) => typeof v === 'string' && v.trim().length > 0,
    fix: 'a non-empty symbol, e.g. "BTC/USD"',
  },
  ...BAR_OPTIONS,
};
const LOAD_DATA_OPTIONS: OptionChecks = {
  ...BAR_OPTIONS,
  only: {
    ok: (v) => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.length > 0),
    fix: 'a non-empty array of symbols, e.g. ["BTCUSDT"]',
  },
  symbols: { ok: isObject, fix: 'an object { SYMBOL: { assetClass } }, e.g. resolveConfig().config.symbols' },
};

/** One bar file, with the path and the options checked first (the file's contents the loader checks). */
export async function loadBars(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const issues = checkedOptionIssues(options, LOAD_BARS_OPTIONS);
  if (typeof path !== 'string' || path.length === 0)
    issues.push({
      where: 'path',
      message: 'must be the path of one bar file (a folder: loadData)',
      value: path,
    });
  if (issues.length) throw new ValidationError('Invalid loadBars() input', issues);
  return loadBarsInternal(path, options);
}

/**
 * Files, folders and globs loaded as the CLI's `--data` loads them: expanded to bar files, read concurrently,
 * one file per symbol (of two at different bar lengths the finer, with a note naming the other; two at one
 * length are refused naming both). Pass `.series` to `simulate`. Throws a DataError naming each bad file.
 */
export async function loadData(paths: string[], options: LoadDataOptions = {}): Promise<LoadedData> {
  const issues = checkedOptionIssues(options, LOAD_DATA_OPTIONS);
  if (issues.length) throw new ValidationError('Invalid loadData() input', issues);
  const files = await expandDataArgs(paths);
  const notes: string[] = [];
  const loaded = await loadMany(files, {
    ...options,
    onlyName: 'options.only',
    onNote: (note) => notes.push(note),
  });
  return { series: loaded.map((r) => r.series), loaded, notes };
}

/**
 * A signals CSV read as the CLI's `--signals FILE` reads it (`time,symbol,side,entry,take_profit,expected_pnl,
 * valid_until`; times ISO-8601 with a zone or epoch seconds/ms), sorted by time. Throws a ValidationError
 * naming the file, the row and the column of each bad value (at most 20 rows), or the columns missing.
 */
export async function loadSignals(path: string): Promise<ExternalSignal[]> {
  if (typeof path !== 'string' || path.length === 0)
    throw new ValidationError('Invalid loadSignals() input', [
      { where: 'path', message: 'must be the path of a signals CSV file', value: path },
    ]);
  return loadSignalsCsv(path, 'pass loadSignals() the path of an existing CSV file');
}

/**
 * Signals matched to the data as `simulate --signals` and `compare --signals` match them: a symbol written
 * another way (`SOL/USDT` for `SOLUSDT` bars) takes the data's spelling; a symbol that matches no series, or
 * two, is left out. `warnings` are what the CLI prints as `signals warning:` (those left out, and the sell
 * rows of crypto symbols, which would open shorts and place nothing). Pass `.signals` to `simulate`/`compare`.
 */
export function signalsFor(signals: readonly ExternalSignal[], series: readonly BarSeries[]): SignalMatch {
  const issues: Issue[] = [
    ...listIssues(signals, 'signals', 'must be an array of signals: await loadSignals(file)', (s) =>
      isObject(s) && typeof s.symbol === 'string'
        ? null
        : { message: 'must be a signal { time, symbol, side, … }', value: s },
    ),
    ...listIssues(series, 'series', 'must be an array of bar series: (await loadData([...])).series', (s) =>
      isObject(s) && typeof s.symbol === 'string' && (s.assetClass === 'crypto' || s.assetClass === 'stock')
        ? null
        : {
            message: 'must be a bar series with a symbol and an assetClass: (await loadData([...])).series',
            value: isObject(s) ? Object.keys(s) : s,
          },
    ),
  ];
  if (issues.length) throw new ValidationError('Invalid signalsFor() input', issues);
  return matchSignals(
    signals,
    series.map((s) => s.symbol),
    new Set(series.filter((s) => s.assetClass === 'crypto').map((s) => s.symbol)),
  );
}

/** `value` as an array named `where` (`whole` when it is none), each element checked by `element` (null: fine). */
function listIssues(
  value: unknown,
  where: string,
  whole: string,
  element: (item: unknown) => Omit<Issue, 'where'> | null,
): Issue[] {
  if (!Array.isArray(value)) return [{ where, message: whole, value }];
  return value.flatMap((item: unknown, i) => {
    const issue = element(item);
    return issue ? [{ where: `${where}[${i}]`, ...issue }] : [];
  });
}
