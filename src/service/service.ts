import type { Coordinator as CoordinatorType, SessionOracle } from '../coordinator/coordinator.js';
import { Coordinator } from '../coordinator/coordinator.js';
import type { Outcome } from '../coordinator/saga.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import type { Decision } from '../core/policy/decision.js';
import type { Account, EntryRequest, StealEvent } from '../core/types.js';
import type { Logger } from '../ports/log.js';
import type { LiveMetrics } from '../live/metrics.js';
import { entryPrefix } from '../ports/order-ids.js';
import type { LiveBroker } from '../ports/venue.js';
import { isFightSteal, restoreStealHistory } from '../live/recovery.js';
import type { LiveStore } from '../live/store.js';
import type { AdvisoryBroker, Timers } from './advisory-broker.js';
import { ServiceCapacity } from './capacity.js';
import type { AdvisoryBook } from './book.js';
import type { EntryRequestBody, OrderEventBody, SagaReportBody } from './reports.js';
import { refuseImpossibleEvent } from './reports.js';
import { DecisionLog } from './decision-log.js';
import type { ExecutingMode } from './executing-mode.js';
import { modeParts } from './service-modes.js';
import { ServiceWrites } from './service-writes.js';
import { closeService, recoverService, type ServiceParts } from './service-lifecycle.js';
import type { AdvisoryReports } from './advisory-reports.js';
import { advisoryEvent, type AdvisoryEventContext, type EventAnswer } from './order-events.js';
import { SagaIndex } from './saga-index.js';
import { clockNote } from './event-times.js';
import { movedOn, takeSagaReport, type SagaReportParts } from './saga-reports.js';
import { ServiceTables, type DecisionOut } from './service-tables.js';
import {
  requestAnswer,
  ServiceConflict,
  type ReportAnswer,
  type RequestAnswer,
  type SagaView,
  whereSagaIs,
} from './views.js';

export type ServiceMode =
  { kind: 'advisory'; deadlineMs: number; account: Account } | { kind: 'executing'; broker: LiveBroker };

export interface ServiceOptions {
  config: WorkstealConfig;
  store: LiveStore;
  log: Logger;
  metrics: LiveMetrics;
  timers: Timers;
  calendar: SessionOracle;
  mode: ServiceMode;
  runTag: string;
}

/**
 * The coordinator as a service (docs/service.md): one authority over capacity for any number of clients.
 * Executing mode carries steals out against the broker itself; advisory mode holds each saga over an
 * AdvisoryBroker and lets the bots act and report. Decisions are serialized by the coordinator.
 */
export class CoordinatorService {
  readonly coordinator: CoordinatorType;
  readonly tables: ServiceTables;
  /** Settles when crash recovery has finished; requests wait for it. */
  readonly ready: Promise<void>;
  private readonly decisions: DecisionLog;
  private readonly book: AdvisoryBook | null;
  private readonly reports: AdvisoryReports | null;
  private readonly events: AdvisoryEventContext | null;
  private readonly advisory: AdvisoryBroker | null;
  private readonly executing: ExecutingMode | null;
  private readonly writes: ServiceWrites;
  private readonly o: ServiceOptions;
  private currentRequest: EntryRequest | null = null;
  private recovering = false;
  private readonly sagas: SagaIndex;
  private readonly capacity: ServiceCapacity;

