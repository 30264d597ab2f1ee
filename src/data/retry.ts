/**
 * Retrying remote calls. A source classifies each failure; this module decides whether and how long to wait:
 *
 * - rate-limit: wait what the server asked (Retry-After), else back off; the server said "later", not "no".
 * - transient (timeouts, resets, 5xx): back off exponentially, a few times.
 * - offline (connection refused, unknown host): retry only when the source has answered before in this run.
 *   A first contact that fails means no network, and the user should hear that at once, not after a minute.
 * - fatal: no retry.
 */

export type FailureKind = 'rate-limit' | 'transient' | 'offline' | 'fatal';

export interface Failure {
  kind: FailureKind;
  /** Server-requested wait (Retry-After), in ms. */
  waitMs?: number;
  /** The server answered (an HTTP status): the network itself works. */
  answered?: boolean;
}

export interface RetryOptions {
  /** Attempts after the first one. Default 5. */
  retries?: number;
  /** First back-off; doubles each time. Default 1000 ms. */
  baseDelayMs?: number;
  /** No single wait is longer than this. Default 60 s. */
  maxDelayMs?: number;
  /** Told before each wait, so the CLI can say why it pauses. */
  onRetry?: (info: { attempt: number; waitMs: number; kind: FailureKind; error: unknown }) => void;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Tracks whether the remote side has ever answered, which changes how connection failures are read. */
export class Retrier {
  private answered = false;

  constructor(private readonly options: RetryOptions = {}) {}

  async run<T>(op: () => Promise<T>, classify: (error: unknown) => Failure): Promise<T> {
    const retries = this.options.retries ?? 5;
    const base = this.options.baseDelayMs ?? 1000;
    const max = this.options.maxDelayMs ?? 60_000;
    const sleep = this.options.sleep ?? defaultSleep;
    for (let attempt = 0; ; attempt++) {
      try {
        const value = await op();
        this.answered = true;
        return value;
      } catch (error) {
        const failure = classify(error);
        // Any HTTP answer, even a 429 or a 500, proves the network works.
        if (failure.answered) this.answered = true;
        const retryable =
          failure.kind === 'rate-limit' ||
          failure.kind === 'transient' ||
          (failure.kind === 'offline' && this.answered);
        if (!retryable || attempt >= retries) throw error;
        const backoff = base * 2 ** attempt;
        const waitMs = Math.min(max, failure.waitMs ?? backoff);
        this.options.onRetry?.({ attempt: attempt + 1, waitMs, kind: failure.kind, error });
        await sleep(waitMs);
      }
    }
  }
}

/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
