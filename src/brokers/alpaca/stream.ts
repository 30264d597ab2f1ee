import WebSocket from 'ws';
import type { Logger } from '../../ports/log.js';
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
  /** The order that took this one's place (status `replaced`), as Alpaca links them. */
  replaced_by?: string | null;
}

export interface StreamOptions {
  url: string;
  credentials: AlpacaCredentials;
  log: Logger;
  /** Reconnect delays grow from this to 30 s. */
  reconnectMs?: number;
  /** After this many failed reconnects in a row the stream gives up (logged as an error). */
  maxReconnects?: number;
  /** A ping every heartbeatMs; a connection that has not answered the last one by the next is dead. */
  heartbeatMs?: number;
  /** How long connecting and authenticating may take (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * What to check when the URL cannot be reached, naming the variable it came from (alpacaUnreachableChecks);
   * by default WORKSTEAL_ALPACA_STREAM_URL.
   */
  unreachable?: string;
}

/**
 * The trade_updates stream: authenticate, listen, hand every update to the listeners, and reconnect with
 * backoff when the connection drops, goes silent (no pong to a heartbeat ping: a half-open socket) or a
 * re-authentication is refused. After a reconnect the listeners hear `onReconnect`: updates may have been
 * missed, so the owner reconciles with REST. Only the first connection's failure is final: it is start-up.
 */
export class AlpacaStream {
  private ws: WebSocket | null = null;
  private closed = false;
  private attempts = 0;
  private readonly updateListeners = new Set<(u: TradeUpdate) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

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
    this.stopHeartbeat();
    this.ws?.removeAllListeners('close');
    this.ws?.terminate();
    this.ws = null;
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      let listening = false;
      let failed = false;
      const timeoutMs = this.o.connectTimeoutMs ?? 10_000;
      const unreachable = this.o.unreachable ?? 'check WORKSTEAL_ALPACA_STREAM_URL and the network';
      const ws = new WebSocket(this.o.url, { handshakeTimeout: timeoutMs });
      this.ws = ws;
      // Start-up fails here, and a reconnect tries again: either way never a wait without end.
      const fail = (error: AlpacaError): void => {
        if (failed || listening) return;
        failed = true;
        clearTimeout(connectTimer);
        ws.removeAllListeners('close');
        ws.terminate();
        if (this.closed) return;
        if (this.attempts === 0) {
          this.closed = true;
          reject(error);
        } else {
          this.o.log.warn('stream-reconnect-failed', { attempt: this.attempts, message: error.message });
          this.scheduleReconnect();
          resolve();
        }
      };
      const connectTimer = setTimeout(
        () =>
          fail(
            new AlpacaError(
              0,
              'stream',
              this.o.url,
              `no answer within ${timeoutMs / 1000} s; ${unreachable}`,
            ),
          ),
        timeoutMs,
      );
      connectTimer.unref();
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
            fail(
              new AlpacaError(
                401,
                'stream',
                'auth',
                'the trade_updates stream refused the API key; check ALPACA_API_KEY_ID / ALPACA_API_SECRET_KEY and that they belong to the account at WORKSTEAL_ALPACA_URL',
              ),
            );
          }
        } else if (msg.stream === 'listening' && !listening && !failed) {
          listening = true;
          clearTimeout(connectTimer);
          const reconnected = this.attempts > 0;
          this.attempts = 0;
          this.startHeartbeat(ws);
          resolve();
          if (reconnected) for (const l of this.reconnectListeners) l();
        } else if (msg.stream === 'trade_updates' && typeof data.event === 'string' && data.order) {
          const update = { event: data.event, order: data.order as AlpacaOrder };
          for (const l of this.updateListeners) l(update);
        }
      });
      ws.on('error', (error: Error) => {
        this.o.log.warn('stream-error', { message: error.message });
        fail(new AlpacaError(0, 'stream', this.o.url, `cannot be opened (${error.message}); ${unreachable}`));
      });
      ws.on('close', () => {
        if (this.closed || failed) return;
        if (!listening) {
          fail(new AlpacaError(0, 'stream', this.o.url, 'closed before it was listening'));
          return;
        }
        this.stopHeartbeat();
        this.scheduleReconnect();
      });
    });
  }

  /** Ping every heartbeatMs; no pong by the next ping means the socket is dead although it never closed. */
  private startHeartbeat(ws: WebSocket): void {
    this.stopHeartbeat();
    let answered = true;
    ws.on('pong', () => (answered = true));
    this.heartbeat = setInterval(() => {
      if (!answered) {
        this.o.log.warn('stream-silent', {
          detail: `no pong within ${this.heartbeatMs / 1000} s; reconnecting`,
        });
        ws.terminate(); // 'close' follows and reconnects
        return;
      }
      answered = false;
      ws.ping();
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private get heartbeatMs(): number {
    return this.o.heartbeatMs ?? 20_000;
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private scheduleReconnect(): void {
    const max = this.o.maxReconnects ?? 50;
    if (this.attempts >= max) {
      this.closed = true;
      this.o.log.error('stream-gave-up', {
        attempts: this.attempts,
        detail: 'order updates now come only from REST reconciles; restart to reconnect the stream',
      });
      return;
    }
    const delay = Math.min(30_000, (this.o.reconnectMs ?? 500) * 2 ** this.attempts);
    this.attempts++;
    this.o.log.warn('stream-reconnect', { inMs: delay, attempt: this.attempts, of: max });
    this.timer = setTimeout(() => void this.connect(), delay);
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
