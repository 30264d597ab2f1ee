import type { Decision } from '../core/policy/decision.js';
import type { Outcome } from './saga.js';

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
