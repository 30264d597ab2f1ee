import type { Decision } from '../core/policy/decision.js';
import type { StealHistory } from '../core/policy/steal-history.js';
import { orderTerms, type Account, type EntryRequest, type StealEvent, type TimeMs } from '../core/types.js';
import { lookUpLostPlace, placementClash, type PlaceOutcome } from './broker-calls.js';
import type { BrokerState, CancelResult, OrderUpdate, PlaceLimitRequest, PlaceResult } from './broker.js';
import type { SagaClaims } from './claims.js';
import type { CapacityLedger } from './ledger.js';
import type { OrderUpdates } from './order-updates.js';
import { journalize, outcome, settledOutcome, type SagaRun, type SagaStep } from './outcomes.js';
import { recordSteals, stealerInState, stolenVictims } from './steal-record.js';
import { nullJournal, type BrokerCall, type BrokerReply, type Outcome, type SagaJournal } from './saga.js';

/**
 * What the steal saga needs of the coordinator that runs it: the state it reads and writes (the ledger, of
 * which the coordinator stays the only writer: the saga is the coordinator's own code, kept in this file),
 * the history its steals go into, the journal, and the coordinator's decide and reset.
 */
export interface SagaHost {
  readonly ledger: CapacityLedger;
  readonly updates: OrderUpdates;
  readonly history: StealHistory;
  readonly journal: SagaJournal;
  /** How often a request is decided again when victims keep filling during their cancel. */
  readonly maxRedecide: number;
  readonly onSteal: ((event: StealEvent) => void) | undefined;
  /** The clock's time, for the journal. */
  now(): TimeMs;
  /** A new saga id, which is also the placed order's client order id. */
  nextSagaId(): string;
  /** Decide now and log the decision. */
  decide(request: EntryRequest): Decision;
  /** Take the venue's whole state into the ledger. */
  resetTo(state: BrokerState): void;
}

/**
 * The steal saga, written once as a generator over broker calls so that the simulator (synchronous) and
 * live trading (asynchronous) run exactly the same steps. It starts from a first decision that needs the
 * broker (a place or a steal): the drivers settle waits, blocks and dry runs without starting a saga.
 * `claims`: where the asynchronous driver keeps what the saga holds while it waits (claims.ts); null for the
 * simulator's, where nothing else is decided before the saga ends.
 */
