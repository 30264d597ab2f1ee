/**
 * The executing service's view of the broker (GET /v1/status, /metrics). Before, the ledger held equity 0 and
 * no orders until the first request read the broker: after "ready" the status and /metrics showed capacity 0,
 * and a fill or a cancel at the venue between two requests stayed out of the status until the next request.
 * Now the broker is read before the service is ready, again after every order event (once no request is
 * carried out), and the status says when it was read and how many events came since (`brokerView`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import type { PlaceLimitRequest, PlaceResult } from '../../src/coordinator/broker.js';
import type { Account } from '../../src/core/types.js';
import type { OrderEvent, VenueOrder } from '../../src/ports/venue.js';
import { ServiceUnavailable } from '../../src/service/views.js';
import { Connection, restingBook, settle } from '../support/money-venue.js';
import {
  advisoryService,
  capturingLog,
  executingService,
  ManualTimers,
  readyRequest,
  T0,
} from './fixture.js';

/**
 * A connection that counts its reads of the account, can be made to fail them, and streams `new` for each
 * order placed through it (as Alpaca's trade_updates does); `newAt` tells of an order placed elsewhere.
 */
class CountedConnection extends Connection {
  accountReads = 0;
  unreachable = false;
  private readonly listeners: ((event: OrderEvent) => void)[] = [];
  override account(): Promise<Account> {
    this.accountReads++;
    if (this.unreachable) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:443'));
    return super.account();
  }
  /** The stream sends nothing more (it gave up reconnecting); the venue still answers every call. */
  silent = false;
  override onOrderEvent(listener: (event: OrderEvent) => void): () => void {
    this.listeners.push(listener);
    return super.onOrderEvent((event) => {
      if (!this.silent) listener(event);
    });
  }
  override async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
    const result = await super.placeLimit(request);
    if (result.ok) this.newAt(request, result.orderId);
    return result;
  }
  /** The venue's `new` event for an order. */
  newAt(request: PlaceLimitRequest, orderId: string): void {
    const order = { ...request, id: orderId, filledQty: 0, fillPrice: null, status: 'open', placedAt: T0 };
    for (const l of this.listeners) l({ kind: 'new', order: order as VenueOrder });
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function start(options: { unreachable?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-broker-view-'));
  // Four resting entries of 2,000 margin each (r0 … r3), an account of 100,000.
  const venue = new MemoryBroker({
    account: { equity: 100_000, patternDayTrader: false },
    orders: restingBook(),
    now: () => T0,
  });
  const connection = new CountedConnection(venue);
  connection.unreachable = options.unreachable ?? false;
  const { log, lines } = capturingLog();
  const timers = new ManualTimers();
  const { service, store, metrics } = executingService(dir, connection, { timers, log });
  cleanups.push(async () => {
    await service.close().catch(() => undefined);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { service, metrics, venue, connection, lines, timers };
}

/** A gauge's value in the /metrics text. */
function gauge(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in /metrics`);
  return Number(line.slice(name.length + 1));
}

const orderIds = (status: Record<string, unknown>) =>
  (status.orders as { id: string }[]).map((o) => o.id).sort();

describe("the executing service's view of the broker", () => {
  it('is read before the service says it is ready: status and /metrics show the broker, not 0', async () => {
    const { service, metrics } = start();
    await service.ready;
    const status = service.status();
    expect(status.account).toEqual({ equity: 100_000, patternDayTrader: false });
    expect(orderIds(status)).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(status.marginUsed).toBeCloseTo(8_000, 6);
    expect(status.marginCapacity).toBeGreaterThan(8_000);
    expect(status.brokerView).toEqual({ readAt: new Date(T0).toISOString(), eventsSince: 0 });
    const text = await metrics.text();
    expect(gauge(text, 'worksteal_equity')).toBe(100_000);
    expect(gauge(text, 'worksteal_margin_capacity')).toBe(status.marginCapacity);
    expect(gauge(text, 'worksteal_margin_used')).toBeCloseTo(8_000, 6);
  });

  it('says "recovering" and "not read yet" while the first read is under way, and is ready after it', async () => {
    const { service, connection } = start();
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const read = connection.account.bind(connection);
    connection.account = async () => {
      await held;
      return read();
    };
    let ready = false;
    void service.ready.then(() => (ready = true));
    await settle();
    expect(ready).toBe(false);
    expect(service.status()).toMatchObject({ recovering: true, brokerView: { readAt: null } });
    release();
    await service.ready;
    expect(service.status()).toMatchObject({ recovering: false, account: { equity: 100_000 } });
  });

  it('follows a fill and a cancel at the venue between two requests', async () => {
    const { service, venue, metrics } = start();
    await service.ready;
    venue.setAccount({ equity: 101_000 });
    venue.fillOrder('r0', 100);
    venue.endOrder('r1', 'canceled');
    await settle();
    const status = service.status();
    expect(orderIds(status)).toEqual(['r2', 'r3']);
    expect(status.positions).toEqual([expect.objectContaining({ symbol: 'R0/USD', qty: 20 })]);
    expect(status.account).toMatchObject({ equity: 101_000 });
    expect(status.brokerView).toEqual({ readAt: new Date(T0).toISOString(), eventsSince: 0 });
    expect(gauge(await metrics.text(), 'worksteal_equity')).toBe(101_000);
  });

  it('reads the broker after a request that an event came during, not while it is carried out', async () => {
    const { service, venue, connection } = start();
    await service.ready;
    let release: () => void = () => undefined;
    venue.faults.delay = (call) =>
      call === 'place' ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    const answer = service.request(readyRequest('BTC/USD', 1_000));
    await settle();
    const reads = connection.accountReads;
    venue.fillOrder('r2', 100);
    await settle();
    expect(connection.accountReads).toBe(reads);
    // The status says its view is behind by one event.
    expect(service.status().brokerView).toMatchObject({ eventsSince: 1 });
    release();
    expect((await answer).status).toBe('placed');
    await settle();
    expect(connection.accountReads).toBeGreaterThan(reads);
    const status = service.status();
    expect(status.brokerView).toMatchObject({ eventsSince: 0 });
    expect(orderIds(status)).not.toContain('r2');
    expect(status.positions).toEqual([expect.objectContaining({ symbol: 'R2/USD' })]);
  });

  it('reads the broker when an order placed elsewhere appears, but not for its own placements', async () => {
    const { service, venue, connection } = start();
    await service.ready;
    const reads = connection.accountReads;
    expect((await service.request(readyRequest('BTC/USD', 1_000))).status).toBe('placed');
    await settle();
    expect(connection.accountReads).toBe(reads);
    expect(service.status().brokerView).toMatchObject({ eventsSince: 0 });
    // Someone places 5,000 of margin by hand at the venue: the ledger must count it before the next decision.
    const byHand = {
      clientOrderId: 'placed-by-hand-1',
      symbol: 'SOL/USD',
      assetClass: 'crypto' as const,
      side: 'buy' as const,
      role: 'entry' as const,
      limitPrice: 100,
      qty: 50,
    };
    const placed = await venue.placeLimit(byHand);
    connection.newAt(byHand, placed.ok ? placed.orderId : '?');
    await settle();
    expect(connection.accountReads).toBeGreaterThan(reads);
    const status = service.status();
    expect((status.orders as { symbol: string }[]).map((o) => o.symbol)).toContain('SOL/USD');
    expect(status.marginUsed).toBeCloseTo(8_000 + 1_000 + 5_000, 6);
  });

  it('logs a read that fails after an event, shows its age, and reads again before the next decision', async () => {
    const { service, venue, connection, lines } = start();
    await service.ready;
    connection.unreachable = true;
    venue.fillOrder('r3', 100);
    await settle();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        event: 'broker-read-failed',
        message: 'connect ECONNREFUSED 127.0.0.1:443',
      }),
    );
    expect(service.status().brokerView).toEqual({ readAt: new Date(T0).toISOString(), eventsSince: 1 });
    expect(orderIds(service.status())).toContain('r3');
    connection.unreachable = false;
    await service.request(readyRequest('BTC/USD', 1_000));
    const status = service.status();
    expect(status.brokerView).toMatchObject({ eventsSince: 0 });
    expect(orderIds(status)).not.toContain('r3');
  });

  it('reads the broker before a request once its view is live.pollSec old, when no event came (a stream that gave up)', async () => {
    const { service, venue, connection, timers } = start();
    await service.ready;
    connection.silent = true; // the stream sends nothing more, while the venue fills and the account moves
    venue.fillOrder('r0', 100);
    venue.setAccount({ equity: 101_000 });
    await settle();
    const reads = connection.accountReads;
    // Within the age (the default live.pollSec, 60 s) a request decides on the view it has, without a read.
    timers.advance(59_000);
    expect((await service.request(readyRequest('BTC/USD', 1_000))).status).toBe('placed');
    expect(connection.accountReads).toBe(reads);
    expect(orderIds(service.status())).toContain('r0');
    timers.advance(1_000);
    expect((await service.request(readyRequest('ETH/USD', 1_000))).status).toBe('placed');
    expect(connection.accountReads).toBe(reads + 1);
    const status = service.status();
    expect(orderIds(status)).not.toContain('r0');
    expect(status.positions).toContainEqual(expect.objectContaining({ symbol: 'R0/USD', qty: 20 }));
    expect(status.account).toMatchObject({ equity: 101_000 });
    expect(status.brokerView).toEqual({ readAt: new Date(T0 + 60_000).toISOString(), eventsSince: 0 });
  });

  it('fails the start when the broker cannot be read (503 naming it), instead of deciding on an empty ledger', async () => {
    const { service } = start({ unreachable: true });
    await expect(service.ready).rejects.toThrow(ServiceUnavailable);
    await expect(service.request(readyRequest('BTC/USD', 1_000))).rejects.toThrow(
      "crash recovery failed at start (reading memory's account, open orders and positions failed: connect " +
        'ECONNREFUSED 127.0.0.1:443)',
    );
  });
});

describe("the advisory service's view before any report", () => {
  it('is the --equity account, not a pattern day trader, in the status and /metrics (docs/service.md)', async () => {
    const h = advisoryService({ equity: 25_000 });
    cleanups.push(() => h.close());
    await h.service.ready;
    const status = h.service.status();
    expect(status.account).toEqual({ equity: 25_000, patternDayTrader: false });
    expect(status.brokerView).toBeNull();
    expect(status.marginCapacity).toBeGreaterThan(0);
    const text = await h.metrics.text();
    expect(gauge(text, 'worksteal_equity')).toBe(25_000);
    expect(gauge(text, 'worksteal_margin_capacity')).toBe(status.marginCapacity);
  });
});
