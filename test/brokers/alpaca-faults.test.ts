import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/marketdata/index.js';
import { launchWithKey, logged, nextEvent, realSeries, rig } from './alpaca-rig.js';

/** Hung connections, refused re-authentication, half-open sockets and refused cancels. */
let series: BarSeries[];
beforeAll(async () => {
  series = await realSeries();
});

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A TCP server that accepts every connection and never says a word (a hung venue or proxy). */
async function silentServer(): Promise<string> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const close = server.close.bind(server);
  server.close = (cb) => {
    sockets.forEach((s) => s.destroy());
    return close(cb);
  };
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const order = {
  clientOrderId: 'ws-faults-1',
  symbol: 'SOL/USD',
  assetClass: 'crypto' as const,
  side: 'buy' as const,
  role: 'entry' as const,
  limitPrice: 100,
  qty: 10,
};

describe('every request has a timeout', () => {
  it('a hung request fails with a message that says so and what to check', async () => {
    const r = await rig(series, { timeoutMs: 300 });
    r.fake.faults = { stall: (m, p) => p === '/v2/account' };
    await expect(r.broker.account()).rejects.toThrow(
      /Alpaca GET \/v2\/account: no answer within 0.3 s; check WORKSTEAL_ALPACA_URL .*WORKSTEAL_ALPACA_TIMEOUT_MS/,
    );
  });

  it('the cancel deadline holds while the DELETE itself hangs', async () => {
    const r = await rig(series, { timeoutMs: 60_000, broker: { cancelTimeoutMs: 400 } });
    const placed = await r.broker.placeLimit(order);
    if (!placed.ok) throw new Error(placed.reason);
    r.fake.faults = { stall: (m) => m === 'DELETE' };
    expect(await r.broker.cancel(placed.orderId)).toEqual({
      status: 'rejected',
      reason: expect.stringMatching(/not confirmed within 0.4 s/),
    });
  });

  it('the cancel deadline holds while a status check hangs', async () => {
    const r = await rig(series, { timeoutMs: 60_000, broker: { cancelTimeoutMs: 400 } });
    r.held.add('ws-faults-1');
    const placed = await r.broker.placeLimit(order);
    if (!placed.ok) throw new Error(placed.reason);
    r.fake.faults = { stall: (m, p) => m === 'GET' && p.startsWith('/v2/orders/') };
    expect(await r.broker.cancel(placed.orderId)).toMatchObject({ status: 'rejected' });
  });

  it('start-up against a hung stream endpoint fails within the timeout, naming what to check', async () => {
    const silent = await silentServer();
    await expect(
      launchWithKey({
        WORKSTEAL_ALPACA_URL: `http://${silent}`,
        WORKSTEAL_ALPACA_STREAM_URL: `ws://${silent}/stream`,
        WORKSTEAL_ALPACA_TIMEOUT_MS: '300',
      }),
    ).rejects.toThrow(/Alpaca stream ws:\/\/127.0.0.1:\d+\/stream.*check WORKSTEAL_ALPACA_STREAM_URL/);
  });

  it('start-up against a hung REST endpoint fails within the timeout, naming what to check', async () => {
    const r = await rig(series);
    const silent = await silentServer();
    await expect(
      launchWithKey({
        WORKSTEAL_ALPACA_URL: `http://${silent}`,
        WORKSTEAL_ALPACA_STREAM_URL: r.fake.streamUrl,
        WORKSTEAL_ALPACA_TIMEOUT_MS: '300',
      }),
    ).rejects.toThrow(/Alpaca GET \/v2\/clock: no answer within 0.3 s/);
  });

  it('a timeout that is not a number is refused, naming the variable and the value', async () => {
    await expect(launchWithKey({ WORKSTEAL_ALPACA_TIMEOUT_MS: 'soon' })).rejects.toThrow(
      /WORKSTEAL_ALPACA_TIMEOUT_MS: must be a whole number of milliseconds.*soon/s,
    );
  });
});

describe('the trade_updates stream stays up', () => {
  it('after refused re-authentications it retries with backoff, one log line per attempt, then resyncs', async () => {
    const r = await rig(series);
    r.fake.refuseNextAuths(2);
    const resync = nextEvent(r, (e) => e.kind === 'resync');
    r.fake.dropStreams();
    await resync;
    expect(logged(r, 'stream-reconnect').map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(logged(r, 'stream-reconnect-failed')).toHaveLength(2);
    const fresh = nextEvent(r, (e) => e.kind === 'new');
    await r.broker.placeLimit(order);
    expect(await fresh).toMatchObject({ kind: 'new' });
  });

  it('gives up after maxReconnects refusals in a row, with an error line', async () => {
    const r = await rig(series, { stream: { maxReconnects: 2 } });
    r.fake.refuseNextAuths(10);
    r.fake.dropStreams();
    await new Promise<void>((res) => {
      const check = (): void => (logged(r, 'stream-gave-up').length ? res() : void setTimeout(check, 10));
      check();
    });
    expect(logged(r, 'stream-reconnect')).toHaveLength(2);
  });

  it('a half-open socket (no pong to the heartbeat) is detected and reconnected, then a resync is asked', async () => {
    const r = await rig(series, { stream: { heartbeatMs: 100 } });
    const resync = nextEvent(r, (e) => e.kind === 'resync');
    r.fake.muteStreams();
    await resync;
    expect(logged(r, 'stream-silent')).toHaveLength(1);
    const fresh = nextEvent(r, (e) => e.kind === 'new');
    await r.broker.placeLimit(order);
    expect(await fresh).toMatchObject({ kind: 'new' });
  });
});

describe('order_cancel_rejected', () => {
  it('a cancel the venue refuses resolves at once as rejected; the order stays open', async () => {
    const r = await rig(series, { broker: { cancelTimeoutMs: 60_000 } });
    const placed = await r.broker.placeLimit(order);
    if (!placed.ok) throw new Error(placed.reason);
    r.fake.faults = { refuseCancel: () => true };
    expect(await r.broker.cancel(placed.orderId)).toEqual({
      status: 'rejected',
      reason: expect.stringMatching(/Alpaca refused the cancel of/),
    });
    expect(r.venue.order(placed.orderId)!.status).toBe('open');
    expect(logged(r, 'cancel-refused')).toHaveLength(1);
  });
});
