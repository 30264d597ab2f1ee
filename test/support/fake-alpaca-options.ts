import type { VenueOrder } from '../../src/ports/venue.js';
import type { BarVenue } from '../../src/live/venue.js';
import type { FakeAsset } from './fake-alpaca-rules.js';

/** How a test sets up the fake Alpaca (fake-alpaca.ts, which describes its behaviour). */
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
