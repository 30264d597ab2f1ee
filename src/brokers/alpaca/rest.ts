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
    /** No answer, or a server error: a write may have taken effect at the venue all the same. */
    readonly mayHaveReached = false,
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
  /** How long one attempt may take, answer body included, before it is abandoned (default 10 s). */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /**
   * What to check when a base URL does not answer, naming the variable that set it (alpacaUnreachableChecks);
   * by default the variable that sets each.
   */
  unreachable?: { trading: string; data: string };
}

/** One attempt's default deadline: long enough for a slow venue, short enough that a hung socket is noticed. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface RequestOptions {
  base?: 'trading' | 'data';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The caller's own deadline (a cancel's): the request is abandoned when it fires, even mid-flight. */
  signal?: AbortSignal;
  /**
   * A request that may have taken effect although no answer came (a place) is never sent twice here:
   * only a 429 (refused before it acted) is retried; a network failure, timeout or 5xx is thrown with
   * `mayHaveReached` set, for the caller to look the order up first.
   */
  once?: boolean;
}

/**
 * Alpaca's REST API through one shared rate budget. A 429 blocks every caller until the reset the venue
 * names in X-RateLimit-Reset (epoch seconds), then the request is sent again. Reads and cancels are safe
 * to repeat after a failure; places are not (see `RequestOptions.once`). Every attempt has a timeout.
 */
export class AlpacaRest {
  private readonly fetchImpl: typeof fetch;
  readonly timeoutMs: number;

  constructor(private readonly o: AlpacaRestOptions) {
    this.fetchImpl = o.fetchImpl ?? fetch;
    this.timeoutMs = o.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  private unreachable(base: RequestOptions['base']): string {
    if (base === 'data') return this.o.unreachable?.data ?? 'check WORKSTEAL_ALPACA_DATA_URL and the network';
    return this.o.unreachable?.trading ?? 'check WORKSTEAL_ALPACA_URL and the network';
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
      this.throwIfCallerGaveUp(method, path, options.signal);
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: {
            'APCA-API-KEY-ID': this.o.credentials.keyId,
            'APCA-API-SECRET-KEY': this.o.credentials.secret,
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
          signal,
        });
        // The body is read under the same deadline: a venue that sends headers and then stalls is hung too.
        text = response.status === 429 || response.status >= 500 ? '' : await response.text();
      } catch (error) {
        this.throwIfCallerGaveUp(method, path, options.signal);
        const why = timeout.aborted
          ? `no answer within ${this.timeoutMs / 1000} s`
          : `unreachable (${(error as Error).message})`;
        // A hung venue is not retried: the timeout is what the caller waits at most (the next poll tries again).
        if (options.once || timeout.aborted || attempt >= maxRetries) {
          throw new AlpacaError(
            0,
            method,
            path,
            `${why}; ${this.unreachable(options.base)} (WORKSTEAL_ALPACA_TIMEOUT_MS sets the timeout)`,
            null,
            true,
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
      if (response.status >= 500) {
        await response.arrayBuffer().catch(() => undefined);
        if (options.once || attempt >= maxRetries) {
          throw new AlpacaError(response.status, method, path, 'the venue failed (server error)', null, true);
        }
        this.pauseAll(attempt);
        continue;
      }
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

  private throwIfCallerGaveUp(method: string, path: string, signal: AbortSignal | undefined): void {
    if (signal?.aborted) {
      throw new AlpacaError(0, method, path, `abandoned: ${abortReason(signal)}`, null, true);
    }
  }

  /** The venue is failing: everyone backs off, not only this caller, so the retries do not pile up. */
  private pauseAll(attempt: number): void {
    this.o.limiter.blockUntil(this.o.now() + backoffMs(attempt));
  }
}

const abortReason = (signal: AbortSignal): string =>
  signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'the caller gave up');

/** 1 s, 2 s, 4 s … capped at 30 s. */
const backoffMs = (attempt: number): number => Math.min(30_000, 1000 * 2 ** attempt);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
