import type { AlpacaBroker } from '../brokers/alpaca/broker.js';
import { alpacaConnection } from '../brokers/alpaca/connect.js';
import { AlpacaMarketData } from '../brokers/alpaca/market-data.js';
import { canonicalSymbol } from '../brokers/alpaca/symbols.js';
import { calendarFromSessions, nyseCalendar, type ExchangeCalendar } from '../core/calendar/index.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import type { AssetClass } from '../core/types.js';
import type { BarSeries } from '../marketdata/index.js';
import { inferAssetClass } from '../marketdata/index.js';
import { AcceleratedClock, DecisionTime, RealClock } from '../ports/clock.js';
import { startHttp, type HttpHandle } from './http.js';
import type { Logger } from '../ports/log.js';
import { LiveMetrics } from './metrics.js';
import { newRunTag } from '../ports/order-ids.js';
import type { LiveBroker, MarketData } from '../ports/venue.js';
import { ReplayBroker, ReplayMarketData } from './replay-broker.js';
import { Runtime, type SessionCalendar } from './runtime.js';
import { CsvSignals, ForecasterSignals, type SignalSource } from './signals-source.js';
import { LiveStore } from './store.js';
import { BarVenue } from './venue.js';
import { feeRates, slippageRate } from '../sim/costs.js';
import { fillThrough } from '../sim/fill-rules.js';
import { buildTimeline, firstBarStep } from '../sim/timeline.js';
import { sessionBarMs } from '../session/bar-length.js';

/** Everything a running session holds, to stop it in order. */
export interface LiveSession {
  runtime: Runtime;
  store: LiveStore;
  metrics: LiveMetrics;
  time: DecisionTime;
  broker: LiveBroker;
  http: HttpHandle | null;
  /** Replay only: the in-process venue. */
  venue: BarVenue | null;
  /** Close HTTP, broker connections and the store (after `runtime.stop`). */
  close(): Promise<void>;
}

interface Common {
  config: WorkstealConfig;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** What named live.stateDb, for the store's refusals: `--db` when typed (default: `live.stateDb`). */
  storeOption?: string;
  /** Serve HTTP (host and port from live.http unless given); false: no server (embedding, some tests). */
  http?: boolean;
  /** Decision time over an injected clock (tests run a session in process on an accelerated clock). */
  time?: DecisionTime;
}

export interface ReplayLaunch extends Common {
  /** Bars to replay (one series per symbol); the venue fills on them and the forecaster reads them. */
  series: readonly BarSeries[];
  /** First and last poll, market time. */
  from: number;
  to: number;
}

export interface AlpacaLaunch extends Common {
  /** Symbols to watch, as Alpaca or the user spells them (BTC/USD and BTCUSD are one). */
  symbols: readonly string[];
  /** Last poll (tests); live sessions run until stopped. */
  to?: number;
}

/**
 * The replay venue over real bars, as `run` and `serve` use it: the simulator's fills, fees (by asset class
 * and liquidity role), slippage and margin interest. Each replay starts afresh: its ids carry the run tag, so
 * two runs in one store never share one.
 */
export function replayVenue(
  config: WorkstealConfig,
  series: readonly BarSeries[],
  now: () => number,
  runTag: string,
): BarVenue {
  return new BarVenue({
    series,
    calendar: nyseCalendar(),
    cash: config.live.initialEquity,
    feeRate: 0,
    fees: feeRates(config.sim),
    patternDayTrader: config.patternDayTrader,
    margin: config.margin,
    now,
    slippage: slippageRate(config.sim),
    through: fillThrough(config.sim),
    extendedHours: config.extendedHours,
    marginRatePerYear: config.marginRatePerYear,
    idPrefix: `r-${runTag}-`,
  });
}

