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

/** Cached per candidate row: [generation, price, limit, validUntil, P, P next bar, σ, e]. */
const ROW_SLOTS = 8;

/**
 * The policy's Valuator over a FillModel and a ReturnShrinker: P and next-bar P from the model at the
 * order's reference price, e from the symbol's shrunk realised returns.
 *
 * The batch form (`valueOrders`, what decide() calls) remembers its answers by candidate row until the model
 * sees a bar, a trade is recorded or `now` changes: the coordinator keeps its order list in a stable order,
 * so several decisions at one bar close value each order once, and a row whose order, price, limit or
 * validity changed is valued afresh. The cache changes how fast an answer comes, never the answer.
 */
export function fillValuator(options: FillValuatorOptions): Valuator {
  const { model, returns, symbolIndex } = options;
  const fill = new Float64Array(FILL_SLOTS);
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
  const one = new Float64Array(4);
  // The row cache: valid at one (model version, returns version, now), which `generation` numbers.
  let generation = 0;
  let stampModel = -1;
  let stampReturns = -1;
  let stampNow = Number.NaN;
  let cache = new Float64Array(0);
  const rowOrder: (OpenOrder | undefined)[] = [];
  return {
    valueOrder(o, now, out) {
      write(o.symbol, o.side, o.limitPrice, o.price, now, options.orderValidUntil(o), out);
    },
    valueRequest(r, now, out) {
      write(r.symbol, r.side, r.limitPrice, r.price, now, options.requestValidUntil(r, now), out);
    },
    valueOrders(orders, rows, count, now, out) {
      if (model.version !== stampModel || returns.version !== stampReturns || now !== stampNow) {
        stampModel = model.version;
        stampReturns = returns.version;
        stampNow = now;
        generation++;
      }
      if (cache.length < orders.length * ROW_SLOTS) {
        const grown = new Float64Array(orders.length * 2 * ROW_SLOTS);
        grown.set(cache);
        cache = grown;
      }
      const { probability, nextBarProbability, expectedReturn, sigma } = out;
      for (let k = 0; k < count; k++) {
        const i = rows[k]!;
        const o = orders[i]!;
        const until = options.orderValidUntil(o);
        const at = i * ROW_SLOTS;
        if (
          cache[at] !== generation ||
          rowOrder[i] !== o ||
          cache[at + 1] !== o.price ||
          cache[at + 2] !== o.limitPrice ||
          cache[at + 3] !== until
        ) {
          write(o.symbol, o.side, o.limitPrice, o.price, now, until, one);
          rowOrder[i] = o;
          cache[at] = generation;
          cache[at + 1] = o.price ?? Number.NaN;
          cache[at + 2] = o.limitPrice;
          cache[at + 3] = until;
          cache[at + 4] = one[VAL_P]!;
          cache[at + 5] = one[VAL_P_NEXT_BAR]!;
          cache[at + 6] = one[VAL_SIGMA]!;
          cache[at + 7] = one[VAL_RETURN]!;
        }
        probability[i] = cache[at + 4]!;
        nextBarProbability[i] = cache[at + 5]!;
        sigma[i] = cache[at + 6]!;
        expectedReturn[i] = cache[at + 7]!;
      }
    },
  };
}
