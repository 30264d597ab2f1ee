import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { VenueOrder } from '../../src/ports/venue.js';
import { alpacaOrder, send } from './fake-alpaca-wire.js';
import { FakeAlpacaRoutes } from './fake-alpaca-routes.js';
export type { FakeAlpacaFaults, FakeAlpacaOptions } from './fake-alpaca-options.js';
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
/**
 * The fake Alpaca described above, as a test drives it: its server's start and close, and the controls a test
 * pulls. Its REST routes are in fake-alpaca-routes.ts, its stream in fake-alpaca-stream.ts, and the order
 * states Alpaca adds to the venue's in fake-alpaca-state.ts.
 */
export class FakeAlpaca extends FakeAlpacaRoutes {
  url = '';
  streamUrl = '';
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;

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
}
