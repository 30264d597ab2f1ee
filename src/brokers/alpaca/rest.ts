import type { RateLimiter } from './limiter.js';

export interface AlpacaCredentials {
  keyId: string;
  secret: string;
}

/** An answer from Alpaca that was not a success, with what it said (never the request's headers). */
export class AlpacaError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly venueMessage: string,
    readonly code: number | null = null,
  ) {
    super(
      status === 0
        ? `Alpaca ${method} ${path}: ${venueMessage}`
        : `Alpaca ${method} ${path} answered ${status}${code === null ? '' : ` (code ${code})`}: ${venueMessage}`,
    );
    this.name = 'AlpacaError';
  }
}

export interface AlpacaRestOptions {
  tradingUrl: string;
  dataUrl: string;
  credentials: AlpacaCredentials;
  limiter: RateLimiter;
  /** Market time, for backoff when a 429 names no reset. */
  now: () => number;
  onRateLimited?: () => void;
  /** How often a request is retried after 429 or a 5xx / network failure before giving up. */
  maxRetries?: number;
  fetchImpl?: typeof fetch;
}

export interface RequestOptions {
  base?: 'trading' | 'data';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/**
 * Alpaca's REST API through one shared rate budget. A 429 blocks every caller until the reset the venue
 * names in X-RateLimit-Reset (epoch seconds), then the request is sent again. Writes are safe to repeat:
 * orders carry a client order id, and a cancel of a cancelled order only reports its state.
 */
export class AlpacaRest {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly o: AlpacaRestOptions) {
    this.fetchImpl = o.fetchImpl ?? fetch;
  }

  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<{ status: number; data: T }> {
    const base = options.base === 'data' ? this.o.dataUrl : this.o.tradingUrl;
    const url = new URL(base.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const maxRetries = this.o.maxRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      await this.o.limiter.acquire();
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: {
            'APCA-API-KEY-ID': this.o.credentials.keyId,
            'APCA-API-SECRET-KEY': this.o.credentials.secret,
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        });
      } catch (error) {
        if (attempt >= maxRetries) {
          throw new AlpacaError(
            0,
            method,
            path,
            `unreachable (${(error as Error).message}); check WORKSTEAL_ALPACA_URL and the network`,
          );
        }
        this.pauseAll(attempt);
        continue;
      }
      if (response.status === 429) {
        // Block first, before anything awaits: no other caller may slip a request in before the reset.
        const reset = Number(response.headers.get('x-ratelimit-reset'));
        this.o.limiter.blockUntil(
          Number.isFinite(reset) && reset > 0 ? reset * 1000 : this.o.now() + backoffMs(attempt),
        );
        this.o.onRateLimited?.();
        await response.arrayBuffer().catch(() => undefined);
        if (attempt >= maxRetries) {
          throw new AlpacaError(
            429,
            method,
            path,
            `rate limited ${attempt + 1} times in a row; lower the poll rate or the number of symbols`,
          );
        }
        continue;
      }
      if (response.status >= 500 && attempt < maxRetries) {
        await response.arrayBuffer().catch(() => undefined);
        this.pauseAll(attempt);
        continue;
      }
      const text = await response.text();
      const data = text ? (safeJson(text) as T) : (undefined as T);
      if (response.status >= 400) {
        const body = (data ?? {}) as { message?: string; code?: number };
        throw new AlpacaError(
          response.status,
          method,
          path,
          body.message ?? text.slice(0, 200),
          body.code ?? null,
        );
      }
      return { status: response.status, data };
    }
  }

  /** The venue is failing: everyone backs off, not only this caller, so the retries do not pile up. */
  private pauseAll(attempt: number): void {
    this.o.limiter.blockUntil(this.o.now() + backoffMs(attempt));
  }
}

/** 1 s, 2 s, 4 s … capped at 30 s. */
const backoffMs = (attempt: number): number => Math.min(30_000, 1000 * 2 ** attempt);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