  constructor(o: ServiceOptions) {
    this.o = o;
    const now = o.timers.now();
    o.store.startRun(o.runTag, this.brokerName, now, { service: true, mode: o.mode.kind });
    o.store.recordEvent(now, 'start', { service: true, mode: o.mode.kind, runTag: o.runTag });
    this.tables = new ServiceTables(o.store.db);
    this.sagas = new SagaIndex(o.store, this.tables, () => this.coordinator, o.timers);
    this.writes = new ServiceWrites(o.store, o.log, o.mode.kind === 'advisory');
    const { config, calendar, metrics, log } = o;
    const coordinator = () => this.coordinator;
    this.capacity = new ServiceCapacity({
      config,
      calendar,
      metrics,
      log,
      coordinator,
      now: () => o.timers.now(),
      quotes: () => this.book?.quotes ?? this.executing!.quotes,
    });
    this.decisions = new DecisionLog(o.store, () => this.coordinator.ledger, o.metrics);
    const account = o.mode.kind === 'advisory' ? o.mode.account : { equity: 0, patternDayTrader: false };
    this.coordinator = new Coordinator({
      config: o.config,
      clock: { now: () => o.timers.now() },
      calendar: o.calendar,
      account,
      idPrefix: entryPrefix(o.runTag),
      journal: {
        transition: (t) => {
          // A saga's `requested` transition follows each of its decisions at once (nothing else is decided in
          // between): the request is the one decided last.
          const request = t.state === 'requested' ? this.currentRequest : null;
          if (request) this.sagas.started(request, t.sagaId);
          // The victims it leaves stay its own: its bot's report on one is taken (saga-index.ts).
          if (t.state === 'redecide') this.sagas.redecided(t.sagaId, t.victims);
          this.decisions.flush();
          o.store.transition(t);
          // The saga names that decision's row: a recovery that ends the saga gives the row its outcome.
          const decisionId = request && this.decisions.rowOf(request);
          if (decisionId) this.tables.linkDecision(t.sagaId, decisionId);
        },
      },
      onDecision: (d) => this.onDecision(d),
      onSteal: (e) => this.onSteal(e),
    });
    restoreStealHistory(o.store, this.coordinator, {
      now,
      broker: this.brokerName,
      config: o.config,
      barMs: 0,
    });
    const parts = modeParts(Object.assign({}, o, { symbols: o.config.symbols, account }), this.tables, {
      coordinator,
      ledger: () => this.coordinator.ledger,
      beforeWrite: () => this.decisions.flush(),
      sagaOf: (a) => this.sagas.sagaOfAction(a, this.recovering),
      placing: (clientOrderId) => this.sagas.placing(clientOrderId),
    });
    ({ book: this.book, reports: this.reports, advisory: this.advisory, executing: this.executing } = parts);
    this.events = parts.events;
    if (this.book) this.coordinator.ledger.reset(this.book.state());
    // Cooldowns and fight windows are kept by symbol: the spellings the restored history holds stay each
    // market's, so that another spelling after a restart cannot step around them.
    const spellings = this.book?.spellings ?? this.executing!.spellings;
    for (const s of this.coordinator.history.all()) for (const x of [s.thief, s.victim]) spellings.note(x);
    this.ready = recoverService(this.parts(), (on) => (this.recovering = on));
    o.metrics.onScrape(() => this.capacity.now());
  }

  get mode(): ServiceMode['kind'] {
    return this.o.mode.kind;
  }

  get brokerName(): string {
    return this.o.mode.kind === 'advisory' ? 'none' : this.o.mode.broker.name;
  }

  /** Decide an entry request and carry it out (executing) or start its saga and say what the bot must do. */
  async request(body: EntryRequestBody, explain = false): Promise<RequestAnswer> {
    await this.ready;
    this.book?.spellings.take(body.symbol, 'symbol'); // one spelling per market (symbol-spelling.ts)
    this.writes.begin();
    let answer: () => RequestAnswer;
    const request: EntryRequest = { ...body };
    try {
      answer = await this.decideAndAnswer(request, explain);
    } catch (error) {
      // A decision whose request failed (a broker error) is still logged.
      this.decisions.forget(request);
      throw error;
    }
    this.decisions.flush();
    await this.durable();
    // Built once the commit is done: a report in the same turn (a victim's fill) may have moved the saga on, and
    // the answer listed a victim the saga had left (QA run4). What the saga wrote since is on disk first.
    const now = answer();
    await this.durable();
    return now;
  }

  /**
   * Settles when everything written so far is on disk: an answer (of `event`, `status`, ...) leaves after it.
   * `request` and `report` wait for it themselves.
   */
  durable(): Promise<void> {
    return this.writes.durable();
  }

  /** Decide and start (advisory) or carry out (executing); returns what builds the answer as things are then. */
  private async decideAndAnswer(request: EntryRequest, explain: boolean): Promise<() => RequestAnswer> {
    const started = this.o.timers.now();
    if (this.executing) {
      const outcome = await this.executing.submit(request);
      this.onOutcome(request, outcome, started);
      return () => this.answer(request, outcome, explain);
    }
    const advisory = this.advisory!;
    const done = this.coordinator.submit(request, advisory);
    let outcome: Outcome | null = null;
    done.then(
      (o) => {
        outcome = o;
        this.onOutcome(request, o, started);
      },
      () => this.decisions.forget(request),
    );
    const sagaId = await this.advisory!.untilAsked(done, () => this.sagas.of(request));
    if (sagaId && outcome === null) this.sagas.answeredWhileRunning(sagaId, done);
    return () => this.answer(request, outcome, explain);
  }

