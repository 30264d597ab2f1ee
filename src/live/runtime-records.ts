import type { Coordinator } from '../coordinator/coordinator.js';
import type { OutcomeStatus, SagaJournal, SagaTransition } from '../coordinator/saga.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import type { Decision } from '../core/policy/decision.js';
import { decisionRecord } from '../core/policy/record.js';
import type { StealEvent } from '../core/types.js';
import { decisionSummary } from '../explain/summary.js';
import type { OrderEvent } from '../ports/venue.js';
import { AlertMonitor, postWebhook, type Alert, type AlertKind } from './alerts.js';
import { isStealAttempt } from './metrics.js';
import { isFightSteal } from './recovery.js';
import type { RuntimeOptions } from './runtime-options.js';
import { StatusHistory } from './status-history.js';
import { rowStatusOf } from './tracked-broker.js';

/** What the runtime has decided and done, as the status page and the tests count it. */
export interface RuntimeCounters {
  decisions: number;
  places: number;
  steals: number;
  stealAttempts: number;
  fights: number;
  blocks: Record<string, number>;
  waits: number;
  deleverageCancels: number;
  deleverageTrims: number;
}

/**
 * The live runtime's records: every decision, steal and order event into the store, the log and the
 * metrics; the counters; alerts; the gauges after each poll. Nothing here decides anything.
 */
export class RuntimeRecords {
  readonly counters: RuntimeCounters = {
    decisions: 0,
    places: 0,
    steals: 0,
    stealAttempts: 0,
    fights: 0,
    blocks: {},
    waits: 0,
    deleverageCancels: 0,
    deleverageTrims: 0,
  };
  readonly alerts: AlertMonitor;
  /** Equity, margin use and decisions per poll for the status page's charts. */
  readonly pollHistory = new StatusHistory();
  /** The store row of the last decision (its outcome is written when the saga ends). */
  lastDecisionId: number | null = null;

  constructor(
    private readonly o: RuntimeOptions,
    private readonly coordinator: () => Coordinator,
    /** Something changed at the venue: the next decision waits for a reconcile. */
    private readonly markDirty: () => void,
    /** An entry filled: its signal is traded once. */
    private readonly consumed: (symbol: string, signalKey: string) => void,
  ) {
    this.alerts = new AlertMonitor(o.config.live.alerts, {
      raise: (a) => this.raiseAlert(a),
      resolve: (kind, at) => this.resolveAlert(kind, at),
    });
  }

  onDecision(d: Decision): void {
    const ledger = this.coordinator().ledger;
    const victimSymbols = d.victims.map((id) => ledger.order(id)?.symbol ?? '?');
    this.lastDecisionId = this.o.store.recordDecision({
      time: d.time,
      symbol: d.request.symbol,
      action: d.action,
      reason: d.reason,
      victims: d.victims,
      victimSymbols,
      stealAttempt: isStealAttempt(d),
      fight: d.fight,
      shortfall: d.shortfall,
      dryRun: d.dryRun,
      record: decisionRecord(d),
      detail: decisionSummary(d),
    });
    this.o.metrics.onDecision(d);
    const c = this.counters;
    c.decisions++;
    if (d.action === 'block') c.blocks[d.reason] = (c.blocks[d.reason] ?? 0) + 1;
    if (isStealAttempt(d)) c.stealAttempts++;
    if (d.action !== 'wait') this.alerts.observeDecision(d.action === 'block', isStealAttempt(d));
  }

  onSteal(e: StealEvent): void {
    this.o.store.recordSteal(e, isFightSteal(this.coordinator(), e));
  }

  onOrderEvent(e: OrderEvent): void {
    if (e.kind === 'new' || e.kind === 'pending_cancel') return;
    // Something changed at the venue: the next decision waits for a reconcile (docs/live.md).
    this.markDirty();
    if (e.kind === 'resync') return;
    const { store, log, time } = this.o;
    const at = time.now();
    store.updateOrderStatus(e.order.id, rowStatusOf(e.kind), e.order.filledQty, e.order.fillPrice, at);
    if (e.kind === 'fill' || e.kind === 'partial_fill') {
      const row = store.orderByOrderId(e.order.id);
      if (row?.role === 'entry' && row.signalKey) this.consumed(row.symbol, row.signalKey);
      log.info('fill', {
        orderId: e.order.id,
        symbol: e.order.symbol,
        side: e.order.side,
        role: row?.role ?? e.order.role,
        qty: e.order.filledQty,
        price: e.order.fillPrice,
        at: iso(at),
      });
    }
  }

  /** The wait the core answered to a request (it never reaches the saga). */
  onWait(): void {
    this.counters.waits++;
    this.o.metrics.waits.inc();
  }

  onOutcome(status: OutcomeStatus, fight: boolean, seconds: number): void {
    if (this.lastDecisionId !== null) this.o.store.setOutcome(this.lastDecisionId, status, seconds * 1000);
    this.o.metrics.onOutcome(status, fight, seconds);
    if (status === 'stole') {
      this.counters.steals++;
      if (fight) this.counters.fights++;
      this.alerts.observeSteal();
    }
    if (status === 'placed') this.counters.places++;
    this.alerts.evaluate(this.o.time.now());
  }

  updateGauges(now: number): void {
    const { config, metrics, calendar } = this.o;
    const ledger = this.coordinator().ledger;
    const capacity = ledger.capacity(config.bufferPct);
    const used = ledger.usedMargin(calendar.isRegularSession(now), config.margin);
    metrics.setCapacity(ledger.account.equity, capacity, used, this.coordinator().claimedMargin());
    this.pollHistory.record(now, ledger.account.equity, used, capacity, this.counters.decisions);
    metrics.setOpenOrders(ledger.orders);
  }

  private raiseAlert(alert: Alert): void {
    const { log, metrics, store, config } = this.o;
    metrics.alerts.inc({ kind: alert.kind });
    store.recordEvent(alert.at, 'alert', alert);
    log.warn('alert', {
      kind: alert.kind,
      message: alert.message,
      value: alert.value,
      threshold: alert.threshold,
    });
    const url = config.live.alerts.webhookUrl;
    if (url) {
      postWebhook(url, alert).catch((error: Error) =>
        log.warn('alert-webhook-failed', { message: error.message }),
      );
    }
  }

  private resolveAlert(kind: AlertKind, at: number): void {
    this.o.store.recordEvent(at, 'alert-resolved', { kind });
    this.o.log.info('alert-resolved', { kind });
  }
}

/** Every saga step into the store and, one line each, the log: an operator sees a cancel in flight. */
export function sagaJournal(o: RuntimeOptions): SagaJournal {
  return {
    transition: (t: SagaTransition) => {
      o.store.transition(t);
      o.log.info('saga', {
        saga: t.sagaId,
        state: t.state,
        symbol: t.symbol,
        victims: t.victims,
        cancelled: t.cancelled,
        orderId: t.orderId,
        detail: t.detail,
        at: iso(t.at),
      });
    },
  };
}

export const iso = (t: number): string => new Date(t).toISOString();

/** The config as stored and shown: a webhook URL may carry a token, so only its presence is kept. */
export function redactConfig(config: WorkstealConfig): WorkstealConfig {
  const alerts = config.live.alerts;
  return {
    ...config,
    live: { ...config.live, alerts: { ...alerts, webhookUrl: alerts.webhookUrl ? '(set)' : undefined } },
  };
}
