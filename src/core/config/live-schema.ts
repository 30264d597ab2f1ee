import { z } from 'zod';

/**
 * The `live` section: how `worksteal run` watches, paces, serves and persists. Only settings live here;
 * API keys never do (they come from the environment, see docs/live.md).
 */

const fraction = z.number().finite().min(0).max(1);

/** A list of symbols; an environment variable gives it comma separated (`WORKSTEAL_LIVE_SYMBOLS=BTC/USD,AAPL`). */
const symbolList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string().min(1)),
);

export const liveSchema = z.strictObject({
  /** Seconds of market time between two polls of every watcher; `serve` executing: the oldest broker view a request decides on. */
  pollSec: z.number().finite().gt(0).max(86_400),
  /** Replay only: market seconds per wall second (3600 = one market hour per second). */
  replaySpeed: z.number().finite().gt(0),
  http: z.strictObject({
    /** Loopback by default; anything else exposes /status and /metrics beyond this machine. */
    host: z.string().min(1),
    /** 0 picks a free port (printed at start). */
    port: z.number().int().min(0).max(65_535),
    /** Host names requests may name beside loopback (DNS rebinding defence); comma separated in the environment. */
    allowedHosts: symbolList,
  }),
  alerts: z.strictObject({
    /** Alert when steals / steal attempts over the recent window falls below this. */
    stealSuccessBelow: fraction,
    /** Alert when blocks / (places + steals + blocks) over the recent window rises above this. */
    blockRateAbove: fraction,
    /** No alert before the window holds this many decisions. */
    minDecisions: z.number().int().min(1),
    /** How many recent decisions the rates are computed over. */
    window: z.number().int().min(1),
    /** Optional: each alert is POSTed here as JSON (never logged in full: it may hold a token). */
    webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  /** On SIGINT/SIGTERM, cancel resting entry orders before exiting (exits are always left armed). */
  cancelEntriesOnStop: z.boolean(),
  /** Signals CSV (re-read when it changes); when absent the built-in forecaster runs on live bars. */
  signalsCsv: z.string().min(1).optional(),
  /** Symbols to watch; empty = every symbol of the replay data (replay) — Alpaca needs them named. */
  symbols: symbolList,
  /** SQLite file for orders, sagas, decisions, steal history and cooldowns (WAL mode). */
  stateDb: z.string().min(1),
  /** Notional of one entry order as a fraction of equity at the decision time. */
  orderFraction: z.number().finite().gt(0).max(1),
  /** Replay only: starting cash of the simulated account. */
  initialEquity: z.number().finite().gt(0),
});

export type LiveConfig = z.infer<typeof liveSchema>;

export const DEFAULT_LIVE: LiveConfig = {
  pollSec: 60,
  replaySpeed: 3600,
  http: { host: '127.0.0.1', port: 8787, allowedHosts: [] },
  alerts: {
    stealSuccessBelow: 0.2,
    blockRateAbove: 0.8,
    minDecisions: 50,
    window: 200,
    webhookUrl: undefined,
  },
  cancelEntriesOnStop: false,
  signalsCsv: undefined,
  symbols: [],
  stateDb: './worksteal-live.sqlite',
  orderFraction: 0.25,
  initialEquity: 100_000,
};
