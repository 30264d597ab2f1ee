import { expect } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import type { WorkstealConfig } from '../../src/core/config/schema.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { LiveBroker } from '../../src/ports/venue.js';
import type { LiveMetrics } from '../../src/live/metrics.js';
import type { Runtime } from '../../src/live/runtime.js';
import type { LiveSignal, SignalSource } from '../../src/live/signals-source.js';
import type { LiveStore } from '../../src/live/store.js';
import type { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { configVenue, replayRuntime } from './replay-runtime.js';

/**
 * The run-loop models of test/live: a few stock symbols on flat half-hour bars, fixed buy signals, a
 * pattern-day-trader account of 100,000 without fees, and a runtime over a replay venue on an accelerated
 * clock. What each model varies (its broker, its account's positions, when it stops) stays in its file.
 */

export const HALF_HOUR = 1_800_000;
/** A regular session: Tuesday 2024-03-05, 9:30 to 16:00 New York. */
export const OPEN = Date.parse('2024-03-05T14:30:00Z');
export const CLOSE = Date.parse('2024-03-05T21:00:00Z');
/** The next session's open (Wednesday 2024-03-06). */
export const NEXT_OPEN = Date.parse('2024-03-06T14:30:00Z');
/** Half-hour bars in the session from OPEN to CLOSE. */
export const BARS = Math.round((CLOSE - OPEN) / HALF_HOUR);

/** A session's [open, close) in ms. */
export type Session = readonly [open: number, close: number];

/**
 * Half-hour stock bars at a flat 100 (high 100.2, low 99.8: lows above an entry at 99.6, so no resting limit
 * fills by itself) over `sessions` (the one from OPEN to CLOSE unless given). When `dip` is a bar's index
 * (0 or more), that bar's low dips to 99 and an entry at 99.6 fills there.
 */
export function stockBars(
  symbol: string,
  options: { dip?: number; sessions?: readonly Session[] } = {},
): BarSeries {
  const times: number[] = [];
  for (const [open, close] of options.sessions ?? [[OPEN, CLOSE]])
    for (let t = open; t < close; t += HALF_HOUR) times.push(t);
  const flat = (v: number) => new Float64Array(times.length).fill(v);
  const low = flat(99.8);
  const dip = options.dip ?? -1;
  if (dip >= 0) low[dip] = 99;
  return {
    symbol,
    assetClass: 'stock',
    intervalMs: HALF_HOUR,
    time: Float64Array.from(times),
    open: flat(100),
    high: flat(100.2),
    low,
    close: flat(100),
    volume: flat(1000),
    source: { path: `${symbol}.csv`, sha256: '', layout: 'test', timezone: 'UTC' },
  };
}

/**
 * A buy signal per symbol, valid all day, with take-profit `takeProfit` (102 unless given: never reached on
 * stockBars). `entries` is the entry limit of every symbol, or of the symbols it names (the others have
 * no signal).
 */
export class FixedSignals implements SignalSource {
  constructor(
    private readonly entries: number | Readonly<Record<string, number>>,
    private readonly takeProfit = 102,
  ) {}
  async refresh(): Promise<void> {}
  current(symbol: string): LiveSignal | null {
    const entry = typeof this.entries === 'number' ? this.entries : this.entries[symbol];
    if (entry === undefined) return null;
    return {
      key: `${symbol}-1`,
      side: 'buy',
      entry,
      takeProfit: this.takeProfit,
      expectedPnl: 100,
      edge: this.takeProfit / entry - 1,
      validUntil: Number.POSITIVE_INFINITY,
    };
  }
  consume(): void {}
  close(): void {}
}

/** What a model sets over the loop's configuration. */
export interface LoopSettings {
  sim?: Partial<WorkstealConfig['sim']>;
  live?: Partial<WorkstealConfig['live']>;
}

/**
 * The configuration of a model's run, its state in `stateDb`: no fees, 100,000 of equity, 10% of it an
 * order, a poll every 15 minutes; `settings` adds to or overrides these.
 */
export function loopConfig(stateDb: string, settings: LoopSettings = {}): WorkstealConfig {
  return resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          sim: { feesBps: 0, ...settings.sim },
          live: { initialEquity: 100_000, orderFraction: 0.1, pollSec: 900, ...settings.live, stateDb },
        },
      },
    ],
  }).config;
}

/** A decision time at `at` on a clock that runs a billion times as fast as the wall's. */
export function acceleratedTime(at: number): DecisionTime {
  return new DecisionTime(new AcceleratedClock(at, 1e9), at);
}

export interface LoopModel {
  readonly config: WorkstealConfig;
  readonly venue: BarVenue;
  /**
   * The decision time: the venue reads the current one at every look, a runtime takes the one current when
   * it is made, so a restart may set a new one for the runtime after it.
   */
  time: DecisionTime;
}

/** A model's configuration (loopConfig), its venue over `series`, and its time from `start` (OPEN unless given). */
export function loopModel(
  input: { stateDb: string; series: readonly BarSeries[]; start?: number } & LoopSettings,
): LoopModel {
  const config = loopConfig(input.stateDb, input);
  const start = input.start ?? OPEN;
  let time = acceleratedTime(start);
  const venue = configVenue(config, input.series, { now: () => time.now() });
  return {
    config,
    venue,
    get time() {
      return time;
    },
    set time(next) {
      time = next;
    },
  };
}

/**
 * Seeds the model's account with 250,000 of stock on 85,000 of equity: AAA bought at 110 (1,500 shares,
 * a loss of 15,000 at 100) and BBB at 100 (1,000). Each is held by a take-profit of ours for all of it at
 * `takeProfit` when one is given.
 */
export function seedLongs(venue: BarVenue, takeProfit?: number): void {
  for (const [symbol, qty, price] of [
    ['AAA', 1500, 110],
    ['BBB', 1000, 100],
  ] as const) {
    const placed = venue.place({
      clientOrderId: `seed-${symbol}`,
      symbol,
      side: 'buy',
      role: 'entry',
      limitPrice: price,
      qty,
    });
    if (!placed.ok) throw new Error(placed.reason);
    venue.fillNow(placed.order.id, price);
    if (takeProfit === undefined) continue;
    const tp = { clientOrderId: `seed-tp-${symbol}`, symbol, side: 'sell', role: 'take-profit' } as const;
    if (!venue.place({ ...tp, limitPrice: takeProfit, qty }).ok)
      throw new Error(`no take-profit for ${symbol}`);
  }
}

/**
 * A runtime of the model at its current time, watching every venue symbol: a ReplayBroker unless `broker`
 * is given, a quiet log unless `log` is.
 */
export function loopRuntime(
  model: LoopModel,
  input: {
    store: LiveStore;
    signals: SignalSource;
    runTag: string;
    start: number;
    end: number;
    broker?: LiveBroker;
    metrics?: LiveMetrics;
    log?: Logger;
  },
): Runtime {
  return replayRuntime({
    config: model.config,
    venue: model.venue,
    time: model.time,
    ...input,
    log: input.log ?? new Logger([new MemorySink()]),
  });
}

/** Starts `runtime`, runs it to its end, and stops it as at the end of the data. */
export async function runToEnd(runtime: Runtime): Promise<void> {
  await runtime.start();
  expect(await runtime.run()).toBe('end');
  await runtime.stop('end-of-data', false);
}
