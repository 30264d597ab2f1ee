import type { Valuator } from '../policy/valuation.js';
import { VAL_P, VAL_P_NEXT_BAR, VAL_RETURN, VAL_SIGMA } from '../policy/valuation.js';
import type { EntryRequest, OpenOrder, TimeMs } from '../types.js';
import { FILL_P, FILL_P_NEXT_BAR, FILL_SIGMA_HOUR, FILL_SLOTS, type FillModel } from './model.js';
import type { ReturnShrinker } from './returns.js';

export interface FillValuatorOptions {
  model: FillModel;
  returns: ReturnShrinker;
  /** Symbol → the index the model and the returns use. A symbol not in it is unknown (NaN valuation). */
  symbolIndex: ReadonlyMap<string, number>;
  /** When a resting order stops being valid (the session placed it and knows); NaN when unknown. */
  orderValidUntil(order: OpenOrder): TimeMs;
  /** When the requested order would stop being valid if placed at `now`. */
  requestValidUntil(request: EntryRequest, now: TimeMs): TimeMs;
}

/** Cached per resting order: [model version, now, price, limit, validUntil, P, P next bar, σ, returns version, e]. */
const CACHE_SLOTS = 10;

/**
 * The policy's Valuator over a FillModel and a ReturnShrinker: P and next-bar P from the model at the
 * order's reference price, e from the symbol's shrunk realised returns.
 *
 * A resting order's fill probabilities are cached on the order object until the model sees a bar or the
 * order's time, price, limit or validity change: several decisions at one bar close then value each order
 * once, not once per decision. The cache changes how fast an answer comes, never the answer.
 */
export function fillValuator(options: FillValuatorOptions): Valuator {
  const { model, returns, symbolIndex } = options;
  const fill = new Float64Array(FILL_SLOTS);
  const cache = new WeakMap<OpenOrder, Float64Array>();
  const write = (
    symbol: string,
    side: OpenOrder['side'],
    limit: number,
    price: number | null,
    now: TimeMs,
    until: TimeMs,
    out: Float64Array,
  ): void => {
    const i = symbolIndex.get(symbol);
    // An unknown validity (NaN) is an unknown chance, never "no time left": the order is then no victim.
    if (i === undefined || price === null || until !== until) {
      out.fill(Number.NaN, 0, 4);
      return;
    }
    model.evaluate(i, side, limit, price, now, until, fill);
    out[VAL_P] = fill[FILL_P]!;
    out[VAL_P_NEXT_BAR] = fill[FILL_P_NEXT_BAR]!;
    out[VAL_SIGMA] = fill[FILL_SIGMA_HOUR]!;
    out[VAL_RETURN] = returns.expectedReturn(i);
  };
  return {
    valueOrder(o, now, out) {
      const until = options.orderValidUntil(o);
      const c = cache.get(o);
      if (
        c !== undefined &&
        c[0] === model.version &&
        c[1] === now &&
        c[2] === o.price &&
        c[3] === o.limitPrice &&
        c[4] === until &&
        c[8] === returns.version
      ) {
        out[VAL_P] = c[5]!;
        out[VAL_P_NEXT_BAR] = c[6]!;
        out[VAL_SIGMA] = c[7]!;
        out[VAL_RETURN] = c[9]!;
        return;
      }
      write(o.symbol, o.side, o.limitPrice, o.price, now, until, out);
      const entry = c ?? new Float64Array(CACHE_SLOTS);
      entry[0] = model.version;
      entry[1] = now;
      entry[2] = o.price ?? Number.NaN;
      entry[3] = o.limitPrice;
      entry[4] = until;
      entry[5] = out[VAL_P]!;
      entry[6] = out[VAL_P_NEXT_BAR]!;
      entry[7] = out[VAL_SIGMA]!;
      entry[8] = returns.version;
      entry[9] = out[VAL_RETURN]!;
      if (c === undefined) cache.set(o, entry);
    },
    valueRequest(r, now, out) {
      write(r.symbol, r.side, r.limitPrice, r.price, now, options.requestValidUntil(r, now), out);
    },
  };
}
