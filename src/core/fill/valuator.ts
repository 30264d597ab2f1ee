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

// Slots copied into this module once: the batch loop reads them per order.
const P = VAL_P;
const P_NEXT = VAL_P_NEXT_BAR;
const RETURN = VAL_RETURN;
const SIGMA = VAL_SIGMA;
const M_P = FILL_P;
const M_P_NEXT = FILL_P_NEXT_BAR;
const M_SIGMA = FILL_SIGMA_HOUR;

/**
 * Cached per candidate row: [generation, price, limit, validUntil, symbol index, then the four VAL_* slots].
 * The symbol index stays valid for as long as the row holds the same order (an order keeps its symbol).
 */
const ROW_SLOTS = 9;
const ROW_VALUES = 5;

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
  /** The four VAL_* slots of symbol index `i` (−1: unknown) into `out` from `at`. */
  const write = (
    i: number,
    side: OpenOrder['side'],
    limit: number,
    price: number | null,
    now: TimeMs,
    until: TimeMs,
    out: Float64Array,
    at: number,
  ): void => {
    // An unknown validity (NaN) is an unknown chance, never "no time left": the order is then no victim.
    if (i < 0 || price === null || until !== until) {
      out.fill(Number.NaN, at, at + 4);
      return;
    }
    model.evaluate(i, side, limit, price, now, until, fill);
    out[at + P] = fill[M_P]!;
    out[at + P_NEXT] = fill[M_P_NEXT]!;
    out[at + SIGMA] = fill[M_SIGMA]!;
    out[at + RETURN] = returns.expectedReturn(i);
  };
  const indexOf = (symbol: string): number => symbolIndex.get(symbol) ?? -1;
  // The row cache: valid at one (model version, returns version, now), which `generation` numbers.
  let generation = 0;
  let stampModel = -1;
  let stampReturns = -1;
  let stampNow = Number.NaN;
  let cache = new Float64Array(0);
  const rowOrder: (OpenOrder | undefined)[] = [];
  return {
    valueOrder(o, now, out) {
      write(indexOf(o.symbol), o.side, o.limitPrice, o.price, now, options.orderValidUntil(o), out, 0);
    },
    valueRequest(r, now, out) {
      write(indexOf(r.symbol), r.side, r.limitPrice, r.price, now, options.requestValidUntil(r, now), out, 0);
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
      // Locals for the loop: the validity callback is opaque to the compiler, which would otherwise read
      // the closure's `cache` and `generation` again after every call.
      const rowCache = cache;
      const stamp = generation;
      for (let k = 0; k < count; k++) {
        const i = rows[k]!;
        const o = orders[i]!;
        const until = options.orderValidUntil(o);
        const at = i * ROW_SLOTS;
        const price = o.price;
        const limit = o.limitPrice;
        const known = rowOrder[i] === o;
        if (
          !known ||
          rowCache[at] !== stamp ||
          rowCache[at + 1] !== price ||
          rowCache[at + 2] !== limit ||
          rowCache[at + 3] !== until
        ) {
          const symbol = known ? rowCache[at + 4]! : indexOf(o.symbol);
          write(symbol, o.side, limit, price, now, until, rowCache, at + ROW_VALUES);
          rowOrder[i] = o;
          rowCache[at] = stamp;
          rowCache[at + 1] = price ?? Number.NaN;
          rowCache[at + 2] = limit;
          rowCache[at + 3] = until;
          rowCache[at + 4] = symbol;
        }
        const v = at + ROW_VALUES;
        probability[i] = rowCache[v + P]!;
        nextBarProbability[i] = rowCache[v + P_NEXT]!;
        sigma[i] = rowCache[v + SIGMA]!;
        expectedReturn[i] = rowCache[v + RETURN]!;
      }
    },
  };
}