export function* stealSaga(
  host: SagaHost,
  request: EntryRequest,
  first: Decision,
  claims: SagaClaims | null,
): Generator<BrokerCall, Outcome, BrokerReply> {
  // The first decision in a literal: an array grown from empty by push reserves room for 16.
  const run: SagaRun = { decisions: [first], cancelled: [], filledDuringCancel: [], stolen: [] };
  let step: SagaStep | null = null;
  const maxRedecide = host.maxRedecide;

  try {
    for (let attempt = 0; ; attempt++) {
      const decision = attempt === 0 ? first : host.decide(request);
      if (attempt > 0) run.decisions.push(decision);
      // The account the decision saw: if it shrinks while the cancels are out, the plan may no longer fit.
      const { equity: equityAt, capacityCap: capAt, patternDayTrader: pdtAt } = host.ledger.account;
      const settled = settledOutcome(decision, run);
      if (settled) return settled;

      const now = decision.time;
      // One saga (and one idempotent client order id) per request, across any re-decisions.
      if (step === null) {
        const sagaId = host.nextSagaId();
        step = { sagaId, clientOrderId: sagaId, symbol: request.symbol, victims: decision.victims };
      } else step.victims = decision.victims;
      const clientOrderId = step.clientOrderId;
      // From here until it ends or decides again, other decisions count what this one is about to do.
      if (claims !== null) claims.claim(step.sagaId, request, decision, host.ledger);
      if (host.journal !== nullJournal)
        journalize(host, step, run, 'requested', `${decision.action} ${request.symbol}`, undefined, request);

      // Cancel the replaced order, then the victims in rank order, each confirmed. Inline rather than a nested
      // generator: every step of a delegated generator resumes both, and a steal is the simulator's hot path.
      let cancels = 'cancelled' as CancelProgress;
      // The replaced order goes first: it is this symbol's own capacity.
      const toCancel =
        decision.replaces === null ? decision.victims : [decision.replaces, ...decision.victims];
      // What had filled when the decision was taken (cumulative): only a fill beyond it changes the plan.
      const filledAtDecision = filledNow(host, toCancel);
      // An indexed loop: for-of across a yield keeps an iterator and its results alive in the saga's frame.
      for (let k = 0; k < toCancel.length; k++) {
        const orderId = toCancel[k]!;
        // Read before the cancel: an update from the venue may close the order while the cancel is out.
        const symbol = host.ledger.order(orderId)?.symbol;
        // A lost answer is sent again once (the venue answers a cancel of a closed order with how it closed,
        // so the cancel counts once).
        let result: CancelResult;
        try {
          result = (yield { kind: 'cancel', orderId }) as CancelResult;
        } catch {
          result = (yield { kind: 'cancel', orderId }) as CancelResult;
        }
        if (claims !== null) claims.answered(orderId);
        if (result.status === 'rejected') {
          // The venue still has (or never had) the order: take its word for everything, then stop.
          yield* resync(host);
          cancels = { aborted: `cancel of ${orderId} rejected: ${result.reason}` };
          break;
        }
        cancels = cancelConfirmed(host, decision, run, orderId, symbol, result, filledAtDecision[k]!);
        // The stealer is at the venue already (placedEarly): deciding again would replace it by a second order
        // under the same client order id. The plan's cancels go on; the order it holds is the saga's.
        if (cancels === 'raced' && claims?.get(step.sagaId)?.placedEarly !== undefined) cancels = 'cancelled';
        if (cancels === 'raced') break;
      }
      if (cancels !== 'cancelled' && cancels !== 'raced')
        return cancelsAborted(host, request, step, run, decision, claims, cancels.aborted);
      // An account event or a reconcile while the cancels were out may have lowered equity, the broker's cap or
      // the tier: the margin the decision counted on may not be there. Decide again rather than place into it.
      const shrank =
        accountShrank(host.ledger.account, equityAt, capAt, pdtAt) &&
        claims?.get(step.sagaId)?.placedEarly === undefined;
      if (cancels === 'raced' || shrank) {
        journalize(
          host,
          step,
          run,
          'redecide',
          cancels === 'raced'
            ? `${run.stolen.at(-1)?.id ?? 'a victim'} filled during its cancel`
            : 'the account shrank while the victims were cancelled',
        );
        if (attempt + 1 >= maxRedecide) {
          const detail =
            cancels === 'raced'
              ? 'victims kept filling during their cancel'
              : 'the account kept shrinking while the victims were cancelled';
          journalize(host, step, run, 'aborted', detail);
          return outcome('aborted', decision, run, null, null, detail);
        }
        // The next decision is a new one against the ledger and the other sagas' claims, without this one's.
        if (claims !== null) claims.release(step.sagaId);
        continue;
      }
      journalize(host, step, run, 'victims-cancelled');

      // placeOnce, inlined on the hot path (a nested generator per place costs more than the place itself):
      // when the answer is lost, the order is looked up by its client order id.
      let placed: PlaceOutcome;
      // A reset while the answer is out (another saga's resync, a reconcile for the next request) may have
      // read the venue after the order reached it: filled, or closed, it is not to be added again below.
      const resetsBefore = host.ledger.resets;
      // Where the symbol's position stood: without a look-up, a lost answer's fill shows only there.
      const positionBefore = host.ledger.position(request.symbol)?.qty ?? 0;
      try {
        placed = (yield { kind: 'place', request: entryPlaceRequest(request, clientOrderId) }) as PlaceResult;
      } catch {
        placed = yield* lookUpLostPlace(clientOrderId);
      }
      if (placed === 'unknown') {
        // The venue cannot say whether the order exists: take its whole state (with the order's margin if
        // it reached the venue). If the order is there (or its fill), the steal happened: it is recorded.
        const state = (yield { kind: 'state' }) as BrokerState;
        const found = stealerInState(
          state,
          host.ledger,
          request,
          clientOrderId,
          decision.replaces,
          positionBefore,
        );
        host.resetTo(state);
        const stolen = stolenVictims(found, run.stolen, run.cancelled);
        if (stolen.length) recordSteals(host, request.symbol, stolen, now);
        const detail =
          `the answer to placing ${clientOrderId} was lost; the ledger took the venue's state` +
          (found === null ? '' : ', which holds the order: the steal is recorded');
        journalize(host, step, run, 'aborted', detail);
        return outcome('aborted', decision, run, null, clientOrderId, detail);
      }
      if (!placed.ok) {
        // The cancels stand (the venue confirmed them); their margin is simply free again in the ledger.
        // A rejection can hide a partial truth (an order that did reach the book): ask the venue.
        yield* resync(host);
        journalize(host, step, run, 'compensated', placed.reason);
        return outcome('compensated', decision, run, null, clientOrderId, `place rejected: ${placed.reason}`);
      }
      const clash = placementClash(host.ledger, request, clientOrderId, placed);
      if (clash !== null) {
        // Not our order: the ledger keeps the venue's truth, the request ends as a failed placement.
        yield* resync(host);
        journalize(host, step, run, 'compensated', clash);
        return outcome('compensated', decision, run, null, clientOrderId, clash);
      }
      // The venue's state now holds the order as it is (open with its fills, or closed into its position).
      const reread = host.ledger.resets !== resetsBefore;
      if (reread) yield* resync(host);
      return placedOutcome(host, request, decision, run, step, placed, now, claims, reread);
    }
  } finally {
    // However the saga ends (placed, aborted, compensated, or an error thrown out of it), its claim goes.
    if (claims !== null && step !== null) claims.release(step.sagaId);
  }
}

