import type { DeleveragePlan } from '../core/policy/deleverage-plan.js';
import type { AssetClass } from '../core/types.js';

/**
 * What the end-of-day loop asks of its driver. The driver answers a `plan` step with a fresh plan, and a trim
 * with `false` when it could not trade now (the simulator: no bar of that symbol at this step).
 */
export type DeleverageStep =
  | { kind: 'plan' }
  | { kind: 'cancel'; orderId: string; plan: DeleveragePlan }
  | { kind: 'trim'; symbol: string; qty: number; price: number; plan: DeleveragePlan };

export interface DeleverageResult {
  /** The plan before anything was done. */
  first: DeleveragePlan;
  /** The plan after the last round (what is left). */
  last: DeleveragePlan;
}

/** A trim's own costs (fees, slippage) lower equity a little, so the plan is made again; this often at most. */
export const DELEVERAGE_ROUNDS = 5;

const PLAN: DeleverageStep = { kind: 'plan' };

/**
 * End of day (README "The model: assumptions and limits"), written once for the simulator and live trading:
 * before the close cancel stock entries, at the close also trim positions, until the overnight requirement
 * fits. Cancels first, then trims, then plan again (at most `rounds` rounds). The driver makes each plan from
 * its own state with `planDeleverage` and carries out each cancel and trim (synchronously in the simulator,
 * through the broker live).
 *
 * A trim the driver answers `false` waits for its stock's next bar: it frees nothing tonight. The driver then
 * marks that position not tradable in its next plans (`DeleveragePosition.tradable`), which puts it after the
 * positions that can trade now, so they cover the excess first. The simulator knows this before it plans (no
 * bar of the stock now); live learns it when the venue holds the trim, so a round that learned it plans again.
 */
export function* deleverageSteps(
  rounds = DELEVERAGE_ROUNDS,
): Generator<DeleverageStep, DeleverageResult, DeleveragePlan | boolean | undefined> {
  let plan = (yield PLAN) as DeleveragePlan;
  const first = plan;
  /** Stocks whose trim waited this close: the next plan knows them (the driver marks them not tradable). */
  const waited = new Set<string>();
  for (let round = 0; round < rounds && (plan.cancel.length > 0 || plan.trims.length > 0); round++) {
    let acted = plan.cancel.length > 0;
    let learned = false;
    for (let i = 0; i < plan.cancel.length; i++) yield { kind: 'cancel', orderId: plan.cancel[i]!, plan };
    for (let i = 0; i < plan.trims.length; i++) {
      const t = plan.trims[i]!;
      if ((yield { kind: 'trim', symbol: t.symbol, qty: t.qty, price: t.price, plan }) !== false)
        acted = true;
      else if (!waited.has(t.symbol)) {
        waited.add(t.symbol);
        learned = true;
      }
    }
    // Nothing was done and every trim that waited was already known to wait: planning again would plan the
    // same. A trim that newly waited changes the next plan (the others go first), so that one is made.
    if (!acted && !learned) break;
    plan = (yield PLAN) as DeleveragePlan;
  }
  return { first, last: plan };
}

/**
 * How much of a position a trim sells: stocks in whole shares, rounded up so the trim frees at least what the
 * plan asked for; never more than is held.
 */
export function trimQty(assetClass: AssetClass, held: number, planned: number): number {
  const qty = assetClass === 'stock' ? Math.ceil(planned - 1e-9) : planned;
  return Math.min(Math.abs(held), qty);
}

/**
 * The quantity an end-of-day trim must close for margin to fall by `excessMargin` once its own costs are
 * paid (no dust trims: README "The model: assumptions and limits"). Closing q at price p frees
 * q·p·requirement of margin but lowers equity by q·p·(fee + slippage), which lowers capacity by (1 − buffer)
 * of that; so q = excess / (p·(req − (1 − buffer)·(fee + slippage))). Capped at the position.
 */
export function trimQtyWithCosts(input: {
  excessMargin: number;
  price: number;
  requirement: number;
  bufferPct: number;
  feeRate: number;
  slippage: number;
  positionQty: number;
}): number {
  const perUnit =
    input.price * (input.requirement - (1 - input.bufferPct) * (input.feeRate + input.slippage));
  if (!(perUnit > 0)) return input.positionQty;
  return Math.min(input.positionQty, input.excessMargin / perUnit);
}

/**
 * The size of one end-of-day trim, the session's rule for both drivers: what frees the plan's margin after the
 * trim's own fee and slippage (trimQtyWithCosts), in the session's units (trimQty: whole shares for stocks).
 */
export function trimSize(input: {
  assetClass: AssetClass;
  held: number;
  plannedQty: number;
  price: number;
  requirement: number;
  bufferPct: number;
  feeRate: number;
  slippage: number;
}): number {
  const withCosts = trimQtyWithCosts({
    excessMargin: input.plannedQty * input.price * input.requirement,
    price: input.price,
    requirement: input.requirement,
    bufferPct: input.bufferPct,
    feeRate: input.feeRate,
    slippage: input.slippage,
    positionQty: Math.abs(input.held),
  });
  return trimQty(input.assetClass, input.held, withCosts);
}
