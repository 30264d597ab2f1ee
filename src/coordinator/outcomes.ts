import type { Decision } from '../core/policy/decision.js';
import {
  nullJournal,
  type Outcome,
  type SagaJournal,
  type SagaOrderTerms,
  type SagaState,
  type SagaTransition,
} from './saga.js';

/** What one saga has done so far, for its outcome. */
export interface SagaRun {
  decisions: Decision[];
  cancelled: string[];
  filledDuringCancel: string[];
  /** Orders cancelled (or being cancelled) as victims, with their symbols. */
  stolen: { id: string; symbol: string }[];
}

/** A saga's identity and its current victims, as journalled. */
export interface SagaStep {
  sagaId: string;
  clientOrderId: string;
  symbol: string;
  victims: string[];
}

/** The outcome of a decision that needs no broker call (wait, block, dry run), or null. */
export function settledOutcome(decision: Decision, run?: SagaRun): Outcome | null {
  const status =
    decision.action === 'wait'
      ? 'waited'
      : decision.action === 'block'
        ? 'blocked'
        : decision.dryRun
          ? 'dry-run'
          : null;
  if (status === null) return null;
  if (run) return outcome(status, decision, run);
  return {
    status,
    decision,
    decisions: [decision],
    orderId: null,
    clientOrderId: null,
    cancelled: NONE,
    filledDuringCancel: NONE,
    detail: null,
  };
}

/** No order touched: one shared empty list, never written. */
const NONE: readonly string[] = Object.freeze([]);

export function outcome(
  status: Outcome['status'],
  decision: Decision,
  run: Pick<Outcome, 'decisions' | 'cancelled' | 'filledDuringCancel'>,
  orderId: string | null = null,
  clientOrderId: string | null = null,
  detail: string | null = null,
): Outcome {
  return {
    status,
    decision,
    decisions: run.decisions,
    orderId,
    clientOrderId,
    cancelled: run.cancelled,
    filledDuringCancel: run.filledDuringCancel,
    detail,
  };
}

/** One saga transition into the host's journal (nothing to build when the journal is the null one). */
export function journalize(
  host: { readonly journal: SagaJournal; now(): number },
  step: SagaStep,
  run: SagaRun,
  state: SagaState,
  detail?: string,
  orderId?: string,
  order?: SagaOrderTerms,
): void {
  if (host.journal === nullJournal) return;
  // Written out field by field: a copy of the step by spread with fields added kept the copied step alive
  // through young-generation collections until a full one (measured on the service's place cycle).
  const t: SagaTransition = {
    sagaId: step.sagaId,
    clientOrderId: step.clientOrderId,
    symbol: step.symbol,
    victims: step.victims,
    state,
    at: host.now(),
    cancelled: run.cancelled,
  };
  if (orderId !== undefined) t.orderId = orderId;
  if (detail !== undefined) t.detail = detail;
  if (order !== undefined)
    t.order = {
      assetClass: order.assetClass,
      side: order.side,
      qty: order.qty,
      limitPrice: order.limitPrice,
    };
  host.journal.transition(t);
}
