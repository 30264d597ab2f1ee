import { DataError } from './errors.js';
import { symbolKey } from './symbols.js';
import type { LoadResult } from './types.js';

/**
 * Which loaded files a run uses: the one home of the `--symbols` filter, the one-file-per-symbol rule and the
 * mixed-interval warning. The filter comes first, so a folder holding other symbols' duplicates still loads.
 * When one symbol comes from files of different bar lengths (SOLUSDT_1h.csv and SOLUSDT_1d.csv), the finest is
 * used and a note says which file was left out; files of the same bar length for one symbol are an error.
 * A symbol here is an instrument (symbolKey): BTC/USDT and BTCUSDT are one, whatever file gave each spelling.
 */
export interface SelectOptions {
  /** Keep only these symbols (each must be in the data). */
  only?: readonly string[];
  /** Notes for the user: a file left out for a finer one, bar lengths that differ between symbols. */
  onNote?: (message: string) => void;
  /** Symbols of files left unread because their names give other symbols than `only` (for the message). */
  alsoHeld?: readonly string[];
  /** How the caller's user gave `only`, for the messages: `--symbols` (the CLI, the default) or `options.only`. */
  onlyName?: string;
}

export function intervalLabel(ms: number): string {
  if (ms <= 0) return 'one bar';
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms} ms`;
}

/** Two files of one instrument at one bar length: which to use is the user's choice, never a guess. */
function sameInstrument(prev: LoadResult, r: LoadResult, onlyName: string): DataError {
  const [p, q] = [prev.series, r.series];
  const length = intervalLabel(p.intervalMs);
  if (p.symbol === q.symbol) {
    return new DataError(
      q.source.path,
      `gives symbol ${q.symbol}, like ${p.source.path}, at the same bar length (${length}).`,
      'Load one file per symbol, or rename one of them (the symbol comes from a symbol column or the file name).',
    );
  }
  return new DataError(
    q.source.path,
    `gives ${q.symbol}, the same market as ${p.symbol} in ${p.source.path} spelled another way, at the same bar length (${length}): both would be traded, each with its own orders and margin.`,
    `Use one of them: pick it with ${onlyName} ${p.symbol} (or ${onlyName} ${q.symbol}), pass only its file, or delete the other file (in a data store, also its entry in manifest.json).`,
  );
}

export function selectSeries(results: readonly LoadResult[], options: SelectOptions = {}): LoadResult[] {
  const onlyName = options.onlyName ?? '--symbols';
  let kept = [...results];
  if (options.only?.length) {
    const known = [...new Set(kept.map((r) => r.series.symbol))];
    const unknown = options.only.filter((s) => !known.includes(s));
    if (unknown.length) {
      const held = [...new Set([...known, ...(options.alsoHeld ?? [])])];
      // SOL/USDT asked of a file that says SOLUSDT: the same market spelled another way, so name the spelling.
      const spelled = unknown.flatMap((s) => {
        const same = held.find((h) => symbolKey(h) === symbolKey(s));
        return same ? [`${s} is spelled ${same} here`] : [];
      });
      throw new DataError(
        onlyName,
        `${unknown.join(', ')} not in the data.`,
        `The data holds ${held.join(', ')}; pick from those${spelled.length ? ` (${spelled.join('; ')})` : ''}.`,
      );
    }
    kept = kept.filter((r) => options.only!.includes(r.series.symbol));
  }
  // Keyed by instrument, not spelling: BTC/USDT (ccxt-binance/BTC-USDT_1h.csv) and BTCUSDT (a Binance dump
  // imported beside it) are one market, and simulating both would trade it twice with twice the capacity.
  const bySymbol = new Map<string, LoadResult>();
  for (const r of kept) {
    const key = symbolKey(r.series.symbol);
    const prev = bySymbol.get(key);
    if (!prev) {
      bySymbol.set(key, r);
      continue;
    }
    const [a, b] = [prev.series.intervalMs, r.series.intervalMs];
    if (a === b) throw sameInstrument(prev, r, onlyName);
    const [finer, coarser] = b < a ? [r, prev] : [prev, r];
    bySymbol.set(key, finer);
    // Said whether both files were named or came from a folder: the coarser one was given and is not used.
    const [f, c] = [finer.series.source.path, coarser.series.source.path];
    options.onNote?.(
      `${r.series.symbol}: using ${f} (${intervalLabel(finer.series.intervalMs)} bars) and leaving out ${c} (${intervalLabel(coarser.series.intervalMs)}): one file per symbol is used, the finest; to use the ${intervalLabel(coarser.series.intervalMs)} bars, pass ${c} without ${f}`,
    );
  }
  const out = kept.filter((r) => bySymbol.get(symbolKey(r.series.symbol)) === r);
  const lengths = new Map<number, string[]>();
  for (const r of out)
    lengths.set(r.series.intervalMs, [...(lengths.get(r.series.intervalMs) ?? []), r.series.symbol]);
  if (lengths.size > 1) {
    const parts = [...lengths].map(([ms, symbols]) => `${intervalLabel(ms)}: ${symbols.join(', ')}`);
    options.onNote?.(
      `bar lengths differ between symbols (${parts.join('; ')}); each symbol trades at its own bar closes`,
    );
  }
  return out;
}
