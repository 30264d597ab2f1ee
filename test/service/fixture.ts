import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import type { PlaceResult } from '../../src/coordinator/broker.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { Logger } from '../../src/ports/log.js';
import type { LiveBroker, OrderEvent, VenueOrder } from '../../src/ports/venue.js';
import { LiveMetrics } from '../../src/live/metrics.js';
import { LiveStore } from '../../src/live/store.js';
import type { Timers } from '../../src/service/advisory-broker.js';
import { AdvisoryBook } from '../../src/service/book.js';
import { heldReportConflict } from '../../src/service/report-checks.js';
import type { OrderBody } from '../../src/service/reports.js';
import { startServiceHttp, type ServiceHttp } from '../../src/service/http.js';
import { CoordinatorService, type ServiceMode } from '../../src/service/service.js';
import type { RequestAnswer } from '../../src/service/views.js';

/** A Saturday noon: crypto out of hours, no stock session (the decisions below do not depend on it). */
export const T0 = Date.parse('2025-06-07T12:00:00Z');

/** Timers the test drives: time moves and deadlines fire only when the test says so. */
export class ManualTimers implements Timers {
  t = T0;
  private next = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.due.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  /** Move time forward and fire what fell due. */
  advance(ms: number): void {
    this.t += ms;
    for (const [id, d] of [...this.due]) {
      if (d.at <= this.t) {
        this.due.delete(id);
        d.fn();
      }
    }
  }
}

export const silentLog = (): Logger => new Logger([{ write: () => undefined }], () => T0);

export interface Harness {
  service: CoordinatorService;
  timers: ManualTimers;
  store: LiveStore;
  /** The service's metrics (what /metrics serves). */
  metrics: LiveMetrics;
  dir: string;
  close(): Promise<void>;
}

/**
 * The harnesses a test file opens and the folders it makes, closed and removed after each test: push what is
 * opened (and take a harness out when the test closes it itself, for a restart).
 */
