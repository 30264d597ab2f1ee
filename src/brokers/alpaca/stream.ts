import WebSocket from 'ws';
import type { Logger } from '../../live/log.js';
import { AlpacaError, type AlpacaCredentials } from './rest.js';

/** One trade_updates message: the event and the order as Alpaca describes it. */
export interface TradeUpdate {
  event: string;
  order: AlpacaOrder;
}

/** The fields of Alpaca's order object that worksteal reads (numbers arrive as strings). */
export interface AlpacaOrder {
  id: string;
  client_order_id: string;
  symbol: string;
  asset_class?: string;
  side: 'buy' | 'sell';
  qty: string | null;
  filled_qty: string;
  filled_avg_price: string | null;
  limit_price: string | null;
  status: string;
  created_at?: string;
  submitted_at?: string;
}

export interface StreamOptions {
  url: string;
  credentials: AlpacaCredentials;
  log: Logger;
  /** Reconnect delays grow from this to 30 s. */
  reconnectMs?: number;
}

/**
 * The trade_updates stream: authenticate, listen, hand every update to the listeners, and reconnect with
 * backoff when the connection drops. After a reconnect the listeners hear `onReconnect`: updates may have
 * been missed, so the owner reconciles with REST.
 */
export class AlpacaStream {
  private ws: WebSocket | null = null;
  private closed = false;
  private attempts = 0;
  private readonly updateListeners = new Set<(u: TradeUpdate) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: StreamOptions) {}

  onUpdate(listener: (u: TradeUpdate) => void): void {
    this.updateListeners.add(listener);
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.add(listener);
  }

  /** Connect and resolve once the venue confirms it is listening to trade_updates. */
  start(): Promise<void> {
    return this.connect();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.removeAllListeners('close');
    this.ws?.terminate();
    this.ws = null;
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      let listening = false;
      const ws = new WebSocket(this.o.url);
      this.ws = ws;
      ws.on('open', () => {
        ws.send(
          JSON.stringify({
            action: 'auth',
            key: this.o.credentials.keyId,
            secret: this.o.credentials.secret,
          }),
        );
      });
      ws.on('message', (raw: WebSocket.RawData) => {
        const msg = parse(raw);
        if (!msg) return;
        const data = (msg.data ?? {}) as Record<string, unknown>;
        if (msg.stream === 'authorization') {
          if (data.status === 'authorized') {
            ws.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
          } else {
            const error = new AlpacaError(
              401,
              'stream',
              'auth',
              'the trade_updates stream refused the API key; check ALPACA_API_KEY_ID / ALPACA_API_SECRET_KEY and that they belong to the account at WORKSTEAL_ALPACA_URL',
            );
            this.closed = true;
            ws.terminate();
            reject(error);
          }
        } else if (msg.stream === 'listening') {
          listening = true;
          const reconnected = this.attempts > 0;
          this.attempts = 0;
          resolve();
          if (reconnected) for (const l of this.reconnectListeners) l();
        } else if (msg.stream === 'trade_updates' && typeof data.event === 'string' && data.order) {
          const update = { event: data.event, order: data.order as AlpacaOrder };
          for (const l of this.updateListeners) l(update);
        }
      });
      ws.on('error', (error: Error) => {
        this.o.log.warn('stream-error', { message: error.message });
        if (!listening && this.attempts === 0 && !this.closed) {
          this.closed = true;
          reject(
            new AlpacaError(
              0,
              'stream',
              this.o.url,
              `cannot be opened (${error.message}); check WORKSTEAL_ALPACA_STREAM_URL and the network`,
            ),
          );
        }
      });
      ws.on('close', () => {
        if (this.closed) return;
        if (!listening && this.attempts === 0) return; // the first connection failed: start() reports it
        this.scheduleReconnect();
      });
    });
  }

  private scheduleReconnect(): void {
    const delay = Math.min(30_000, (this.o.reconnectMs ?? 500) * 2 ** this.attempts);
    this.attempts++;
    this.o.log.warn('stream-reconnect', { inMs: delay, attempt: this.attempts });
    this.timer = setTimeout(() => {
      this.connect().catch((error: Error) => this.o.log.error('stream-failed', { message: error.message }));
    }, delay);
    this.timer.unref();
  }
}

function parse(raw: WebSocket.RawData): { stream?: string; data?: unknown } | null {
  try {
    const text = Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : raw.toString();
    return JSON.parse(text) as { stream?: string; data?: unknown };
  } catch {
    return null;
  }
}
