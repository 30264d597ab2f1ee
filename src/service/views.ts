import type { PlaceLimitRequest } from '../coordinator/broker.js';
import type { Coordinator, SessionOracle } from '../coordinator/coordinator.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import type { Outcome } from '../coordinator/saga.js';
import type { Decision } from '../core/policy/decision.js';
import { decisionRecord } from '../core/policy/record.js';
import { decisionSummary } from '../explain/summary.js';
import type { PendingAction } from './advisory-broker.js';
import type { QuoteTimes } from '../live/quote-times.js';
import { withQuoteTimes } from './quote-times.js';
import type { SagaRecord } from './service-tables.js';

/** What the service answers with (the shapes of docs/openapi.json's Saga and RequestAnswer). */

/** A saga as the API shows it: its persisted state plus what it waits for now. */
export interface SagaView extends Omit<SagaRecord, 'startedAt' | 'updatedAt'> {
  startedAt: string;
  updatedAt: string;
  waitingFor: PendingView[];
  /**
   * Orders the saga asked to cancel in an earlier decision and left when it decided again (a victim filled
   * during its cancel), oldest first. A bot's report on one of them is still taken.
   */
  earlierVictims: string[];
  /** How the request ended, once it has (null while the saga runs; kept across restarts, saga-index.ts). */
  outcome: Outcome['status'] | null;
}

export type PendingView =
  | { kind: 'cancel'; orderId: string; deadline: string }
  | { kind: 'place'; order: PlaceLimitRequest; deadline: string };

export interface RequestAnswer {
  /** `waiting-for-bot`: the saga waits for the reports listed in `saga.waitingFor`. */
  status: Outcome['status'] | 'waiting-for-bot';
  action: Decision['action'];
  reason: string;
  victims: string[];
  replaces: string | null;
  detail: string | null;
  orderId: string | null;
  saga: SagaView | null;
  /** The full decision record (every candidate and why), when asked for with `?explain=true`. */
  decision?: Record<string, unknown>;
}

/** Whether a report or event counted, and why (the `report` of a saga report's answer, an event's answer). */
export interface ReportAnswer {
  applied: boolean;
  detail: string;
}

/** A conflict with the service's mode or state (HTTP 409): the message says what to do instead. */
export class ServiceConflict extends Error {}
/** Something that is not there (HTTP 404). */
export class NotFound extends Error {}
/** The store failed to commit: the service answers nothing more until it is restarted (HTTP 503). */
export class ServiceUnavailable extends Error {}

/** A stored saga with what it waits for now, times as ISO strings. */
export function sagaView(
  s: SagaRecord,
  pending: readonly PendingAction[],
  outcome: Outcome['status'] | null,
  earlier: readonly string[],
): SagaView {
  // Object.assign, not a spread copy with fields added (docs/service.md, "Young-generation survivors").
  return Object.assign({}, s, {
    startedAt: new Date(s.startedAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
    waitingFor: pending.map((a) =>
      a.kind === 'cancel'
        ? { kind: 'cancel' as const, orderId: a.orderId, deadline: new Date(a.deadline).toISOString() }
        : { kind: 'place' as const, order: a.order, deadline: new Date(a.deadline).toISOString() },
    ),
    earlierVictims: earlier.filter((id) => !s.victims.includes(id)),
    outcome,
  });
}

const ENDED = ['done', 'compensated', 'aborted'];

/** Whether a saga has ended (its state is final). */
export const sagaEnded = (state: string): boolean => ENDED.includes(state);

/**
 * Where a saga is now, for an answer's detail: what it waits for (and until when), or how it ended. A bot that
 * reads only `report.detail` learns from it what to do next.
 */
export function whereSagaIs(view: SagaView): string {
  if (sagaEnded(view.state))
    return `saga ${view.sagaId} ended ${view.state}${view.outcome ? ` (outcome ${view.outcome})` : ''}`;
  const next = view.waitingFor[0];
  if (!next) return `saga ${view.sagaId} waits for no report now (it is ${view.state})`;
  return next.kind === 'cancel'
    ? `saga ${view.sagaId} waits for the cancel of ${next.orderId} (deadline ${next.deadline}): cancel it ` +
        'and report it to this saga'
    : `saga ${view.sagaId} waits for the placement of ${next.order.qty} ${next.order.symbol} under client ` +
        `order id ${next.order.clientOrderId} (deadline ${next.deadline}): place it and report it to this saga`;
}

/** The capacity part of GET /v1/status: the account, margin used and free, orders, positions, cooldowns. */
/** Margin used, claimed by waiting sagas, and the capacity, now: the numbers the status and its checks share. */
export function marginsNow(
  coordinator: Coordinator,
  config: WorkstealConfig,
  calendar: SessionOracle,
  now: number,
): { sessionOpen: boolean; used: number; claimed: number; capacity: number } {
  const ledger = coordinator.ledger;
  const sessionOpen = calendar.isRegularSession(now);
  return {
    sessionOpen,
    used: ledger.usedMargin(sessionOpen, config.margin),
    // Held by sagas that wait for a bot's report: not in the orders yet, and not free (docs/service.md).
    claimed: coordinator.claimedMargin(),
    capacity: ledger.capacity(config.bufferPct),
  };
}

export function capacityView(
  coordinator: Coordinator,
  config: WorkstealConfig,
  calendar: SessionOracle,
  now: number,
  quotes: QuoteTimes,
) {
  const ledger = coordinator.ledger;
  const { sessionOpen, used, claimed, capacity } = marginsNow(coordinator, config, calendar, now);
  const snapshot = ledger.snapshot();
  return {
    time: new Date(now).toISOString(),
    sessionOpen,
    dryRun: coordinator.effectiveConfig.dryRun,
    account: { ...ledger.account },
    marginUsed: used,
    marginCapacity: capacity,
    marginClaimed: claimed,
    marginFree: capacity - used - claimed,
    // Each row's price is its symbol's last quote unless the venue or a report set it since (docs/service.md).
    orders: withQuoteTimes(snapshot.orders, quotes),
    positions: withQuoteTimes(snapshot.positions, quotes),
    quotes: quotes.view(),
    cooling: [...coordinator.history.coolingSymbols(now)].map((symbol) => ({
      symbol,
      until: new Date(coordinator.history.coolingUntil(symbol, now) ?? now).toISOString(),
    })),
  };
}

/** Outcomes that need no broker call and carry no detail of their own. */
const SETTLED: ReadonlySet<Outcome['status']> = new Set(['waited', 'blocked', 'dry-run']);

/** Why a request ended at once; a dry run says first that nothing was done. */
function settledDetail(decision: Decision): string {
  const why = decisionSummary(decision);
  return decision.dryRun ? `dry run, nothing was cancelled or placed: ${why}` : why;
}

/** The answer to an entry request: its decision, the outcome when it has one, its saga, and the record if asked. */
export function requestAnswer(
  decision: Decision,
  outcome: Outcome | null,
  saga: SagaView | null,
  explain: boolean,
): RequestAnswer {
  return {
    status: outcome?.status ?? 'waiting-for-bot',
    action: decision.action,
    reason: decision.reason,
    victims: decision.victims,
    replaces: decision.replaces ?? null,
    // A wait or a block ends at once: its detail says why in words, with the numbers a bot's log needs.
    detail: outcome?.detail ?? (outcome && SETTLED.has(outcome.status) ? settledDetail(decision) : null),
    orderId: outcome?.orderId ?? null,
    saga,
    ...(explain ? { decision: decisionRecord(decision) } : {}),
  };
}
