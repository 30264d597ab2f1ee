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
  /** When a resting order stops being valid (the session placed it and knows). */
  orderValidUntil(order: OpenOrder): TimeMs;
  /** When the requested order would stop being valid if placed at `now`. */
  requestValidUntil(request: EntryRequest, now: TimeMs): TimeMs;
}

/**
 * The policy's Valuator over a FillModel and a ReturnShrinker: P and next-bar P from the model at the
 * order's reference price, e from the symbol's shrunk realised returns. Holds no state of its own.
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
    if (i === undefined || price === null) {
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
      write(o.symbol, o.side, o.limitPrice, o.price, now, options.orderValidUntil(o), out);
    },
    valueRequest(r, now, out) {
      write(r.symbol, r.side, r.limitPrice, r.price, now, options.requestValidUntil(r, now), out);
    },
  };
}
