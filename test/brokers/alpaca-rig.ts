import { afterEach } from 'vitest';
import { AlpacaBroker, type AlpacaBrokerOptions } from '../../src/brokers/alpaca/broker.js';
import { RateLimiter } from '../../src/brokers/alpaca/limiter.js';
import { AlpacaRest } from '../../src/brokers/alpaca/rest.js';
import { AlpacaStream, type StreamOptions } from '../../src/brokers/alpaca/stream.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/core/config/index.js';
import { launchAlpaca } from '../../src/live/launch.js';
import { RealClock } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { OrderEvent } from '../../src/ports/venue.js';
import { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { FakeAlpaca, type FakeAlpacaOptions } from '../support/fake-alpaca.js';
import { loadReal } from '../support/marketdata.js';

/** The Alpaca adapter wired to the fake Alpaca server over real HTTP and WebSocket on 127.0.0.1. */
export const KEY = { keyId: 'PKRIGKEY0000TEST', secret: 'rig-secret-value-0001' };
export const T0 = Date.parse('2024-03-09T12:00:30Z'); // Saturday: crypto trades, stocks do not

export interface Rig {
  venue: BarVenue;
  fake: FakeAlpaca;
  broker: AlpacaBroker;
  stream: AlpacaStream;
  time: { t: number };
  held: Set<string>;
  events: OrderEvent[];
  log: MemorySink;
}

export async function realSeries(): Promise<BarSeries[]> {
  const loaded = await loadReal([
    'binance-spot-yanniedog/SOLUSDT_1h.csv',
    'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  ]);
  return loaded.map((l) => ({ ...l.series, symbol: l.series.symbol.replace(/USDT$/, '/USD') }));
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.broker.close();
    await r.fake.close();
  }
});

export async function rig(
  series: BarSeries[],
  options: {
    t0?: number;
    cash?: number;
    broker?: Partial<AlpacaBrokerOptions>;
    stream?: Partial<StreamOptions>;
    timeoutMs?: number;
    fake?: Pick<FakeAlpacaOptions, 'assets'>;
  } = {},
): Promise<Rig> {
  const time = { t: options.t0 ?? T0 };
  const held = new Set<string>();
  const venue = new BarVenue({
    series,
    calendar: nyseCalendar(),
    cash: options.cash ?? 10_000,
    feeRate: 0,
    patternDayTrader: false,
    margin: DEFAULT_CONFIG.margin,
    now: () => time.t,
  });
  const fake = new FakeAlpaca({
    venue,
    ...KEY,
    holdCancel: (o) => held.has(o.clientOrderId),
    ...options.fake,
  });
  await fake.start();
  const sink = new MemorySink();
  const log = new Logger([sink]);
  const clock = new RealClock();
  const rest = new AlpacaRest({
    tradingUrl: fake.url,
    dataUrl: fake.url,
    credentials: KEY,
    limiter: new RateLimiter(clock),
    now: () => clock.now(),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const stream = new AlpacaStream({
    url: fake.streamUrl,
    credentials: KEY,
    log,
    reconnectMs: 20,
    ...options.stream,
  });
  const broker = new AlpacaBroker({
    rest,
    stream,
    log,
    cancelPollMs: 50,
    cancelTimeoutMs: 10_000,
    now: () => time.t,
    ...options.broker,
  });
  await stream.start();
  const events: OrderEvent[] = [];
  broker.onOrderEvent((e) => events.push(e));
  const r = { venue, fake, broker, stream, time, held, events, log: sink };
  rigs.push(r);
  return r;
}

export const nextEvent = (r: Rig, match: (e: OrderEvent) => boolean): Promise<OrderEvent> =>
  new Promise((resolve) => {
    const stop = r.broker.onOrderEvent((e) => {
      if (match(e)) {
        stop();
        resolve(e);
      }
    });
  });

/** Resolves once the fake has answered `n` more requests matching. */
export function requestsSeen(
  r: Rig,
  match: (q: { method: string; path: string }) => boolean,
  n: number,
): Promise<void> {
  const start = r.fake.requests.filter(match).length;
  return new Promise((resolve) => {
    const check = (): void => {
      if (r.fake.requests.filter(match).length >= start + n) resolve();
      else setTimeout(check, 10);
    };
    check();
  });
}

/** The parsed log lines with this event name. */
export const logged = (r: Rig, event: string): Record<string, unknown>[] =>
  r.log.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === event);

/** `launchAlpaca` as `worksteal run` calls it, with the rig's key, the default config and `env` on top. */
export const launchWithKey = (env: Record<string, string>): ReturnType<typeof launchAlpaca> =>
  launchAlpaca({
    config: resolveConfig({ layers: [] }).config,
    env: { ALPACA_API_KEY_ID: KEY.keyId, ALPACA_API_SECRET_KEY: KEY.secret, ...env },
    log: new Logger([new MemorySink()]),
    symbols: ['SOL/USD'],
    http: false,
  });
