import type { NextBarCompletion, Valuator } from '../policy/valuation.js';
import { VAL_P, VAL_P_NEXT_BAR, VAL_RETURN, VAL_SIGMA } from '../policy/valuation.js';
import type { EntryRequest, OpenOrder, TimeMs } from '../types.js';
import { FILL_P, FILL_P_NEXT_BAR, FILL_SIGMA_HOUR, FILL_SLOTS, type FillModel } from './model.js';
import { resolveNextBar } from './chances.js';
import type { ReturnShrinker } from './returns.js';
import { RowValuations } from './row-valuations.js';

export interface FillValuatorOptions {
  model: FillModel;
  returns: ReturnShrinker;
  /** Symbol → the index the model and the returns use. A symbol not in it is unknown (NaN valuation). */
  symbolIndex: ReadonlyMap<string, number>;
  /** When a resting order stops being valid (the session placed it and knows); NaN when unknown. */
  orderValidUntil(order: OpenOrder): TimeMs;
  /**
   * The session promises that `orderValidUntil` gives an order the same answer for as long as it rests (its
   * validity is fixed when it is placed, as the simulator's signals are): the batch form then asks once per
   * row content (stamp) instead of once per row per decision. Leave it out when a validity can change while
   * the order rests (the live runtime's: a newer signal makes an older order's validity unknown).
   */
  orderValidityFixed?: boolean;
  /** When the requested order would stop being valid if placed at `now`. */
  requestValidUntil(request: EntryRequest, now: TimeMs): TimeMs;
}

/**
 * The policy's Valuator over a FillModel and a ReturnShrinker: P and next-bar P from the model at the
 * order's reference price, e from the symbol's shrunk realised returns.
 *
 * The batch form (`valueOrders`, what decide() calls with the order columns' stamps) remembers, by
 * candidate row, what it computed (see RowValuations): the answers until the model sees a bar, a trade is
 * recorded, `now` changes or the order's validity does; the order's log distance for as long as the row's
 * stamp stays (the same order at the same price and limit); its symbol's index for as long as the row holds
 * the same order. So several decisions at one bar close value each order once, and the first decision after
 * a bar looks up no symbol. The cache changes how fast an answer comes, never the answer.
 */
export function fillValuator(options: FillValuatorOptions): Valuator {
  const { model, returns, symbolIndex } = options;
  const fill = new Float64Array(FILL_SLOTS);
  const indexOf = (symbol: string): number => symbolIndex.get(symbol) ?? -1;
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
    out[at + VAL_P] = fill[FILL_P]!;
    out[at + VAL_P_NEXT_BAR] = fill[FILL_P_NEXT_BAR]!;
    out[at + VAL_SIGMA] = fill[FILL_SIGMA_HOUR]!;
    out[at + VAL_RETURN] = returns.expectedReturn(i);
  };
  const single = new Float64Array(4);
  const rows = new RowValuations();
  return {
    valueOrder(o, now, out) {
      write(indexOf(o.symbol), o.side, o.limitPrice, o.price, now, options.orderValidUntil(o), out, 0);
    },
    valueRequest(r, now, out) {
      write(indexOf(r.symbol), r.side, r.limitPrice, r.price, now, options.requestValidUntil(r, now), out, 0);
    },
    valueOrders(orders, list, count, now, out, stamps, deferBelow) {
      if (!stamps) {
        // No stamps: nothing says a row still holds the order it held, so each is valued afresh.
        for (let k = 0; k < count; k++) {
          const i = list[k]!;
          const o = orders[i]!;
          write(indexOf(o.symbol), o.side, o.limitPrice, o.price, now, options.orderValidUntil(o), single, 0);
          out.probability[i] = single[VAL_P]!;
          out.nextBarProbability[i] = single[VAL_P_NEXT_BAR]!;
          out.expectedReturn[i] = single[VAL_RETURN]!;
          out.sigma[i] = single[VAL_SIGMA]!;
        }
        return;
      }
      const fixed = options.orderValidityFixed === true;
      const defer = deferBelow ?? Number.NEGATIVE_INFINITY;
      const left = rows.value(
        orders,
        list,
        count,
        now,
        out,
        stamps,
        fixed,
        options.orderValidUntil,
        model,
        returns,
        indexOf,
        defer,
      );
      // A completion only when a chance was left: most decisions of a small book leave none.
      return left ? completion(model, indexOf) : undefined;
    },
  };
}

/**
 * What resolves the next-bar chances a batch left for later (see Valuator.valueOrders): the tail ceilings
 * of this version, kept, and each row's class from its symbol (fixed).
 */
function completion(model: FillModel, indexOf: (symbol: string) => number): NextBarCompletion {
  const crypto = model.tailCeiling(0);
  const stock = model.tailCeiling(1);
  return (nextBar, orders) => {
    for (let r = 0; r < orders.length; r++) {
      const kept = nextBar[r]!;
      if (kept < 0) {
        const ceiling = model.classOf(indexOf(orders[r]!.symbol)) === 0 ? crypto : stock;
        nextBar[r] = resolveNextBar(kept, ceiling);
      }
    }
  };
}
