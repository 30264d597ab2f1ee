import type { Coordinator } from '../coordinator/coordinator.js';
import type { Outcome } from '../coordinator/saga.js';
import type { EntryRequest } from '../core/types.js';
import type { LiveStore } from '../live/store.js';
import type { AdvisoryOptions, PendingAction } from './advisory-broker.js';
import type { SagaReportBody } from './reports.js';
import { closeSettledSaga, type SagaRecord, type ServiceTables } from './service-tables.js';
import { sagaView, type SagaView } from './views.js';

/**
 * How many ended sagas keep their outcome status for the saga view (docs/openapi.json `SagaView.outcome`),
 * across restarts: each outcome is an `events` row (kind `saga-outcome`), and a start reads the latest back.
 */
const OUTCOME_MEMORY = 10_000;

const NONE: readonly string[] = Object.freeze([]);

/**
 * Which saga a thing belongs to, as the service (service.ts) sees it: the request that started it, the action
 * a bot is asked for, the report a bot sends back; and how each saga ended, for the saga view.
 */
export class SagaIndex {
  private readonly sagaOfRequest = new WeakMap<EntryRequest, string>();
  /** Advisory requests answered while their saga runs on: a report for the saga waits for it to move on. */
  private readonly running = new Map<string, Promise<Outcome>>();
  private readonly outcomes = new Map<string, Outcome['status']>();
  /** Orders each saga asked to cancel in a decision it left (it decided again), oldest first. */
  private readonly earlier = new Map<string, string[]>();

  constructor(
    private readonly store: LiveStore,
    private readonly tables: ServiceTables,
    private readonly coordinator: () => Coordinator,
    private readonly clock: { now(): number },
  ) {
    // An earlier process's sagas answer with the outcome they ended with (it read null after a restart).
    for (const [sagaId, status] of tables.sagaOutcomes(OUTCOME_MEMORY)) this.remember(sagaId, status);
    for (const [sagaId, victims] of tables.redecisions(OUTCOME_MEMORY)) this.redecided(sagaId, victims);
  }

  /**
   * The saga decides again (a victim filled during its cancel): the victims of the decision it leaves stay its
   * own, so that the report its bot sends on one of them is taken (it was refused as "not an order saga …
   * asked to cancel") and answered with where the saga is now.
   */
  redecided(sagaId: string, victims: readonly string[]): void {
    const before = this.earlier.get(sagaId) ?? [];
    this.earlier.delete(sagaId);
    this.earlier.set(sagaId, [...before, ...victims.filter((v) => !before.includes(v))]);
    if (this.earlier.size > OUTCOME_MEMORY) this.earlier.delete(this.earlier.keys().next().value!);
  }

  /** Every order the saga asked to cancel in a decision it has left (some may be its victims again). */
  earlierVictims(sagaId: string): readonly string[] {
    return this.earlier.get(sagaId) ?? NONE;
  }

  /** The request started the saga (service.ts links them at the saga's first transition). */
  started(request: EntryRequest, sagaId: string): void {
    this.sagaOfRequest.set(request, sagaId);
  }

  of(request: EntryRequest): string | undefined {
    return this.sagaOfRequest.get(request);
  }

  /** The request was answered while its saga still runs; `done` settles with the saga's outcome. */
  answeredWhileRunning(sagaId: string, done: Promise<Outcome>): void {
    this.running.set(sagaId, done);
  }

  runningCount(): number {
    return this.running.size;
  }

