import type { CancelResult } from '../coordinator/broker.js';
import type { Coordinator } from '../coordinator/coordinator.js';
import { stealerReachedVenue, stolenVictims } from '../coordinator/steal-record.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import { historyConfigFor, historyHorizonMs } from '../core/policy/steal-history.js';
import type { StealEvent } from '../core/types.js';
import type { Logger } from '../ports/log.js';
import type { LiveBroker, OrderEvent } from '../ports/venue.js';
import { closeEndedRuns, runProcessLive } from './ended-runs.js';
import type { LiveStore, SagaRow } from './store.js';
import { GONE } from './store-rows.js';
import { settleOrderRow, type TrackedBroker } from './tracked-broker.js';

export interface RecoveryDeps {
  store: LiveStore;
  broker: TrackedBroker;
  venue: LiveBroker;
  coordinator: Coordinator;
  log: Logger;
  now: () => number;
  /** In a dry run nothing is sent to the venue: sagas whose cancel is not yet confirmed stay open. */
  dryRun: boolean;
  /** At start: sagas of earlier runs. After a failed poll: this run's too (none is in flight then). */
  includeCurrentRun: boolean;
  /**
   * A victim whose cancel is not confirmed ends its saga `aborted` (the victim keeps its margin), as a live
   * saga ends at such an answer, instead of leaving it open for the next start: for a venue that answers with
   * a deadline (the advisory service's bots), where a next start would only ask the same again.
   */
  unconfirmedEnds?: boolean;
  /**
   * Told as each saga ends, at once after its last transition is written (the service gives it its outcome
   * then: a saga read during the recovery is never shown ended without one).
   */
  onEnded?: (sagaId: string) => void;
}

/**
 * Finish the steal sagas a crash (or a failed poll) interrupted, against the venue's truth:
 * - a victim whose cancel was asked for (or was about to be) is cancelled again and confirmed: a cancel is
 *   never lost, and cancelling twice is harmless (the venue answers with the order's final state);
 * - the stealer's order is looked up by its client order id: if it reached the venue it is adopted (saga
 *   done), otherwise the saga is aborted and the watcher decides afresh at its next poll. Nothing is placed
 *   here, so nothing can be placed twice;
 * - victims confirmed cancelled were stolen from when the stealer was adopted: the steal goes into the
 *   history (cooldowns hold); a stealer that never arrived (or was rejected) records none, as in process.
 * A victim whose cancel still cannot be confirmed leaves its saga open for the next attempt. Sagas of
 * another venue (a replay lives in memory only) are closed: nothing of them exists any more.
 */
export async function recoverSagas(d: RecoveryDeps): Promise<void> {
  const current = d.store.currentRun;
  const here = d.venue.name;
  for (const saga of d.store.unfinishedSagas()) {
    if (saga.runId === current && !d.includeCurrentRun) continue;
    if (saga.runId !== current && runStillLive(saga)) {
      // The lock keeps a second process off the file; a run on another host or one started without the
      // lock is still never touched while its process lives.
      d.log.warn('saga-recovery-skipped', {
        saga: saga.sagaId,
        detail: `its run's process (pid ${saga.runPid} on ${saga.runHost}) is still running`,
      });
      continue;
    }
    if (saga.broker !== here || (here === 'replay' && saga.runId !== current)) {
      finish(
        d,
        saga,
        'aborted',
        saga.cancelled,
        undefined,
        `closed: the ${saga.broker} venue of that run no longer exists`,
      );
      continue;
    }
    d.log.warn('saga-recovery', {
      saga: saga.sagaId,
      state: saga.state,
      symbol: saga.symbol,
      victims: saga.victims,
    });
    await recoverOne(d, saga);
  }
}

/**
 * A start's recovery, before the first reconcile: the sagas earlier runs left are finished (recoverSagas), their
 * orders still marked working take the venue's word (settleOrderRows; `settleOrders` false where the venue
 * keeps no orders of ours: the advisory service), then the runs that ended without stopping are closed
 * (closeEndedRuns).
 */
export async function recoverAtStart(d: RecoveryDeps, settleOrders = true): Promise<void> {
  const open = d.store.openRuns(); // their last records, before the recovery writes to their rows
  await recoverSagas(d);
  if (settleOrders) await settleOrderRows(d);
  closeEndedRuns(d, open);
}