/** The place call for a request: its entry, under the saga's idempotent client order id. */
function entryPlaceRequest(request: EntryRequest, clientOrderId: string): PlaceLimitRequest {
  return {
    clientOrderId,
    ...orderTerms(request, 'entry'),
  };
}

/**
 * The saga stops when a cancel is refused. A stealer its bot placed early (claims' placedEarly) is at the venue
 * all the same: the victims cancelled before the refusal were stolen from, and count as steals (steal-record.ts).
 */
function cancelsAborted(
  host: SagaHost,
  request: EntryRequest,
  step: SagaStep,
  run: SagaRun,
  decision: Decision,
  claims: SagaClaims | null,
  detail: string,
): Outcome {
  if (claims?.get(step.sagaId)?.placedEarly !== undefined) {
    const stolen = stolenVictims('open', run.stolen, run.cancelled);
    if (stolen.length) recordSteals(host, request.symbol, stolen, decision.time);
  }
  journalize(host, step, run, 'aborted', detail);
  return outcome('aborted', decision, run, null, null, detail);
}

/**
 * The venue accepted the order: into the ledger (unless an update already put it there) with what the venue
 * reported before this answer, the steals into the history, and the saga's outcome. `reread`: the ledger took
 * the venue's state after this answer, so an order it does not hold has closed there (its fills are in the
 * positions) and is not added.
 */
