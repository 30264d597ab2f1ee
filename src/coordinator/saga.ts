import type { Decision } from '../core/policy/decision.js';
import type { EntryRequest } from '../core/types.js';
import type { CancelResult, OrderUpdate, PlaceLimitRequest, PlaceResult, BrokerState } from './broker.js';

/**
 * A steal as a saga with persisted states (README "Architecture"; docs/service.md):
 * requested → victims-cancelled (or a victim filled: re-decide) → placed → done | compensated | aborted.
 */
export type SagaState =
  'requested' | 'victims-cancelled' | 'redecide' | 'placed' | 'done' | 'compensated' | 'aborted';

export interface SagaTransition {
  sagaId: string;
  state: SagaState;
  at: number;
  clientOrderId: string;
  symbol: string;
  victims: string[];
  cancelled: string[];
  orderId?: string;
  detail?: string;
  /**
   * The order the saga is to place, on its `requested` transition: after a restart, a report of that order
   * placed before the saga asked for it is checked against these terms as in the saga's process.
   */
  order?: SagaOrderTerms;
}

/** What a saga's order is, as far as a report of it placed can be checked (symbol: the saga's). */
export type SagaOrderTerms = Pick<EntryRequest, 'assetClass' | 'side' | 'qty' | 'limitPrice'>;

/** Where saga transitions are persisted (SQLite live, memory in tests and the simulator). */
export interface SagaJournal {
  transition(t: SagaTransition): void;
}

export const nullJournal: SagaJournal = { transition: () => undefined };

export class MemoryJournal implements SagaJournal {
  readonly transitions: SagaTransition[] = [];
  transition(t: SagaTransition): void {
    const copy = Object.assign({}, t, { victims: [...t.victims], cancelled: [...t.cancelled] });
    if (t.order) copy.order = { ...t.order };
    this.transitions.push(copy);
  }
}

/** What the saga asks of the broker; a driver (sync or async) performs it and sends the reply back in. */
export type BrokerCall =
  | { kind: 'cancel'; orderId: string }
  | { kind: 'place'; request: PlaceLimitRequest }
  | { kind: 'state' }
  /** The venue's order by client order id (after a place whose answer was lost). */
  | { kind: 'lookup'; clientOrderId: string };

/** `null`: the venue has no such order; `unsupported`: the broker cannot look orders up by client order id. */
export type LookupReply = OrderUpdate | null | 'unsupported';

/**
 * A driver sends each call's reply back in; when the call failed (its answer was lost) the driver throws the
 * error into the saga instead, which finds out what happened at the venue.
 */
export type BrokerReply = CancelResult | PlaceResult | BrokerState | LookupReply;

export type OutcomeStatus = 'waited' | 'blocked' | 'placed' | 'stole' | 'compensated' | 'aborted' | 'dry-run';

export interface Outcome {
  status: OutcomeStatus;
  /** The decision that was carried out (the last one, when a raced fill made the coordinator decide again). */
  decision: Decision;
  /** Every decision taken for this request, in order. */
  decisions: Decision[];
  orderId: string | null;
  clientOrderId: string | null;
  cancelled: readonly string[];
  /** Victims that filled while being cancelled. */
  filledDuringCancel: readonly string[];
  /**
   * How a saga that went wrong ended (compensated, aborted), in words; null for a wait or a block, which
   * decisionSummary(outcome.decision) says in words (built on demand: a simulation takes tens of thousands).
   */
  detail: string | null;
}