export function closedAfterEachTest(): { open: Harness[]; dirs: string[] } {
  const held = { open: [] as Harness[], dirs: [] as string[] };
  afterEach(async () => {
    for (const h of held.open.splice(0)) await h.close();
    for (const dir of held.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return held;
}

/** Close a harness and remove its folder, also one restarted over an earlier harness's folder. */
export async function closeAndRemove(h: Harness): Promise<void> {
  await h.service.close();
  h.store.close();
  rmSync(h.dir, { recursive: true, force: true });
}

/** An advisory service over a fresh store (or the given one, for restarts). */
export function advisoryService(
  options: {
    equity?: number;
    dir?: string;
    deadlineMs?: number;
    /** Configuration keys besides the store (a config layer). */
    config?: Record<string, unknown>;
    /** The service's clock at start (T0 unless given). */
    now?: number;
    /** Where the service logs (silent unless given). */
    log?: Logger;
  } = {},
): Harness {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'worksteal-service-'));
  const timers = new ManualTimers();
  if (options.now !== undefined) timers.t = options.now;
  const mode: ServiceMode = {
    kind: 'advisory',
    deadlineMs: options.deadlineMs ?? 30_000,
    account: { equity: options.equity ?? 10_000, patternDayTrader: false },
  };
  const { service, store, metrics } = serviceIn(dir, mode, { ...options, timers, tag: 't' });
  return {
    service,
    timers,
    store,
    metrics,
    dir,
    close: async () => {
      await service.close();
      store.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A resting crypto buy entry `away` (fraction) from its limit, holding `margin` at 1x. */
export function restingOrder(id: string, symbol: string, margin: number, away = 0.08, pnl = 10): OrderBody {
  const limitPrice = 100;
  return {
    id,
    symbol,
    assetClass: 'crypto',
    side: 'buy',
    role: 'entry',
    limitPrice,
    qty: margin / limitPrice,
    price: limitPrice * (1 + away),
    forecastPnl: pnl,
    placedAt: T0 - 3_600_000,
    probe: false,
    external: false,
  };
}

/** An entry request ready to steal (0.1% from its limit) that needs `margin`. */
export function readyRequest(symbol: string, margin: number, pnl = 50) {
  return {
    symbol,
    assetClass: 'crypto' as const,
    side: 'buy' as const,
    limitPrice: 100,
    qty: margin / 100,
    price: 100.1,
    forecastPnl: pnl,
    cryptoRank: null,
  };
}

/**
 * A well-behaved bot: answers every action its saga waits for (cancels confirmed, placements made with a
 * venue id derived from the client order id) until the request ends. Returns the first answer and the end.
 */
export async function actLikeABot(
  service: CoordinatorService,
  first: RequestAnswer,
): Promise<{ first: RequestAnswer; state: string | null; outcome: string | null }> {
  let saga = first.saga;
  while (saga && saga.waitingFor.length) {
    const action = saga.waitingFor[0]!;
    saga =
      action.kind === 'cancel'
        ? await service.report(saga.sagaId, { kind: 'cancelled', orderId: action.orderId, filledQty: 0 })
        : await service.report(saga.sagaId, {
            kind: 'placed',
            clientOrderId: action.order.clientOrderId,
            orderId: `v-${action.order.clientOrderId}`,
          });
  }
  return { first, state: saga?.state ?? null, outcome: saga?.outcome ?? first.status };
}

/** The reports as stored, folded into a fresh book: what the ledger must equal. */
export function foldReports(h: Harness, equity: number) {
  const book = new AdvisoryBook({ equity, patternDayTrader: false }, heldReportConflict);
  for (const r of h.service.tables.reports()) book.apply(r.event, r.at);
  return book.ledger.snapshot();
}

/** What capacity depends on, without the fields only we know (reference price, PnL, placement time). */
export function capacityView(s: {
  account: { equity: number };
  orders:
    | OrderBody[]
    | readonly { id: string; symbol: string; side: string; role: string; limitPrice: number; qty: number }[];
  positions: readonly { symbol: string; qty: number }[];
}) {
  return {
    equity: s.account.equity,
    orders: s.orders.map((o) => ({
      id: o.id,
      symbol: o.symbol,
      side: o.side,
      role: o.role,
      limitPrice: o.limitPrice,
      qty: o.qty,
    })),
    positions: s.positions.map((p) => ({ symbol: p.symbol, qty: p.qty })),
  };
}

/** The service's HTTP face on a free loopback port, with a bearer token. */
export function serveOverHttp(h: Harness, token: string, allowedHosts?: string[]): Promise<ServiceHttp> {
  return startServiceHttp({
    host: '127.0.0.1',
    port: 0,
    token,
    service: h.service,
    metrics: h.metrics,
    log: silentLog(),
    ...(allowedHosts ? { allowedHosts } : {}),
  });
}

/**
 * For test files that serve a fresh service per test: `serve()` starts an advisory service (10,000 equity)
 * with its HTTP face, and each one is closed, HTTP first, after the test that started it.
 */
export function servedAfterEachTest(token: string): () => Promise<{ h: Harness; http: ServiceHttp }> {
  const open: { h: Harness; http: ServiceHttp }[] = [];
  afterEach(async () => {
    for (const { h, http } of open.splice(0)) {
      await http.close();
      await h.close();
    }
  });
  return async () => {
    const h = advisoryService({ equity: 10_000 });
    const http = await serveOverHttp(h, token);
    open.push({ h, http });
    return { h, http };
  };
}

/** A logger that keeps its lines (parsed), for tests that read what the service logged. */
export function capturingLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = new Logger(
    [{ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }],
    () => T0,
  );
  return { log, lines };
}

/** The in-memory broker as a live venue that never streams events and keeps symbols as sent (no `symbolOf`). */
export class MemoryVenue extends MemoryBroker implements LiveBroker {
  readonly name: string = 'memory';
  async placeMarket(): Promise<PlaceResult> {
    return { ok: false, reason: 'not in this test' };
  }
  override async orderByClientId(): Promise<VenueOrder | null> {
    return null;
  }
  onOrderEvent(_listener: (event: OrderEvent) => void): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {}
}

/**
 * `worksteal serve` in executing mode over `broker`, its store in `dir` (more config keys as a config layer):
 * the service and its store, which the caller closes. Each start is a run of its own (its own run tag).
 */
export function executingService(
  dir: string,
  broker: LiveBroker,
  options: { config?: Record<string, unknown>; timers?: Timers; log?: Logger } = {},
): { service: CoordinatorService; store: LiveStore; metrics: LiveMetrics } {
  const timers = options.timers ?? new ManualTimers();
  return serviceIn(dir, { kind: 'executing', broker }, { ...options, timers, tag: 'x' });
}

/**
 * A service in `mode` over a store in `dir` (more config keys as a config layer), logging silently unless
 * told; its run tag starts with `tag`. The one setup both modes' fixtures share.
 */
function serviceIn(
  dir: string,
  mode: ServiceMode,
  options: { config?: Record<string, unknown>; timers: Timers; log?: Logger; tag: string },
): { service: CoordinatorService; store: LiveStore; metrics: LiveMetrics } {
  const { config } = resolveConfig({
    layers: [{ source: 'test', values: { ...options.config, live: { stateDb: join(dir, 's.sqlite') } } }],
  });
  const store = new LiveStore(config.live.stateDb);
  const metrics = new LiveMetrics();
  const service = new CoordinatorService({
    config,
    store,
    log: options.log ?? silentLog(),
    metrics,
    timers: options.timers,
    calendar: nyseCalendar(),
    mode,
    runTag: `${options.tag}${Math.random().toString(36).slice(2, 7)}`,
  });
  return { service, store, metrics };
}
