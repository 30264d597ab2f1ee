import type { SessionOracle } from '../coordinator/coordinator.js';
import type { Session } from '../core/calendar/index.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import type { AssetClass } from '../core/types.js';
import type { DecisionTime } from '../ports/clock.js';
import type { Logger } from '../ports/log.js';
import type { LiveMetrics } from './metrics.js';
import type { LiveBroker, MarketData } from '../ports/venue.js';
import type { SignalSource } from './signals-source.js';
import type { LiveStore } from './store.js';

/** The calendar as the runtime needs it: whether the market is open, and the session (its close) at a time. */
export interface SessionCalendar extends SessionOracle {
  sessionAt(t: number): Session | null;
  /** The close of the session open at t, or of the next one (end-of-day polls); optional for embedders. */
  nextClose?(t: number): number | null;
}

export interface RuntimeOptions {
  config: WorkstealConfig;
  broker: LiveBroker;
  marketData: MarketData;
  signals: SignalSource;
  time: DecisionTime;
  calendar: SessionCalendar;
  store: LiveStore;
  metrics: LiveMetrics;
  log: Logger;
  symbols: readonly { symbol: string; assetClass: AssetClass }[];
  runTag: string;
  /**
   * First poll (market time). Watchers are first asked at a price made after it (src/session/asking.ts), as
   * the simulator simulates bars closing after its `from`.
   */
  start: number;
  /** Replay: the last poll; the loop ends after it. */
  end?: number;
  /**
   * Replay: the times prices change, ascending (every bar close and end-of-day event, the simulator's steps):
   * the replay polls at each of them, besides every `pollSec`.
   */
  pollTimes?: Float64Array;
  /**
   * The bar length the session trades on (ms): the `*Bars` keys (cooldownBars, fightWindowBars,
   * fightCooldownBars) count in it, as in the simulator. Absent or 0: unknown, the `*Sec` keys apply.
   */
  barMs?: number;
  /** How long a stop waits for the poll in flight (a cancel awaiting its confirmation) before giving up. */
  stopWaitMs?: number;
}
