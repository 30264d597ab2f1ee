import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { isOpenStatus, type OrderEvent, type VenueOrder } from '../../src/ports/venue.js';
import type { BarVenue } from '../../src/live/venue.js';
import {
  alpacaAccount,
  alpacaOrder,
  barsOf,
  calendarRows,
  quotesOf,
  readJson,
  send,
  sendWs,
} from './fake-alpaca-wire.js';
import { fakeAsset, orderRuleBreach, type FakeAsset } from './fake-alpaca-rules.js';
export { RunChild } from './run-child.js';

/**
 * A local stand-in for Alpaca (REST + trade_updates WebSocket on 127.0.0.1), behaving like the real one
 * where worksteal depends on it:
 * - keys checked on every request and on the stream's auth message;
 * - buying power from the account, reduced by open buy orders (the BarVenue computes it);
 * - client_order_id unique: a second POST with one answers 422;
 * - DELETE answers 204 and the order goes to pending_cancel; `canceled` follows on the stream — at once, or
 *   only when the test releases it (holdCancel), or a fill wins the race (raceFill);
 * - after `rateLimit.burst` requests in a window, 429 with X-RateLimit-Reset (epoch seconds);
 * - positions name crypto pairs without the slash (BTCUSD), orders and market data with it (BTC/USD);
 * - /v2/clock, /v2/calendar (NYSE), bars and latest quotes from the same bars the venue fills on;
 * - GET /v2/orders pages as Alpaca does: `limit` (default 50, at most 500), `after`/`until` (exclusive,
 *   on submission time), `direction` (default desc);
 * - extended-hours orders must be `day` limits (422 otherwise), as Alpaca requires; so must fractional stock
 *   quantities, and prices and quantities must be on Alpaca's steps (fake-alpaca-rules.ts);
 * - faults a test switches on (`faults`): hung requests, lost answers, a refused cancel, a refused stream
 *   re-authentication, a half-open stream (no pong, no messages), error bodies that echo the headers.
 */
export interface FakeAlpacaOptions {
  venue: BarVenue;
  keyId: string;
  secret: string;
  /** At most `burst` requests per `windowMs` of `now()`; then 429 until the window ends. */
  rateLimit?: { burst: number; windowMs: number; now?: () => number };
  /** Hold this cancel: the order stays pending_cancel until `releaseCancels()`. */
  holdCancel?: (order: VenueOrder) => boolean;
  /** Fill this order at the returned price when its cancel arrives (a fill racing the cancel). */
  raceFill?: (order: VenueOrder) => number | null;
  /**
   * When quotes say they were made: `now` (default, a venue whose quotes move all the time) or `bar-close`
   * (prices change only when a bar closes, as in a replay: a runtime then asks as the replay does).
   */
  quoteTime?: 'now' | 'bar-close';
  /** Asset entities by symbol (price and quantity steps, minimum, fractionable) over a permissive default. */
  assets?: Record<string, Partial<FakeAsset>>;
}

export interface FakeAlpacaFaults {
  /** Never answer this request (the connection hangs). */
  stall?: (method: string, path: string) => boolean;
  /** Carry this request out, then drop the connection without an answer (or answer 500 with `lose: 500`). */
  loseAnswer?: (method: string, path: string) => boolean;
  lose?: 'drop' | 500;
  /** Answer this request with this error status before acting on it. */
  failWith?: (method: string, path: string) => number | null;
  /** Error bodies repeat the request's headers (as a careless proxy might): the key and secret with them. */
  echoHeaders?: boolean;
  /** The venue refuses this cancel: 204, then `order_cancel_rejected` on the stream; the order stays open. */
  refuseCancel?: (order: VenueOrder) => boolean;
}

