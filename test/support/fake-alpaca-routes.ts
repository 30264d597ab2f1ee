import type { IncomingMessage, ServerResponse } from 'node:http';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { isOpenStatus } from '../../src/ports/venue.js';
import {
  alpacaAccount,
  alpacaOrder,
  barsOf,
  calendarRows,
  quotesOf,
  readJson,
  send,
} from './fake-alpaca-wire.js';
import { fakeAsset, orderRuleBreach, type FakeAsset } from './fake-alpaca-rules.js';
import { FakeAlpacaStream } from './fake-alpaca-stream.js';
import type { FakeAlpacaFaults } from './fake-alpaca-options.js';

/**
 * The fake Alpaca's REST routes (fake-alpaca.ts): the faults a test switched on, the keys, the rate limit,
 * then account, positions, orders (place, look up, page, cancel), assets, clock, calendar, bars and quotes.
 */
export class FakeAlpacaRoutes extends FakeAlpacaStream {
  readonly requests: { method: string; path: string; status: number }[] = [];
  /** Every POST /v2/orders that created an order, by client order id (a duplicate would show as 2). */
  readonly created = new Map<string, number>();
  /** Every POST /v2/orders body, in arrival order. */
  readonly placed: Record<string, unknown>[] = [];
  faults: FakeAlpacaFaults = {};
  protected readonly stalled = new Set<ServerResponse>();
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowCount = 0;

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