  /** Settles once every saga answered while running has ended (after its outcome was recorded). */
  async allSettled(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  /** What a report for the saga waits for; undefined for a recovered saga (the recovery drives it). */
  runningUntil(sagaId: string): Promise<Outcome> | undefined {
    return this.running.get(sagaId);
  }

  /** The request ended: its saga, if still open in the store, is closed, and how it ended is kept. */
  settled(request: EntryRequest, outcome: Outcome, now: () => number): void {
    const sagaId = this.sagaOfRequest.get(request);
    if (!sagaId) return;
    closeSettledSaga(this.store, this.tables.saga(sagaId), outcome, now());
    this.ended(sagaId, outcome.status);
    this.running.delete(sagaId);
  }

  /**
   * A saga of an earlier process that the crash recovery ended (told as each one ends, so that none is shown
   * ended without its outcome while the recovery goes on): its outcome follows from how it ended
   * (endedOutcome), and its request's latest decision takes it too. Still open (a cancel the venue has not
   * answered, retried at the next start): no outcome yet.
   */
  recovered(saga: SagaRecord | null): void {
    const outcome = saga && endedOutcome(saga, this.earlierVictims(saga.sagaId));
    if (!saga || !outcome) return;
    this.ended(saga.sagaId, outcome);
    this.tables.settleRecoveredDecision(saga.sagaId, outcome);
  }

  /** The saga ended: its outcome is kept, in memory and in the store. */
  private ended(sagaId: string, status: Outcome['status']): void {
    this.store.recordEvent(this.clock.now(), 'saga-outcome', { sagaId, outcome: status });
    this.remember(sagaId, status);
  }

  private remember(sagaId: string, status: Outcome['status']): void {
    this.outcomes.set(sagaId, status);
    // Bounded: a long-running service ends a saga per request. A Map iterates oldest first.
    if (this.outcomes.size > OUTCOME_MEMORY) this.outcomes.delete(this.outcomes.keys().next().value!);
  }

  /** How each of these sagas stands now (state and outcome), for a log line. */
  endings(sagaIds: readonly string[]): { sagaId: string; state: string | null; outcome: string | null }[] {
    return sagaIds.map((sagaId) => ({
      sagaId,
      state: this.tables.saga(sagaId)?.state ?? null,
      outcome: this.outcomes.get(sagaId) ?? null,
    }));
  }

  /**
   * The saga as the API shows it. An ended saga whose outcome was not kept (ended by a version that did not
   * store it, or beyond the latest OUTCOME_MEMORY) shows the one its end gives (endedOutcome), never null.
   */
  view(sagaId: string, pending: readonly PendingAction[]): SagaView | null {
    const record = this.tables.saga(sagaId);
    if (!record) return null;
    const earlier = this.earlierVictims(sagaId);
    const outcome = this.outcomes.get(sagaId) ?? endedOutcome(record, earlier);
    return sagaView(record, pending, outcome, earlier);
  }

  /**
   * The saga a bot is asked to act for. During recovery, the unfinished saga that names the action; otherwise
   * the saga in flight that cancels that order, or places under that client order id (its saga id).
   */
  sagaOfAction(action: Parameters<AdvisoryOptions['sagaOf']>[0], recovering: boolean): string | null {
    if (recovering) return this.tables.openSagaNaming(action);
    const claims = this.coordinator().claims;
    if (action.kind === 'cancel') return claims.cancelledBy(action.orderId) ?? null;
    return claims.get(action.clientOrderId) ? action.clientOrderId : null;
  }

  /** What only the request knows of the order its saga is about to place. */
  placing(clientOrderId: string): ReturnType<AdvisoryOptions['placing']> {
    const request = this.coordinator().claims.get(clientOrderId)?.request;
    return { price: request?.price ?? null, forecastPnl: request?.forecastPnl ?? 0 };
  }
}

/**
 * The outcome an ended saga's state gives, as its request's would: aborted and compensated as they are; done
 * with a victim cancelled (of its last decision or one it left): stole; done without (its replaced order alone
 * cancelled, or nothing): placed. Null while it is open. A request that decided again and blocked ends its saga
 * aborted with outcome blocked: that outcome is kept (SagaIndex.ended), this is for sagas whose outcome was not.
 */
export function endedOutcome(s: SagaRecord, earlierVictims: readonly string[]): Outcome['status'] | null {
  if (s.state === 'aborted' || s.state === 'compensated') return s.state;
  if (s.state !== 'done') return null;
  const victim = (id: string): boolean => s.victims.includes(id) || earlierVictims.includes(id);
  return s.cancelled.some(victim) ? 'stole' : 'placed';
}

/** Whether a bot's report is one of the actions the saga waits for now. */
export function awaitedReport(pending: readonly PendingAction[], body: SagaReportBody): boolean {
  return pending.some((a) =>
    a.kind === 'cancel'
      ? 'orderId' in body && body.orderId === a.orderId && body.kind !== 'placed'
      : 'clientOrderId' in body && body.clientOrderId === a.order.clientOrderId,
  );
}
