/** Shapes shared by the data sources, the downloader and the store. */
import type { AssetClass } from '../core/types.js';

/** One bar as a source delivers it: open time in epoch ms UTC. */
export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * A remote source of bars (an exchange through ccxt, Alpaca's market-data API). Sources translate their
 * failures into DownloadError, retry what is worth retrying themselves, and know nothing about the store.
 */
export interface BarSource {
  /** Folder name in the store and `source` in the manifest: 'ccxt-binance', 'alpaca'. */
  readonly id: string;
  /** For messages: 'binance', 'Alpaca'. */
  readonly label: string;
  readonly assetClass: AssetClass;
  /**
   * True when resolveSymbols checks symbols against a market list. When false (Alpaca), a new symbol that
   * yields no bars at all is reported as unknown, since the source cannot tell the two apart.
   */
  readonly checksSymbols: boolean;
  /** How the source spells symbols, with examples other than `symbol` (for a message about `symbol`). */
  symbolHint?(symbol: string): string;
  /** Throws a usage DownloadError naming the timeframes the source supports. */
  checkTimeframe(timeframe: string): void;
  /**
   * Checks the symbols before anything is downloaded and returns them as the source spells them (ccxt:
   * 'BTCUSDT' → 'BTC/USDT'). An unknown symbol is a DownloadError naming it and a few similar known ones.
   */
  resolveSymbols(symbols: readonly string[]): Promise<string[]>;
  /**
   * Pages of bars with open time in [since, until), ascending within a page; the caller stops early when it
   * has enough. Bars outside the range may appear (some exchanges ignore `since`); the caller filters.
   */
  pages(symbol: string, timeframe: string, since: number, until: number): AsyncIterable<Bar[]>;
  close(): Promise<void>;
}