/**
 * Orders of earlier runs still marked working in the store take the venue's word (looked up by client
 * order id): a kill between the venue's answer and the store's write must not leave a closed order `open`.
 * A row that never reached the venue (`sending`, unknown there) is marked `rejected`; one that reached it but
 * that the venue does not know any more is `gone` (it holds nothing; its fills stay as last recorded).
 */
export async function settleOrderRows(d: RecoveryDeps): Promise<void> {
  for (const row of d.store.unsettledOrders()) {
    const known = await d.venue.orderByClientId(row.clientOrderId);
    const at = d.now();
    if (!known) {
      // Never reached the venue (`sending`): refused. Reached it once but no longer listed there: not open.
      d.store.setOrderId(row.clientOrderId, null, row.status === 'sending' ? 'rejected' : GONE, at);
      continue;
    }
    settleOrderRow(d.store, row.clientOrderId, known, at);
  }
}

/**
 * Orders the store still counts as working but the venue no longer holds open: their last event was lost (a
 * stream gap, or a fill reported before the answer to its placement). This run's, and earlier runs' of this
 * venue: an order a killed process placed works on, and its end can fall in a gap of this run's stream too
 * (before, its row stayed open until the next start). The venue's word on each is handed on as the event that
 * was missed, so the store learns the fill (the exit watcher arms its take-profit from it) and the signal is
 * used once.
 */
export async function settleLostEvents(
  store: LiveStore,
  venue: LiveBroker,
  openIds: ReadonlySet<string>,
  onEvent: (event: OrderEvent) => void,
  at: number,
): Promise<void> {
  for (const row of [...store.workingOrders(), ...store.unsettledOrders()]) {
    if (row.orderId === null || openIds.has(row.orderId)) continue;
    const known = await venue.orderByClientId(row.clientOrderId);
    // Neither listed open nor known by its client order id: the venue holds no such order (its row was left
    // `open` before while the watcher placed a new entry in its place).
    if (!known) store.setOrderId(row.clientOrderId, null, GONE, at);
    if (!known || known.status === 'open' || known.status === 'pending_cancel') continue;
    const kind = known.status === 'filled' ? 'fill' : known.status;
    onEvent({ kind, order: known });
  }
}

async function recoverOne(d: RecoveryDeps, saga: SagaRow): Promise<void> {
  const cancelled = [...saga.cancelled];
  let unconfirmed: string | null = null;
  for (const victim of saga.victims) {
    if (cancelled.includes(victim)) continue;
    // How did it end? The cancel may have gone through just before the crash, with no time to write it down.
    const row = d.store.orderByOrderId(victim);
    const known = row ? await d.venue.orderByClientId(row.clientOrderId) : null;
    if (known && known.status !== 'open' && known.status !== 'pending_cancel') {
      // The venue's final word goes into the order's row too, so it is not left `open` in the store.
      d.store.updateOrderStatus(victim, known.status, known.filledQty, known.fillPrice, d.now());
      if (known.status === 'canceled') cancelled.push(victim);
      // A victim that filled first had nothing taken from it; one the venue ended itself (expired, or
      // rejected after it was accepted) holds no margin, and a cancel of it would be refused at every start.
      continue;
    }
    const pending = (why: string): void =>
      d.log.warn('saga-recovery-pending', {
        saga: saga.sagaId,
        victim,
        detail: `${why}; the saga stays open and is retried at the next start`,
      });
    if (d.dryRun) return pending('dry run: the cancel is not sent again');
    const result = await cancelSentAgainOnce(d.broker, victim, (attempt, detail) =>
      d.log.warn('saga-recovery-cancel-lost', { victim, attempt, detail }),
    );
    if (result.status === 'cancelled') cancelled.push(victim);
    else if (result.status === 'rejected') {
      if (!d.unconfirmedEnds) return pending(`the cancel is not confirmed (${result.reason})`);
      unconfirmed = `recovered: cancel of ${victim} rejected: ${result.reason}`;
      break;
    }
  }
  const stealer = await d.venue.orderByClientId(saga.clientOrderId);
  const status = stealer?.status ?? null;
  // As the saga in process: a steal counts only once its stealer reached the venue (steal-record.ts).
  const stolen = stolenVictims(status, saga.victims, cancelled);
  for (const victim of new Set(stolen.map((v) => d.store.orderByOrderId(v)?.symbol).filter(isString))) {
    const event = { at: saga.startedAt, thief: saga.symbol, victim };
    // The coordinator may have recorded this steal before the crash (it is then back from the store,
    // stamped with the decision time, a moment before the saga's first step): never count it twice.
    if (alreadyKnown(d.coordinator, event)) continue;
    d.coordinator.restoreSteal(event);
    d.store.recordSteal(event, isFightSteal(d.coordinator, event));
  }
  if (stealer && stealerReachedVenue(status)) {
    // Its fill too: it may have filled (or closed after a partial fill) while the process was down.
    settleOrderRow(d.store, saga.clientOrderId, stealer, d.now());
    finish(d, saga, 'done', cancelled, stealer.id, 'recovered: the order had reached the venue; adopted');
  } else {
    finish(
      d,
      saga,
      'aborted',
      cancelled,
      undefined,
      unconfirmed ?? 'recovered: the order was never placed; its watcher decides again at the next poll',
    );
  }
}