export class FakeAlpaca extends EventEmitter {
  url = '';
  streamUrl = '';
  readonly requests: { method: string; path: string; status: number }[] = [];
  /** Every POST /v2/orders that created an order, by client order id (a duplicate would show as 2). */
  readonly created = new Map<string, number>();
  /** Every POST /v2/orders body, in arrival order. */
  readonly placed: Record<string, unknown>[] = [];
  faults: FakeAlpacaFaults = {};
  private refuseAuths = 0;
  private readonly muted = new Set<WebSocket>();
  private readonly dayDone = new Set<string>();
  /** Orders being replaced (Alpaca's `pending_replace`), and replaced ones with the order that took their place. */
  private readonly replacing = new Set<string>();
  private readonly replacedBy = new Map<string, { by: string; announce: boolean }>();
  private readonly stalled = new Set<ServerResponse>();
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly clients = new Set<WebSocket>();
  private readonly held: string[] = [];
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowCount = 0;

  constructor(readonly o: FakeAlpacaOptions) {
    super();
    o.venue.onEvent((e) => this.broadcast(e));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => {
        send(res, 500, { message: error.message });
      });
    });
    // Pongs are sent by hand, so that a half-open connection (muteStreams) can stop answering pings.
    this.wss = new WebSocketServer({ server: this.server, path: '/stream', autoPong: false });
    this.wss.on('connection', (ws) => this.onSocket(ws));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.streamUrl = `ws://127.0.0.1:${port}/stream`;
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    for (const c of this.clients) c.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Confirm every held cancel now (the stream then says `canceled`). */
  releaseCancels(): void {
    for (const id of this.held.splice(0)) this.o.venue.completeCancel(id);
  }

  get heldCancels(): readonly string[] {
    return this.held;
  }

  /** Drop every stream connection (the client must reconnect and reconcile). */
  dropStreams(): void {
    for (const c of this.clients) c.terminate();
  }

  /** The next `n` stream authentications are refused (as after a key rotation that has not propagated). */
  refuseNextAuths(n: number): void {
    this.refuseAuths = n;
  }

  /** Every open stream goes silent without closing: no pong, no update (a half-open socket). */
  muteStreams(): void {
    for (const c of this.clients) this.muted.add(c);
  }

  /** Alpaca's end of the day for an order that stays working (it trades again at the next session). */
  doneForDay(id: string): void {
    const order = this.o.venue.order(id);
    if (!order) throw new Error(`no order ${id}`);
    this.dayDone.add(id);
    this.sendUpdate('done_for_day', { ...alpacaOrder(order), status: 'done_for_day' });
  }

  /** A trade_updates event the venue sends of its own accord (`restated`, `replaced` …), with the order as is. */
  announce(event: string, id: string, status?: string): void {
    const order = this.o.venue.order(id);
    if (!order) throw new Error(`no order ${id}`);
    this.sendUpdate(event, { ...alpacaOrder(order), ...(status ? { status } : {}) });
  }

  /**
   * A replace of an open order made elsewhere (a PATCH by hand or by another program), in Alpaca's two steps:
   * `beginReplace` puts it in `pending_replace` (a DELETE then answers 422, as Alpaca cannot cancel it), and
   * `finishReplace` places the replacing order (a new client order id, holding its own margin) and closes the
   * old one as `replaced`, with `replaced_by`; `announce` false loses that stream event (a REST check shows it).
   */
  beginReplace(id: string): void {
    if (this.o.venue.order(id)?.status !== 'open') throw new Error(`order ${id} is not open`);
    this.replacing.add(id);
  }

  finishReplace(id: string, change: { limitPrice: number; qty: number }, announce = true): VenueOrder {
    const old = this.o.venue.order(id);
    if (!old) throw new Error(`no order ${id}`);
    const placed = this.o.venue.place({
      clientOrderId: `replace-of-${id}`,
      symbol: old.symbol,
      side: old.side,
      role: old.role,
      ...change,
    });
    if (!placed.ok) throw new Error(placed.reason);
    this.replacing.delete(id);
    this.replacedBy.set(id, { by: placed.order.id, announce });
    this.o.venue.completeCancel(id); // sent as `replaced` (broadcast)
    return placed.order;
  }

  private onSocket(ws: WebSocket): void {
    let authorized = false;
    ws.on('ping', (data) => {
      if (!this.muted.has(ws)) ws.pong(data);
    });
    ws.on('message', (raw) => {
      if (this.muted.has(ws)) return;
      const msg = JSON.parse(raw.toString()) as { action?: string; key?: string; secret?: string };
      if (msg.action === 'auth') {
        const refused = this.refuseAuths > 0;
        if (refused) this.refuseAuths--;
        authorized = !refused && msg.key === this.o.keyId && msg.secret === this.o.secret;
        sendWs(ws, {
          stream: 'authorization',
          data: { status: authorized ? 'authorized' : 'unauthorized', action: 'authenticate' },
        });
        if (!authorized) ws.close();
      } else if (msg.action === 'listen' && authorized) {
        this.clients.add(ws);
        sendWs(ws, { stream: 'listening', data: { streams: ['trade_updates'] } });
      }
    });
    ws.on('close', () => {
      this.clients.delete(ws);
      this.muted.delete(ws);
    });
  }

  private broadcast(e: OrderEvent): void {
    if (e.kind === 'resync') return;
    const replaced = this.replacedBy.get(e.order.id);
    if (replaced && e.kind === 'canceled') {
      if (replaced.announce) this.sendUpdate('replaced', this.alpacaOrder(e.order));
      return;
    }
    if (!isOpenStatus(e.order.status)) this.dayDone.delete(e.order.id);
    this.sendUpdate(e.kind, this.alpacaOrder(e.order));
  }

  private sendUpdate(event: string, order: Record<string, unknown>): void {
    const payload = {
      stream: 'trade_updates',
      data: { event, order, timestamp: new Date(this.o.venue.now()).toISOString() },
    };
    for (const ws of this.clients) if (!this.muted.has(ws)) sendWs(ws, payload);
  }

  /** The order as Alpaca shows it: `done_for_day` while an order rests past its day; a replace's states. */
  private alpacaOrder(o: VenueOrder): Record<string, unknown> {
    const a = alpacaOrder(o);
    const replaced = this.replacedBy.get(o.id);
    if (replaced) return { ...a, status: 'replaced', replaced_by: replaced.by };
    if (this.replacing.has(o.id)) return { ...a, status: 'pending_replace' };
    return this.dayDone.has(o.id) && o.status === 'open' ? { ...a, status: 'done_for_day' } : a;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const faults = this.faults;
    if (faults.stall?.(method, path)) {
      this.requests.push({ method, path, status: 0 });
      this.stalled.add(res);
      this.emit('stalled', { method, path });
      return;
    }
    const lose = faults.loseAnswer?.(method, path) ?? false;
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      if (lose && status < 300) {
        this.requests.push({ method, path, status: 0 });
        if (faults.lose === 500) return send(res, 500, { message: 'internal server error' });
        res.socket?.destroy();
        return;
      }
      this.requests.push({ method, path, status });
      const echoed =
        faults.echoHeaders && status >= 400 && body && typeof body === 'object'
          ? {
              ...body,
              message: `${(body as { message?: string }).message ?? ''}; request headers: ${JSON.stringify(req.headers)}`,
            }
          : body;
      send(res, status, echoed, headers);
    };
    const failure = faults.failWith?.(method, path) ?? null;
    if (failure !== null) return reply(failure, { code: failure * 100_000, message: 'refused by the test' });
    if (
      req.headers['apca-api-key-id'] !== this.o.keyId ||
      req.headers['apca-api-secret-key'] !== this.o.secret
    ) {
      return reply(401, { code: 40110000, message: 'request is not authorized' });
    }
    const limited = this.rateLimited();
    if (limited !== null) {
      return reply(
        429,
        { code: 42910000, message: 'rate limit exceeded' },
        {
          'x-ratelimit-limit': String(this.o.rateLimit!.burst),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(limited),
        },
      );
    }
    const venue = this.o.venue;
    const body = method === 'POST' ? await readJson(req) : undefined;

    if (method === 'GET' && path === '/v2/account') return reply(200, alpacaAccount(venue.account()));
    if (method === 'GET' && path === '/v2/positions') {
      return reply(
        200,
        venue.positions().map((p) => ({
          symbol: p.symbol.replace('/', ''),
          asset_class: p.assetClass === 'crypto' ? 'crypto' : 'us_equity',
          qty: String(p.qty),
          side: p.qty >= 0 ? 'long' : 'short',
          current_price: String(p.price),
          market_value: String(p.qty * p.price),
        })),
      );
    }
    if (method === 'GET' && path === '/v2/orders') return reply(200, this.orderPage(url));
    if (method === 'GET' && path === '/v2/orders:by_client_order_id') {
      const o = venue.orderByClientId(url.searchParams.get('client_order_id') ?? '');
      return o ? reply(200, this.alpacaOrder(o)) : reply(404, { code: 40410000, message: 'order not found' });
    }
    if (method === 'POST' && path === '/v2/orders')
      return this.placeOrder(body as Record<string, unknown>, reply);
    const one = /^\/v2\/orders\/([^/]+)$/.exec(path);
    if (one && method === 'GET') {
      const o = venue.order(decodeURIComponent(one[1]!));
      return o ? reply(200, this.alpacaOrder(o)) : reply(404, { code: 40410000, message: 'order not found' });
    }
    if (one && method === 'DELETE') return this.cancelOrder(decodeURIComponent(one[1]!), reply);
    if (method === 'GET' && path.startsWith('/v2/assets/')) {
      const name = decodeURIComponent(path.slice('/v2/assets/'.length));
      const symbol = venue.symbols.find((s) => s === name || s.replace('/', '') === name);
      if (!symbol) return reply(404, { code: 40410000, message: 'asset not found' });
      return reply(200, this.asset(symbol));
    }
    if (method === 'GET' && path === '/v2/clock') {
      const now = venue.now();
      const cal = nyseCalendar();
      return reply(200, {
        timestamp: new Date(now).toISOString(),
        is_open: cal.isRegularSession(now),
        next_open: new Date(cal.nextOpen(now) ?? now).toISOString(),
        next_close: new Date(cal.nextClose(now) ?? now).toISOString(),
      });
    }
    if (method === 'GET' && path === '/v2/calendar') return reply(200, calendarRows(url));
    if (method === 'GET' && (path === '/v2/stocks/bars' || path === '/v1beta3/crypto/us/bars')) {
      return reply(200, { bars: barsOf(venue, url), next_page_token: null });
    }
    if (
      method === 'GET' &&
      (path === '/v2/stocks/quotes/latest' || path === '/v1beta3/crypto/us/latest/quotes')
    ) {
      return reply(200, { quotes: quotesOf(venue, url, this.o.quoteTime === 'bar-close') });
    }
    reply(404, { code: 40410000, message: `no route ${method} ${path}` });
  }

  /** The asset entity of a symbol the venue trades: `assets` of the options, else a permissive default. */
  private asset(symbol: string): FakeAsset {
    const crypto = this.o.venue.assetClassOf(symbol) === 'crypto';
    return fakeAsset(symbol, crypto, this.o.assets?.[symbol]);
  }

  /** One page of orders, as Alpaca pages GET /v2/orders. */
  private orderPage(url: URL): Record<string, unknown>[] {
    const q = url.searchParams;
    const status = q.get('status') ?? 'open';
    const limit = Math.min(500, Number(q.get('limit') ?? 50));
    const after = Date.parse(q.get('after') ?? '');
    const until = Date.parse(q.get('until') ?? '');
    const asc = q.get('direction') === 'asc';
    const orders = this.o.venue
      .allOrders()
      .map((o) => this.o.venue.order(o.id)!)
      .filter((o) => status === 'all' || (status === 'open') === isOpenStatus(o.status))
      .filter((o) => !(o.placedAt <= after) && !(o.placedAt >= until));
    orders.sort((a, b) => (asc ? a.placedAt - b.placedAt : b.placedAt - a.placedAt));
    return orders.slice(0, limit).map((o) => this.alpacaOrder(o));
  }

  private placeOrder(b: Record<string, unknown>, reply: (s: number, b?: unknown) => void): void {
    const venue = this.o.venue;
    this.placed.push(b);
    if (b.extended_hours === true && (b.type !== 'limit' || b.time_in_force !== 'day')) {
      return reply(422, {
        code: 42210000,
        message: 'extended hours order must be DAY limit orders',
      });
    }
    const clientOrderId = String(b.client_order_id ?? '');
    if (clientOrderId && venue.orderByClientId(clientOrderId)) {
      return reply(422, { code: 40010001, message: 'client_order_id must be unique' });
    }
    const symbol = venue.symbols.find((s) => s === b.symbol || s.replace('/', '') === b.symbol);
    if (!symbol) return reply(422, { code: 40010001, message: `asset ${String(b.symbol)} not found` });
    if (b.type !== 'limit' || typeof b.limit_price !== 'string') {
      return reply(422, {
        code: 40010001,
        message: 'only limit orders with a limit_price are expected here',
      });
    }
    const breach = orderRuleBreach(b, venue.assetClassOf(symbol) === 'crypto', this.asset(symbol));
    if (breach) return reply(422, { code: 42210000, message: breach });
    const qty = Number(b.qty);
    const limit = Number(b.limit_price);
    const side = b.side === 'sell' ? 'sell' : 'buy';
    const account = venue.account();
    const crypto = venue.assetClassOf(symbol) === 'crypto';
    const heldLong = venue.positions().find((p) => p.symbol === symbol)?.qty ?? 0;
    if (side === 'buy' || heldLong <= 0) {
      const bp = account.buyingPower!;
      const power = crypto
        ? bp.nonMarginable
        : bp.daytrading > 0 && nyseCalendar().isRegularSession(venue.now())
          ? bp.daytrading
          : bp.regt;
      if (qty * limit > power * (1 + 1e-9) + 1e-6) {
        return reply(403, {
          code: 40310000,
          message: `insufficient buying power (need ${(qty * limit).toFixed(2)}, have ${power.toFixed(2)})`,
        });
      }
    }
    const placed = venue.place({
      clientOrderId,
      symbol,
      side,
      role: /-tp\d+$/.test(clientOrderId) ? 'take-profit' : 'entry',
      limitPrice: limit,
      qty,
    });
    if (!placed.ok) return reply(422, { code: 40010001, message: placed.reason });
    this.created.set(clientOrderId, (this.created.get(clientOrderId) ?? 0) + 1);
    this.emit('placed', placed.order);
    reply(200, alpacaOrder(placed.order));
  }

  private cancelOrder(id: string, reply: (s: number, b?: unknown) => void): void {
    const venue = this.o.venue;
    const order = venue.order(id);
    if (!order) return reply(404, { code: 40410000, message: 'order not found' });
    this.emit('cancel-requested', order);
    if (order.status !== 'open' || this.replacing.has(id)) {
      const status = String(this.alpacaOrder(order).status);
      return reply(422, { code: 42210000, message: `order is ${status}; not cancelable` });
    }
    if (this.faults.refuseCancel?.(order)) {
      reply(204);
      setImmediate(() => this.sendUpdate('order_cancel_rejected', this.alpacaOrder(order)));
      return;
    }
    venue.markPendingCancel(id);
    reply(204);
    const race = this.o.raceFill?.(order) ?? null;
    if (race !== null) {
      setImmediate(() => venue.fillNow(id, race));
    } else if (this.o.holdCancel?.(order)) {
      this.held.push(id);
      this.emit('cancel-held', order);
    } else {
      setImmediate(() => venue.completeCancel(id));
    }
  }

  /** Null when the request may pass; else the reset time (epoch seconds) to answer 429 with. */
  private rateLimited(): number | null {
    const r = this.o.rateLimit;
    if (!r) return null;
    const now = (r.now ?? Date.now)();
    if (now >= this.windowStart + r.windowMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount++;
    return this.windowCount > r.burst ? Math.ceil((this.windowStart + r.windowMs) / 1000) : null;
  }
}
