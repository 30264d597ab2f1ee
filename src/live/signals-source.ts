import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ForecasterConfig } from '../core/config/schema.js';
import type { Side } from '../core/types.js';
import { symbolKey } from '../marketdata/symbols.js';
import { cryptoShortWarning, loadSignalsCsv, type ExternalSignal } from '../sim/signals/csv-signals.js';
import { forecastSignals } from '../sim/signals/forecaster.js';
import type { Logger } from '../ports/log.js';
import type { MarketData } from '../ports/venue.js';

/** What an entry watcher trades on: a limit, a take-profit, an expected PnL, a validity. */
export interface LiveSignal {
  /** Identity: a watcher whose resting order was placed for this key does not ask again. */
  key: string;
  side: Side;
  entry: number;
  takeProfit: number;
  /** From the signals file; null for the forecaster (PnL then = edge × notional, as in the simulator). */
  expectedPnl: number | null;
  /** Expected return, `|takeProfit / entry − 1|`. */
  edge: number;
  validUntil: number;
}

export interface SignalSource {
  /** Bring signals up to date for this poll (new bars, a changed file). */
  refresh(now: number, symbols: readonly string[]): Promise<void>;
  /**
   * The newest signal known now, still valid and not yet traded. A watcher takes it when it holds none (or
   * its own expired) and keeps it until it expires: the session's rule, src/session/signals.ts.
   */
  current(symbol: string, now: number): LiveSignal | null;
  /** The entry placed for this signal filled: a signal is traded once. */
  consume(symbol: string, key: string): void;
  close(): void;
}

/** BTC/USD, BTCUSD and btc/usd name the same instrument: the one rule, shared with the simulator. */
export { symbolKey };

interface ForecastState {
  lastBarTime: number;
  latest: { key: string; entry: number; takeProfit: number; edge: number; intervalMs: number } | null;
  consumedKey: string | null;
}

/**
 * The simulator's causal forecaster on live bars. At each poll it reads the bars closed so far (just enough
 * history for the forecaster's window, so the values equal those of a full-history run); the newest bar's
 * forecast is the current signal, valid `validBars` bars from when it is taken.
 */
export class ForecasterSignals implements SignalSource {
  private readonly state = new Map<string, ForecastState>();

  constructor(
    private readonly marketData: MarketData,
    private readonly config: ForecasterConfig,
  ) {}

  async refresh(now: number, symbols: readonly string[]): Promise<void> {
    const need = this.config.lookbackBars + this.config.horizonBars + 1;
    for (const symbol of symbols) {
      let st = this.state.get(symbol);
      if (!st) this.state.set(symbol, (st = { lastBarTime: Number.NaN, latest: null, consumedKey: null }));
      const bars = await this.marketData.bars(symbol, need);
      const n = bars?.time.length ?? 0;
      if (bars && n > 0 && bars.time[n - 1] !== st.lastBarTime) {
        st.lastBarTime = bars.time[n - 1]!;
        const cols = forecastSignals(bars.high, bars.low, bars.close, this.config, n - 1);
        const entry = cols.entry[n - 1]!;
        st.latest = Number.isFinite(entry)
          ? {
              key: `${symbol}@${st.lastBarTime}`,
              entry,
              takeProfit: cols.takeProfit[n - 1]!,
              edge: cols.edge[n - 1]!,
              intervalMs: bars.intervalMs,
            }
          : null;
      }
    }
  }

  current(symbol: string, now: number): LiveSignal | null {
    const st = this.state.get(symbol);
    const latest = st?.latest;
    if (!latest || latest.key === st.consumedKey) return null;
    return {
      key: latest.key,
      side: 'buy',
      entry: latest.entry,
      takeProfit: latest.takeProfit,
      expectedPnl: null,
      edge: latest.edge,
      validUntil: now + this.config.validBars * latest.intervalMs,
    };
  }

  consume(symbol: string, key: string): void {
    const st = this.state.get(symbol);
    if (st) st.consumedKey = key;
  }

  close(): void {}
}

/**
 * Signals from a CSV file (the simulator's format), re-read whenever the file changes: a watch on its folder
 * flags a change at once, and the file's size and time are checked at every poll in case the watch misses
 * one (editors that replace the file, network folders). A bad file is reported and the previous signals stay.
 * For each symbol the newest row already known (time ≤ now) and still valid is current.
 */
export class CsvSignals implements SignalSource {
  private signals = new Map<string, ExternalSignal[]>();
  private readonly consumed = new Set<string>();
  private stamp = '';
  private dirty = true;
  private watcher: FSWatcher | null = null;

  private constructor(
    private readonly path: string,
    private readonly log: Logger,
    private readonly isCrypto: (symbol: string) => boolean,
  ) {}

  /**
   * Load the file now (a bad file at start is an error for the caller) and start watching it. `cryptoSymbols`:
   * the run's crypto symbols, whose sell rows place nothing (said at each read).
   */
  static async open(path: string, log: Logger, cryptoSymbols: readonly string[] = []): Promise<CsvSignals> {
    const crypto = new Set(cryptoSymbols.map(symbolKey));
    const source = new CsvSignals(path, log, (symbol) => crypto.has(symbolKey(symbol)));
    source.install(await loadSignalsCsv(path));
    source.stamp = await fileStamp(path);
    source.dirty = false;
    try {
      const name = basename(path);
      source.watcher = watch(dirname(path), (_event, file) => {
        if (file === null || file === name) source.dirty = true;
      });
      source.watcher.unref();
    } catch {
      // Watching is an optimisation; the per-poll check still sees every change.
    }
    return source;
  }

  async refresh(): Promise<void> {
    const stampNow = await fileStamp(this.path);
    if (!this.dirty && stampNow === this.stamp) return;
    this.dirty = false;
    this.stamp = stampNow;
    try {
      const rows = await loadSignalsCsv(this.path);
      this.install(rows);
      this.log.info('signals-reloaded', { file: this.path, rows: rows.length });
    } catch (error) {
      this.log.error('signals-file-rejected', {
        file: this.path,
        message: (error as Error).message,
        action: 'kept the previous signals; fix the file and save it again',
      });
    }
  }

  current(symbol: string, now: number): LiveSignal | null {
    const rows = this.signals.get(symbolKey(symbol));
    if (!rows) return null;
    for (let i = rows.length - 1; i >= 0; i--) {
      const s = rows[i]!;
      if (s.time > now) continue;
      if (s.validUntil <= now) return null;
      const key = `${symbolKey(s.symbol)}|${s.time}|${s.side}|${s.entry}`;
      if (this.consumed.has(key)) return null;
      return {
        key,
        side: s.side,
        entry: s.entry,
        takeProfit: s.takeProfit,
        expectedPnl: s.expectedPnl,
        edge: Math.abs(s.takeProfit / s.entry - 1),
        validUntil: s.validUntil,
      };
    }
    return null;
  }

  consume(_symbol: string, key: string): void {
    this.consumed.add(key);
  }

  close(): void {
    this.watcher?.close();
  }

  private install(rows: ExternalSignal[]): void {
    const shorts = cryptoShortWarning(rows, this.isCrypto);
    if (shorts) this.log.warn('signals-crypto-shorts-ignored', { file: this.path, message: shorts });
    const next = new Map<string, ExternalSignal[]>();
    for (const r of rows) {
      const key = symbolKey(r.symbol);
      let list = next.get(key);
      if (!list) next.set(key, (list = []));
      list.push(r);
    }
    this.signals = next;
  }
}

async function fileStamp(path: string): Promise<string> {
  try {
    const s = await stat(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