/**
 * A cancel whose answer was lost (the call threw) may have taken effect: it is sent again once, as the saga
 * does, since the venue answers a cancel of a closed order with how it closed. Lost twice, it counts as not
 * confirmed (`rejected`: a saga stays open for the next attempt, a stop goes on with the other orders)
 * instead of failing the start or the stop. `lost` hears of each lost answer.
 */
export async function cancelSentAgainOnce(
  broker: Pick<TrackedBroker, 'cancel'>,
  orderId: string,
  lost: (attempt: number, detail: string) => void,
): Promise<CancelResult> {
  let detail = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await broker.cancel(orderId);
    } catch (error) {
      detail = error instanceof Error ? error.message : String(error);
      lost(attempt + 1, detail);
    }
  }
  return { status: 'rejected', reason: `the answer to the cancel was lost twice (${detail})` };
}

function finish(
  d: RecoveryDeps,
  saga: SagaRow,
  state: 'done' | 'aborted',
  cancelled: string[],
  orderId: string | undefined,
  detail: string,
): void {
  d.store.transition({
    sagaId: saga.sagaId,
    state,
    at: d.now(),
    clientOrderId: saga.clientOrderId,
    symbol: saga.symbol,
    victims: saga.victims,
    cancelled,
    ...(orderId === undefined ? {} : { orderId }),
    detail,
  });
  d.onEnded?.(saga.sagaId);
  d.log.info('saga-recovered', { saga: saga.sagaId, state, cancelled, orderId, detail });
}

/** A run of another process that has not stopped and whose process still runs (or cannot be checked). */
function runStillLive(saga: SagaRow): boolean {
  return !saga.runStopped && runProcessLive(saga.runPid, saga.runHost);
}

const SAME_STEAL_MS = 60_000;

function alreadyKnown(coordinator: Coordinator, e: StealEvent): boolean {
  return coordinator.history
    .all()
    .some((c) => c.thief === e.thief && c.victim === e.victim && Math.abs(c.at - e.at) <= SAME_STEAL_MS);
}

/**
 * Cooldowns, fight counts and the daily steal budget outlive the process: the steals that still count come
 * back from the store at start (`run` and `serve` alike). Not in a replay: each replay is its own world, and
 * an earlier one's steals lie at other market times.
 */
export function restoreStealHistory(
  store: LiveStore,
  coordinator: Coordinator,
  at: { now: number; broker: string; config: WorkstealConfig; barMs: number },
): void {
  if (at.broker === 'replay') return;
  for (const e of store.stealsBetween(
    at.now - historyHorizonMs(historyConfigFor(at.config, at.barMs)),
    at.now,
    at.broker,
  ))
    coordinator.restoreSteal(e);
}

/** Whether the history classified this recorded steal as a fight steal. */
export function isFightSteal(coordinator: Coordinator, e: StealEvent): boolean {
  const all = coordinator.history.all();
  for (let i = all.length - 1; i >= 0; i--) {
    const c = all[i]!;
    if (c.at === e.at && c.thief === e.thief && c.victim === e.victim) return c.fight;
  }
  return false;
}

const isString = (x: string | undefined): x is string => typeof x === 'string';