/** A replay session: real bars on an accelerated clock, the same watchers, coordinator and store as live. */
export async function launchReplay(o: ReplayLaunch): Promise<LiveSession> {
  const live = o.config.live;
  const time = o.time ?? new DecisionTime(new AcceleratedClock(o.from, live.replaySpeed), o.from);
  const runTag = newRunTag();
  const venue = replayVenue(o.config, o.series, () => time.now(), runTag);
  const broker = new ReplayBroker(venue);
  const symbols = o.series.map((s) => ({ symbol: s.symbol, assetClass: s.assetClass }));
  // Prices change only at bar closes: the replay polls at each, and at each end-of-day event, as the
  // simulator steps (the same timeline, which also gives the session's bar length as the simulator's).
  const timeline = buildTimeline(o.series, nyseCalendar(), {
    from: o.from,
    to: o.to,
    deleverageLeadMinutes: o.config.deleverageLeadMinutes,
  });
  return assemble(o, {
    time,
    broker,
    venue,
    marketData: new ReplayMarketData(venue),
    calendar: nyseCalendar(),
    symbols,
    start: o.from,
    end: o.to,
    runTag,
    pollTimes: timeline.steps,
    barMs: sessionBarMs(
      timeline.barLengths,
      o.series.map((s) => s.time),
      firstBarStep(timeline),
    ),
  });
}

/** An Alpaca session (paper by default): keys from the environment, REST + trade_updates. */
export async function launchAlpaca(o: AlpacaLaunch): Promise<LiveSession> {
  const realClock = o.time ? null : new RealClock();
  const time = o.time ?? new DecisionTime(realClock!);
  const metrics = new LiveMetrics();
  const { rest, stream, broker } = alpacaConnection({
    env: o.env,
    log: o.log,
    clock: time.clock,
    now: () => time.now(),
    extendedHours: o.config.extendedHours,
    onRateLimited: () => metrics.rateLimited.inc(),
  });
  await stream.start();
  let calendar: SessionCalendar;
  try {
    if (realClock) {
      const venueClock = await broker.clock();
      realClock.syncTo(venueClock.timestamp);
      o.log.info('clock-synced', {
        venue: new Date(venueClock.timestamp).toISOString(),
        offsetMs: realClock.offset,
      });
    }
    const venueSessions = await venueCalendar(broker, time.now(), o.log);
    // The adapter sends (or refuses) stock limits by the same sessions the coordinator decides by.
    broker.useCalendar(venueSessions);
    calendar = venueSessions;
  } catch (error) {
    await broker.close(); // an open stream would keep the process alive after the error
    throw error;
  }
  const assetClassOf = assetClassLookup(o.config);
  const symbols = [...new Set(o.symbols.map((s) => canonicalSymbol(s, assetClassOf(s))))].map((symbol) => ({
    symbol,
    assetClass: assetClassOf(symbol),
  }));
  const marketData = new AlpacaMarketData({ rest, assetClassOf, now: () => time.now() });
  return assemble(
    o,
    {
      time,
      broker,
      venue: null,
      marketData,
      calendar,
      symbols,
      runTag: newRunTag(),
      start: time.now(),
      barMs: marketData.intervalMs,
      ...(o.to === undefined ? {} : { end: o.to }),
    },
    metrics,
  );
}

/** config.symbols says; otherwise the symbol's shape (BTC/USD, ETHUSD are crypto; AAPL a stock). */
export function assetClassLookup(config: WorkstealConfig): (symbol: string) => AssetClass {
  return (symbol) => config.symbols[symbol]?.assetClass ?? inferAssetClass(symbol);
}

