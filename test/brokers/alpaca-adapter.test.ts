import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../src/brokers/alpaca/broker.js';
import { alpacaCredentials, alpacaEndpoints } from '../../src/brokers/alpaca/env.js';
import { RateLimiter, type LimiterClock } from '../../src/brokers/alpaca/limiter.js';
import { AlpacaRest } from '../../src/brokers/alpaca/rest.js';
import { AlpacaStream } from '../../src/brokers/alpaca/stream.js';
import { canonicalSymbol, sameSymbol } from '../../src/brokers/alpaca/symbols.js';
import type { PlaceLimitRequest } from '../../src/coordinator/broker.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import { RealClock } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { OrderEvent, VenueOrder } from '../../src/ports/venue.js';
import { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { FakeAlpaca } from '../support/fake-alpaca.js';
import { loadReal } from '../support/marketdata.js';

const KEY = { keyId: 'PKADAPTERTEST01', secret: 'adapter-test-secret-01' };
const T0 = Date.parse('2024-03-09T12:00:30Z'); // Saturday: crypto trades, stocks do not
const H = 3_600_000;

let series: BarSeries[];
beforeAll(async () => {
  const loaded = await loadReal([
    'binance-spot-yanniedog/SOLUSDT_1h.csv',
    'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  ]);
  series = loaded.map((l) => ({ ...l.series, symbol: l.series.symbol.replace(/USDT$/, '/USD') }));
});

interface Rig {
  venue: BarVenue;
  fake: FakeAlpaca;
  broker: AlpacaBroker;
  time: { t: number };
  held: Set<string>;
  race: Map<string, number>;
  events: OrderEvent[];
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.broker.close();
    await r.fake.close();
  }
});

async function rig(
  options: { rateLimit?: { burst: number }; clock?: LimiterClock & { t?: number } } = {},
): Promise<Rig> {
  const time = { t: T0 };
  const held = new Set<string>();
  const race = new Map<string, number>();
  const venue = new BarVenue({
    series,
    calendar: nyseCalendar(),
    cash: 10_000,
    feeRate: 0,
    patternDayTrader: false,
    margin: DEFAULT_CONFIG.margin,
    now: () => time.t,
  });
  const clock = options.clock ?? new RealClock();
  const fake = new FakeAlpaca({
    venue,
    ...KEY,
    holdCancel: (o) => held.has(o.clientOrderId),
    raceFill: (o) => race.get(o.clientOrderId) ?? null,
    ...(options.rateLimit
      ? { rateLimit: { ...options.rateLimit, windowMs: 60_000, now: () => clock.now() } }
      : {}),
  });
  await fake.start();
  const log = new Logger([new MemorySink()]);
  const rest = new AlpacaRest({
    tradingUrl: fake.url,
    dataUrl: fake.url,
    credentials: KEY,
    limiter: new RateLimiter(clock),
    now: () => clock.now(),
  });
  const stream = new AlpacaStream({ url: fake.streamUrl, credentials: KEY, log, reconnectMs: 20 });
  const broker = new AlpacaBroker({ rest, stream, log, cancelPollMs: 50, cancelTimeoutMs: 10_000 });
  await stream.start();
  const events: OrderEvent[] = [];
  broker.onOrderEvent((e) => events.push(e));
  const r = { venue, fake, broker, time, held, race, events };
  rigs.push(r);
  return r;
}

const order = (over: Partial<PlaceLimitRequest> = {}): PlaceLimitRequest => ({
  clientOrderId: 'ws-test-1',
  symbol: 'SOL/USD',
  assetClass: 'crypto',
  side: 'buy',
  role: 'entry',
  limitPrice: 100,
  qty: 10,
  ...over,
});

const nextEvent = (r: Rig, match: (e: OrderEvent) => boolean): Promise<OrderEvent> =>
  new Promise((resolve) => {
    const stop = r.broker.onOrderEvent((e) => {
      if (match(e)) {
        stop();
        resolve(e);
      }
    });
  });

describe('Alpaca adapter against the fake Alpaca server (HTTP + WebSocket on 127.0.0.1)', () => {
  it('places idempotently: the same client order id twice is one order', async () => {
    const r = await rig();
    const a = await r.broker.placeLimit(order());
    const b = await r.broker.placeLimit(order());
    expect(a).toEqual(b);
    expect(r.fake.created.get('ws-test-1')).toBe(1);
    expect(r.fake.requests.filter((q) => q.method === 'POST').map((q) => q.status)).toEqual([200, 422]);
    expect(r.venue.openOrders()).toHaveLength(1);
  });

  it('reads buying power from the account every time: open buy orders reduce it, a cancel restores it', async () => {
    const r = await rig();
    const before = (await r.broker.account()).buyingPower!.nonMarginable;
    const placed = await r.broker.placeLimit(order({ limitPrice: 100, qty: 30 }));
    expect((await r.broker.account()).buyingPower!.nonMarginable).toBeCloseTo(before - 3000, 6);
    await r.broker.placeLimit(order({ clientOrderId: 'ws-test-2', limitPrice: 50, qty: 20 }));
    expect((await r.broker.account()).buyingPower!.nonMarginable).toBeCloseTo(before - 4000, 6);
    expect(placed.ok && (await r.broker.cancel(placed.orderId))).toEqual({
      status: 'cancelled',
      filledQty: 0,
    });
    expect((await r.broker.account()).buyingPower!.nonMarginable).toBeCloseTo(before - 1000, 6);
  });

  it('refuses an order beyond buying power with the venue’s reason', async () => {
    const r = await rig();
    const result = await r.broker.placeLimit(order({ limitPrice: 100, qty: 1000 }));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/insufficient buying power/) });
  });

  it('cancel resolves only when the venue confirms: pending_cancel, then canceled on the stream', async () => {
    const r = await rig();
    r.held.add('ws-test-1');
    const placed = await r.broker.placeLimit(order());
    if (!placed.ok) throw new Error(placed.reason);
    let settled = false;
    const pending = nextEvent(r, (e) => e.kind === 'pending_cancel');
    const held = new Promise<VenueOrder>((res) => r.fake.once('cancel-held', res));
    const cancel = r.broker.cancel(placed.orderId).then((x) => {
      settled = true;
      return x;
    });
    await held;
    await pending;
    // Several REST checks have seen pending_cancel by now; still no answer.
    await new Promise((res) => setTimeout(res, 200));
    expect(settled).toBe(false);
    expect(r.venue.order(placed.orderId)!.status).toBe('pending_cancel');
    r.fake.releaseCancels();
    expect(await cancel).toEqual({ status: 'cancelled', filledQty: 0 });
    expect(r.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['new', 'pending_cancel', 'canceled']),
    );
  });

  it('reports a fill that raced the cancel', async () => {
    const r = await rig();
    r.race.set('ws-test-1', 99.5);
    const placed = await r.broker.placeLimit(order());
    if (!placed.ok) throw new Error(placed.reason);
    expect(await r.broker.cancel(placed.orderId)).toEqual({
      status: 'filled',
      filledQty: 10,
      fillPrice: 99.5,
    });
    expect(await r.broker.positions()).toEqual([
      { symbol: 'SOL/USD', assetClass: 'crypto', qty: 10, price: expect.any(Number) as number },
    ]);
  });

  it('a cancel of an order the venue does not have is rejected, and a second cancel reports the final state', async () => {
    const r = await rig();
    expect(await r.broker.cancel('no-such-order')).toMatchObject({ status: 'rejected' });
    const placed = await r.broker.placeLimit(order());
    if (!placed.ok) throw new Error(placed.reason);
    expect(await r.broker.cancel(placed.orderId)).toEqual({ status: 'cancelled', filledQty: 0 });
    expect(await r.broker.cancel(placed.orderId)).toEqual({ status: 'cancelled', filledQty: 0 });
  });

  it('BTC/USD ≡ BTCUSD: a position (named without the slash) and its orders meet under one symbol', async () => {
    expect(canonicalSymbol('BTCUSD')).toBe('BTC/USD');
    expect(canonicalSymbol('btc/usd')).toBe('BTC/USD');
    expect(canonicalSymbol('ETHUSDT')).toBe('ETH/USDT');
    expect(canonicalSymbol('AAPL')).toBe('AAPL');
    expect(canonicalSymbol('GBTC')).toBe('GBTC');
    expect(canonicalSymbol('SOLUSD', 'crypto')).toBe('SOL/USD');
    expect(sameSymbol('BTC/USD', 'BTCUSD')).toBe(true);

    const r = await rig();
    const price = r.venue.quote('SOL/USD')!.ask;
    const placed = await r.broker.placeLimit(
      order({ symbol: 'SOLUSD', limitPrice: Number((price * 1.2).toFixed(2)), qty: 1 }),
    );
    expect(placed.ok).toBe(true);
    expect((await r.broker.openOrders()).map((o) => o.symbol)).toEqual(['SOL/USD']);
    r.time.t += 2 * H; // the next bar opens after the order and trades through its limit
    expect((await r.broker.positions()).map((p) => p.symbol)).toEqual(['SOL/USD']);
    expect(r.fake.requests.some((q) => q.path === '/v2/positions')).toBe(true);
  });

  it('tells our orders from other programs’ by client order id', async () => {
    const r = await rig();
    await r.broker.placeLimit(order({ clientOrderId: 'placed-by-hand-1' }));
    await r.broker.placeLimit(
      order({ clientOrderId: 'ws-abc123-tp4', side: 'sell', limitPrice: 500, qty: 1 }),
    );
    await r.broker.placeLimit(order({ clientOrderId: 'ws-abc123-7', limitPrice: 90, qty: 1 }));
    const seen = (await r.broker.openOrders()).map((o) => [o.role, o.external]);
    expect(seen).toEqual([
      ['entry', true],
      ['take-profit', false],
      ['entry', false],
    ]);
    expect(await r.broker.orderByClientId('ws-abc123-7')).toMatchObject({ status: 'open', limitPrice: 90 });
    expect(await r.broker.orderByClientId('ws-never-sent-1')).toBeNull();
  });

  it('after the stream drops it reconnects and asks for a reconcile (updates may be missing)', async () => {
    const r = await rig();
    const resync = nextEvent(r, (e) => e.kind === 'resync');
    r.fake.dropStreams();
    await resync;
    const placed = nextEvent(r, (e) => e.kind === 'new');
    await r.broker.placeLimit(order());
    expect(await placed).toMatchObject({ kind: 'new' });
  });

  it('the venue clock and calendar come over REST', async () => {
    const r = await rig();
    expect(await r.broker.clock()).toEqual({ timestamp: T0, isOpen: false });
    const days = await r.broker.calendar('2024-07-01', '2024-07-05');
    expect(days).toEqual([
      { day: '2024-07-01', open: '09:30', close: '16:00' },
      { day: '2024-07-02', open: '09:30', close: '16:00' },
      { day: '2024-07-03', open: '09:30', close: '13:00' },
      { day: '2024-07-05', open: '09:30', close: '16:00' },
    ]);
  });

  it('after a burst the venue answers 429; requests wait for its reset and then go through', async () => {
    const clock = {
      t: T0,
      now(): number {
        return this.t;
      },
      async sleepUntil(t: number): Promise<void> {
        if (t > this.t) this.t = t;
      },
    };
    const r = await rig({ rateLimit: { burst: 3 }, clock });
    const accounts = await Promise.all(Array.from({ length: 5 }, () => r.broker.account()));
    expect(accounts.every((a) => a.equity === 10_000)).toBe(true);
    const statuses = r.fake.requests.map((q) => q.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    // The fake's window opened at T0: its reset is a minute later, and the wait ran on the injected clock.
    expect(clock.t).toBe(T0 + 60_000);
  });

  it('keys come from the environment only; missing ones are named, never printed', () => {
    expect(alpacaCredentials({ APCA_API_KEY_ID: 'id-123456', APCA_API_SECRET_KEY: 'secret-123456' })).toEqual(
      {
        keyId: 'id-123456',
        secret: 'secret-123456',
      },
    );
    expect(() => alpacaCredentials({ ALPACA_API_KEY_ID: 'id-123456' })).toThrow(
      /set ALPACA_API_SECRET_KEY \(or APCA_API_SECRET_KEY\)/,
    );
    expect(alpacaEndpoints({})).toEqual({
      trading: 'https://paper-api.alpaca.markets',
      data: 'https://data.alpaca.markets',
      stream: 'wss://paper-api.alpaca.markets/stream',
    });
  });
});
