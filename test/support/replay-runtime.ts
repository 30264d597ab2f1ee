import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { WorkstealConfig } from '../../src/core/config/schema.js';
import type { DecisionTime } from '../../src/ports/clock.js';
import type { Logger } from '../../src/ports/log.js';
import type { LiveBroker } from '../../src/ports/venue.js';
import { LiveMetrics } from '../../src/live/metrics.js';
import { ReplayBroker, ReplayMarketData } from '../../src/live/replay-broker.js';
import { Runtime } from '../../src/live/runtime.js';
import { ForecasterSignals, type SignalSource } from '../../src/live/signals-source.js';
import type { LiveStore } from '../../src/live/store.js';
import { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';

/**
 * A runtime in process over a simulated venue: the forecaster's signals and the market data from the venue's
 * bars, every venue symbol watched unless `symbols` says otherwise, and a ReplayBroker unless a test brings
 * its own (a subclass that fails, holds buying power, …). A test may bring its own `signals` and `metrics`
 * too. The same `runTag` names the same replay venue.
 */
export function replayRuntime(input: {
  config: WorkstealConfig;
  venue: BarVenue;
  time: DecisionTime;
  store: LiveStore;
  log: Logger;
  runTag: string;
  start: number;
  end: number;
  broker?: LiveBroker;
  signals?: SignalSource;
  metrics?: LiveMetrics;
  symbols?: readonly string[];
  barMs?: number;
}): Runtime {
  const { venue } = input;
  return new Runtime({
    config: input.config,
    broker: input.broker ?? new ReplayBroker(venue),
    marketData: new ReplayMarketData(venue),
    signals: input.signals ?? new ForecasterSignals(new ReplayMarketData(venue), input.config.sim.forecaster),
    time: input.time,
    calendar: nyseCalendar(),
    store: input.store,
    metrics: input.metrics ?? new LiveMetrics(),
    log: input.log,
    symbols: (input.symbols ?? venue.symbols).map((symbol) => ({
      symbol,
      assetClass: venue.assetClassOf(symbol)!,
    })),
    runTag: input.runTag,
    start: input.start,
    end: input.end,
    ...(input.barMs === undefined ? {} : { barMs: input.barMs }),
  });
}

/** A simulated venue over `series` for `config`'s account (no fees), at the decision time's clock. */
export function configVenue(
  config: WorkstealConfig,
  series: readonly BarSeries[],
  time: Pick<DecisionTime, 'now'>,
): BarVenue {
  return new BarVenue({
    series: [...series],
    calendar: nyseCalendar(),
    cash: config.live.initialEquity,
    feeRate: 0,
    patternDayTrader: config.patternDayTrader,
    margin: config.margin,
    now: () => time.now(),
  });
}

/**
 * The live tests' replay configuration: no fees, 10,000 of equity, entries of 45% (so three symbols compete
 * for capacity), an hourly poll, the store at `stateDb`. `values` adds top-level keys (a ranking, extended
 * hours, …) and replaces a whole `sim` or `live` it names.
 */
export function replayTestConfig(stateDb: string, values: Record<string, unknown> = {}): WorkstealConfig {
  return resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          sim: { feesBps: 0 },
          live: { initialEquity: 10_000, orderFraction: 0.45, pollSec: 3600, stateDb },
          ...values,
        },
      },
    ],
  }).config;
}