async function assemble(
  o: Common,
  p: {
    time: DecisionTime;
    broker: LiveBroker;
    venue: BarVenue | null;
    marketData: MarketData;
    calendar: SessionCalendar;
    symbols: { symbol: string; assetClass: AssetClass }[];
    runTag: string;
    start: number;
    end?: number;
    pollTimes?: Float64Array;
    barMs: number;
  },
  metrics = new LiveMetrics(),
): Promise<LiveSession> {
  const live = o.config.live;
  const token = o.env.WORKSTEAL_TOKEN || undefined;
  o.log.addSecret(token);
  let signals: SignalSource | null = null;
  let store: LiveStore | null = null;
  let runtime: Runtime | null = null;
  let http: HttpHandle | null = null;
  try {
    signals = live.signalsCsv
      ? await CsvSignals.open(
          live.signalsCsv,
          o.log,
          p.symbols.filter((s) => s.assetClass === 'crypto').map((s) => s.symbol),
        )
      : new ForecasterSignals(p.marketData, o.config.sim.forecaster);
    store = new LiveStore(live.stateDb, { option: o.storeOption });
    runtime = new Runtime({
      config: o.config,
      broker: p.broker,
      marketData: p.marketData,
      signals,
      time: p.time,
      calendar: p.calendar,
      store,
      metrics,
      log: o.log,
      symbols: p.symbols,
      runTag: p.runTag,
      start: p.start,
      barMs: p.barMs,
      ...(p.end === undefined ? {} : { end: p.end }),
      ...(p.pollTimes === undefined ? {} : { pollTimes: p.pollTimes }),
    });
    await runtime.start();
    if (o.http !== false) {
      http = await startHttp({
        host: live.http.host,
        port: live.http.port,
        allowedHosts: live.http.allowedHosts,
        token,
        target: runtime,
        metrics,
        log: o.log,
      });
      if (!['127.0.0.1', '::1', 'localhost'].includes(live.http.host)) {
        o.log.warn('http-exposed', {
          host: live.http.host,
          detail: '/status and /metrics are reachable beyond this machine',
        });
      }
      o.log.info('http', {
        url: http.url,
        control: token ? 'enabled (bearer token)' : 'disabled: set WORKSTEAL_TOKEN',
      });
    }
  } catch (error) {
    // Leave nothing open behind a failed start: an open stream or watch would keep the process alive.
    if (runtime && store?.currentRun) await runtime.stop('start-failed', false);
    else signals?.close();
    await p.broker.close();
    store?.close();
    throw error;
  }
  const opened = { runtime, store };
  return {
    ...opened,
    metrics,
    time: p.time,
    broker: p.broker,
    http,
    venue: p.venue,
    close: async () => {
      await http?.close();
      await p.broker.close();
      opened.store.close();
    },
  };
}

/**
 * The venue's trading calendar around now (Alpaca /v2/calendar), NYSE's own rules beyond the fetched range
 * or when the venue cannot be asked. It tells each day's session too (`sessionFor`): with extendedHours the
 * coordinator holds a stock back outside the pre-market, regular and after-hours sessions of a trading day,
 * where the adapter would refuse to send it (limitHours); without it a stock went through at any hour, and a
 * steal decided overnight cancelled its victims for an order that was never sent.
 */
async function venueCalendar(
  broker: AlpacaBroker,
  now: number,
  log: Logger,
): Promise<SessionCalendar & Pick<ExchangeCalendar, 'sessionFor'>> {
  const nyse = nyseCalendar();
  const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
  const from = now - 10 * 86_400_000;
  const until = now + 370 * 86_400_000;
  let venue: ExchangeCalendar;
  try {
    const sessions = await broker.calendar(day(from), day(until));
    venue = calendarFromSessions({ name: 'alpaca', sessions }, 'Alpaca /v2/calendar');
  } catch (error) {
    log.warn('calendar-fallback', { message: (error as Error).message, detail: 'using the NYSE calendar' });
    return nyse;
  }
  const pick = (t: number): ExchangeCalendar => (t >= from && t < until ? venue : nyse);
  const [firstDay, lastDay] = [day(from), day(until)];
  return {
    isRegularSession: (t) => pick(t).isRegularSession(t),
    sessionAt: (t) => pick(t).sessionAt(t),
    nextClose: (t) => pick(t).nextClose(t),
    sessionFor: (d) => (d >= firstDay && d < lastDay ? venue : nyse).sessionFor(d),
  };
}
