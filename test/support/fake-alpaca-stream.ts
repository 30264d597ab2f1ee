import type { WebSocket } from 'ws';
import { isOpenStatus, type OrderEvent } from '../../src/ports/venue.js';
import { sendWs } from './fake-alpaca-wire.js';
import { FakeAlpacaState } from './fake-alpaca-state.js';
import type { FakeAlpacaOptions } from './fake-alpaca-options.js';

/**
 * The fake Alpaca's trade_updates stream (fake-alpaca.ts): the auth and listen messages, pongs by hand, and
 * every venue event sent to the listening sockets as Alpaca words it.
 */
export class FakeAlpacaStream extends FakeAlpacaState {
  protected refuseAuths = 0;
  protected readonly muted = new Set<WebSocket>();
  protected readonly clients = new Set<WebSocket>();

  constructor(o: FakeAlpacaOptions) {
    super(o);
    o.venue.onEvent((e) => this.broadcast(e));
  }

  protected onSocket(ws: WebSocket): void {
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

  protected sendUpdate(event: string, order: Record<string, unknown>): void {
    const payload = {
      stream: 'trade_updates',
      data: { event, order, timestamp: new Date(this.o.venue.now()).toISOString() },
    };
    for (const ws of this.clients) if (!this.muted.has(ws)) sendWs(ws, payload);
  }
}