  /** A bot's report for a saga (advisory mode): saga-reports.ts. */
  async report(sagaId: string, body: SagaReportBody): Promise<SagaView & { report: ReportAnswer }> {
    if (!this.advisory) throw new ServiceConflict('saga reports are for advisory mode (--broker none)');
    this.reportParts ??= {
      advisory: this.advisory,
      book: this.book!,
      reports: this.reports!,
      tables: this.tables,
      store: this.o.store,
      sagas: this.sagas,
      writes: this.writes,
      now: () => this.o.timers.now(),
      recovering: () => this.recovering,
      view: (sagaId) => this.sagaView(sagaId),
      event: (late) => this.event(late),
    };
    return takeSagaReport(this.reportParts, sagaId, body);
  }

  private reportParts: SagaReportParts | null = null;

  /**
   * An order event (advisory: anything the bot saw; executing: quotes only, the venue tells the rest). What it
   * wrote is on disk once `durable()` settles.
   */
  event(body: OrderEventBody): { applied: boolean; detail: string } {
    const { applied, detail } = this.eventTaken(body);
    return { applied, detail };
  }

  /**
   * An order event as the HTTP API answers it: once on disk, and when it answered a saga (a victim's cancel or
   * fill, a placement), with where that saga is now.
   */
  async eventAnswer(body: OrderEventBody): Promise<{ applied: boolean; detail: string }> {
    const { applied, detail, sagaId } = this.eventTaken(body);
    let now = '';
    if (sagaId) {
      await movedOn(this.advisory!, this.sagas, sagaId);
      now = `. Now: ${whereSagaIs(this.sagaView(sagaId)!)}`;
    }
    await this.durable();
    return { applied, detail: detail + now };
  }

  /** The event taken; its answer says when a time it sent was after the service's clock (event-times.ts). */
  private eventTaken(body: OrderEventBody): EventAnswer {
    refuseImpossibleEvent(body);
    this.writes.begin();
    const note = clockNote(body, this.o.timers.now());
    const answer = this.executing
      ? this.executing.event(body)
      : this.capacity.placement(body, () => advisoryEvent(body, this.events!));
    return note === '' ? answer : Object.assign(answer, { detail: answer.detail + note });
  }

  status(): Record<string, unknown> {
    const { time, ...rest } = this.capacity.now();
    return {
      mode: this.mode,
      broker: this.brokerName,
      runTag: this.o.runTag,
      recovering: this.recovering,
      time,
      ...rest,
      // Executing: when the ledger last read the broker, and the order events since (null in advisory mode).
      brokerView: this.executing?.view() ?? null,
      overCapacity: this.capacity.overCapacity(),
      sagas: this.tables.openSagas().map((s) => this.sagaView(s.sagaId)!),
    };
  }

  decisionsSince(since: number, limit: number): DecisionOut[] {
    return this.tables.decisionsSince(since, limit);
  }

  sagaView(sagaId: string): SagaView | null {
    return this.sagas.view(sagaId, this.advisory?.pending(sagaId) ?? []);
  }

  /** Stop: sagas still waiting end as at their deadline; the run is closed in the store; a log line says how. */
  close(reason = 'stopped'): Promise<void> {
    return closeService(this.parts(), this.ready, reason);
  }

  private parts(): ServiceParts {
    const { coordinator, tables, sagas, decisions, writes, advisory, book, executing } = this;
    const venue = advisory ?? (this.o.mode as { broker: LiveBroker }).broker;
    return { o: this.o, coordinator, tables, sagas, decisions, writes, advisory, book, executing, venue };
  }

  private onDecision(d: Decision): void {
    this.currentRequest = d.request;
    this.decisions.decided(d);
  }

  private onSteal(e: StealEvent): void {
    this.decisions.flush();
    this.o.store.recordSteal(e, isFightSteal(this.coordinator, e));
  }

  private onOutcome(request: EntryRequest, outcome: Outcome, started: number): void {
    this.decisions.settled(request, outcome, this.o.timers.now() - started);
    this.sagas.settled(request, outcome, () => this.o.timers.now());
  }

  private answer(request: EntryRequest, outcome: Outcome | null, explain: boolean): RequestAnswer {
    // The decision is on disk before the answer leaves.
    this.decisions.flush();
    const decision = outcome?.decision ?? this.decisions.decisionOf(request)!;
    const sagaId = this.sagas.of(request);
    return requestAnswer(decision, outcome, sagaId ? this.sagaView(sagaId) : null, explain);
  }
}