function placedOutcome(
  host: SagaHost,
  request: EntryRequest,
  decision: Decision,
  run: SagaRun,
  step: SagaStep,
  placed: PlaceResult & { ok: true; update?: OrderUpdate },
  now: TimeMs,
  claims: SagaClaims | null,
  reread: boolean,
): Outcome {
  const clientOrderId = step.clientOrderId;
  // One the ledger closed (it was placed before the saga asked, then filled or cancelled) has its fills in the
  // positions already: added again, its update counted them twice.
  if (!reread && !host.ledger.hasOrder(placed.orderId) && !host.ledger.wasClosed(placed.orderId))
    host.ledger.addOrder({
      id: placed.orderId,
      ...orderTerms(request, 'entry'),
      price: request.price,
      forecastPnl: request.forecastPnl,
      placedAt: now,
      probe: false,
      external: false,
    });
  // Fills (or a close) the venue reported before this answer, and what a look-up found.
  host.updates.settle(placed.orderId, clientOrderId);
  if (placed.update && host.ledger.hasOrder(placed.orderId)) host.updates.apply(placed.update);
  // The order holds its margin in the ledger now; the steals are recorded below, as they happened.
  if (claims !== null) claims.release(step.sagaId);
  journalize(host, step, run, 'placed', undefined, placed.orderId);
  // Victims cancelled in any attempt were stolen from, even if the last decision found the margin free
  // (steal-record.ts: the stealer reached the venue).
  const cancelledVictims = stolenVictims('open', run.stolen, run.cancelled);
  if (cancelledVictims.length) recordSteals(host, request.symbol, cancelledVictims, now);
  journalize(host, step, run, 'done', undefined, placed.orderId);
  return outcome(
    cancelledVictims.length ? 'stole' : 'placed',
    decision,
    run,
    placed.orderId,
    clientOrderId,
    null,
  );
}

/** What each order had filled (cumulative) as of now. */
function filledNow(host: SagaHost, orderIds: readonly string[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < orderIds.length; k++) out.push(host.ledger.filled(orderIds[k]!));
  return out;
}

/** Where a steal's cancels stand: all confirmed, one raced by a fill, or aborted by the venue. */
type CancelProgress = 'cancelled' | 'raced' | { aborted: string };

/**
 * The ledger after a confirmed cancel of `orderId`. `raced`: the order filled during its cancel (wholly, or
 * partly beyond what it had filled at the decision), so the plan no longer holds and the request is decided
 * again with the new state rather than placed into margin that is not there.
 */
function cancelConfirmed(
  host: SagaHost,
  decision: Decision,
  run: SagaRun,
  orderId: string,
  symbol: string | undefined,
  result: Exclude<CancelResult, { status: 'rejected' }>,
  filledAtDecision: number,
): CancelProgress {
  const order = host.ledger.order(orderId);
  if (symbol !== undefined && orderId !== decision.replaces) run.stolen.push({ id: orderId, symbol });
  if (result.filledQty > 0 && order) {
    // Cumulative: what the ledger already holds (from an update or a reconcile) is not added again.
    host.ledger.applyFill(orderId, result.filledQty, result.fillPrice ?? order.limitPrice);
  }
  if (result.status === 'filled') {
    run.filledDuringCancel.push(orderId);
    return 'raced';
  }
  host.ledger.removeOrder(orderId);
  run.cancelled.push(orderId);
  return result.filledQty > filledAtDecision ? 'raced' : 'cancelled';
}

/**
 * Whether the account is smaller than a decision saw it: less equity (capacity and the tier follow it), a
 * lower broker cap (or a cap where there was none), or the pattern-day-trader flag gone (the 4x tier with it).
 * The simulator never changes the account while a saga runs; the service (account events) and `run` (a
 * reconcile) may.
 */
function accountShrank(now: Account, equityAt: number, capAt: number | undefined, pdtAt: boolean): boolean {
  if (now.equity < equityAt) return true;
  if (now.capacityCap !== undefined && (capAt === undefined || now.capacityCap < capAt)) return true;
  return pdtAt && !now.patternDayTrader;
}

function* resync(host: SagaHost): Generator<BrokerCall, void, BrokerReply> {
  host.resetTo((yield { kind: 'state' }) as BrokerState);
}
