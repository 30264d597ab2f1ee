import { ValidationError } from '../core/errors.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { entryPrefix } from '../ports/order-ids.js';
import { quoteMadeAt } from '../session/asking.js';
import type { OrderEvent, Quote } from '../ports/venue.js';
import { isSqliteError, storeFailed } from '../store/errors.js';
import type { AlertMonitor } from './alerts.js';
import { EndOfDay } from './end-of-day.js';
import {
  cancelSentAgainOnce,
  recoverSagas,
  restoreStealHistory,
  settleLostEvents,
  recoverAtStart,
  type RecoveryDeps,
} from './recovery.js';
import { capToBuyingPower } from './runtime-capacity.js';
import { PollLoop } from './runtime-loop.js';
import { LiveValuation } from './runtime-valuation.js';
import type { RuntimeOptions } from './runtime-options.js';
import { iso, redactConfig, RuntimeRecords, sagaJournal, type RuntimeCounters } from './runtime-records.js';
import { LiveWatchers } from './runtime-watch.js';
import { OwnershipReport } from './order-ownership.js';
import { QuoteTimes } from './quote-times.js';
import { buildStatus, type StatusSnapshot } from './status.js';
import { TrackedBroker } from './tracked-broker.js';
export type { RuntimeOptions, SessionCalendar } from './runtime-options.js';

/**
 * The live runtime, a driver of the trading session (src/session) over a broker: the coordinator, the store,
 * the watchers, end of day. One poll at a time, strictly in sequence, so a reconcile never interleaves with a
 * steal in flight:
 *   reconcile with the broker → quotes → end of day → signals → exits → entries (runtime-watch.ts).
 */
export class Runtime {
  readonly coordinator: Coordinator;
  readonly broker: TrackedBroker;
  private readonly records: RuntimeRecords;
  private readonly watchers: LiveWatchers;
  private readonly endOfDay: EndOfDay;
  private readonly symbolNames: string[];
  private readonly loop: PollLoop;
  private readonly unsubscribe: () => void;
  private quotes = new Map<string, Quote>();
  /** Each symbol's last quote the ledger took, with when its price was made: /status. */
  private readonly taken = new QuoteTimes();
  /** Orders a second run on the account may hold (foreign ones, several entries on a symbol). */
  private readonly ownership = new OwnershipReport();
  private paused = false;
  private dirty = false;
  private polls = 0;
  private lastPoll: number | null = null;
  private capacityNote: string | null = null;
  /** The capacity cap from the broker's buying power at the last reconcile. */
  private brokerCap: number | undefined;
  private readonly valuation: LiveValuation;

  constructor(private readonly o: RuntimeOptions) {
    const now = (): number => o.time.now();
    this.broker = new TrackedBroker(o.broker, o.store, now);
    this.records = new RuntimeRecords(
      o,
      () => this.coordinator,
      () => {
        this.dirty = true;
      },
      (symbol, key) => {
        o.signals.consume(symbol, key);
        this.watchers.consumed(symbol, key);
      },
    );
    this.valuation = new LiveValuation(o, (symbol) => this.watchers.heldSignal(symbol));
    this.coordinator = new Coordinator({
      ...this.valuation.coordinatorOptions(),
      config: o.config,
      clock: { now },
      calendar: o.calendar,
      account: { equity: o.config.live.initialEquity, patternDayTrader: o.config.patternDayTrader },
      journal: sagaJournal(o),
      idPrefix: entryPrefix(o.runTag),
      onDecision: (d) => this.records.onDecision(d),
      onSteal: (e) => this.records.onSteal(e),
    });
    this.symbolNames = o.symbols.map((s) => s.symbol);
    this.loop = new PollLoop(o, () => this.pollOnce().catch((error: Error) => this.afterFailedPoll(error)));
    this.endOfDay = new EndOfDay({
      o,
      coordinator: this.coordinator,
      broker: this.broker,
      dryRun: () => this.dryRun,
      quote: (symbol) => this.quotes.get(symbol),
      reconcile: () => this.reconcile(),
      cancelOwn: (id, why) => this.cancelOwn(id, why),
      markDirty: () => {
        this.dirty = true;
      },
      counters: this.records.counters,
    });
    this.watchers = new LiveWatchers({
      o,
      coordinator: this.coordinator,
      broker: this.broker,
      records: this.records,
      dryRun: () => this.dryRun,
      halted: () => this.loop.stopped || this.paused,
      reconcileIfDirty: async () => {
        if (this.dirty) await this.reconcile();
      },
      cancelOwn: (id, why) => this.cancelOwn(id, why),
      brokerCap: () => this.brokerCap,
    });
    this.unsubscribe = o.broker.onOrderEvent((e) => this.onOrderEvent(e));
  }

  get counters(): RuntimeCounters {
    return this.records.counters;
  }

  get alerts(): AlertMonitor {
    return this.records.alerts;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get dryRun(): boolean {
    return this.coordinator.effectiveConfig.dryRun;
  }

  /** Record the run, restore steal history (cooldowns, fights), finish sagas a crash interrupted, reconcile. */
  async start(): Promise<void> {
    const o = this.o;
    const now = o.time.now();
    o.store.startRun(o.runTag, o.broker.name, now, redactConfig(o.config));
    o.store.recordEvent(now, 'start', { broker: o.broker.name, symbols: this.symbolNames, runTag: o.runTag });
    restoreStealHistory(o.store, this.coordinator, {
      now,
      broker: o.broker.name,
      config: o.config,
      barMs: o.barMs ?? 0,
    });
    const learnedTrades = this.valuation.restoreReturns(now);
    await recoverAtStart(this.recoveryDeps(false));
    await this.reconcile();
    o.log.info('started', {
      broker: o.broker.name,
      runTag: o.runTag,
      symbols: this.symbolNames,
      at: iso(now),
      dryRun: this.dryRun,
      // Steals that still count for cooldowns and fights: restored from the store plus recovered ones.
      stealHistory: this.coordinator.history.all().length,
      // Closed trades of earlier runs that teach the value rankings' realised returns again (0 under distance).
      learnedTrades,
    });
  }

  /** Poll until stopped or, in a replay, until the end of the data (the loop: runtime-loop.ts). */
  run(): Promise<'end' | 'stopped'> {
    return this.loop.run();
  }

  async pollOnce(): Promise<void> {
    const o = this.o;
    const now = o.time.now();
    await this.reconcile();
    this.quotes = await o.marketData.quotes(this.symbolNames);
    this.markQuotes();
    // As in the simulator: the trades the fills of the bars closed now closed teach the valuation before end of
    // day; then the bars closed since the last poll reach the signals, then the valuation model.
    this.valuation.teachClosedTrades(now);
    await this.endOfDay.poll(now);
    await o.signals.refresh(now, this.symbolNames);
    await this.valuation.feedBars(this.symbolNames);
    await this.watchers.poll(now, this.quotes, this.paused);
    this.records.updateGauges(now);
    this.polls++;
    this.lastPoll = now;
    o.metrics.polls.inc();
  }

  /**
   * A poll failed (the venue unreachable, say). A steal may have stopped half-way: finish it now against the
   * venue's truth rather than at the next start, then carry on; the next poll reconciles first.
   */
  private async afterFailedPoll(error: Error): Promise<void> {
    const o = this.o;
    // The store itself failed (damaged, disk full): nothing could be recorded, so the run stops (run() rejects).
    if (isSqliteError(error)) throw storeFailed(o.store.path, error);
    this.dirty = true;
    o.log.error('poll-failed', {
      at: iso(o.time.now()),
      message: error.message,
      action: 'interrupted steals are finished against the venue; the next poll reconciles and carries on',
    });
    try {
      await recoverSagas(this.recoveryDeps(true));
    } catch (again) {
      o.log.error('recovery-failed', {
        message: (again as Error).message,
        action: 'retried after the next failure or at the next start',
      });
    }
  }

  pause(): void {
    this.paused = true;
    this.o.log.info('paused', { at: iso(this.o.time.now()) });
  }

  resume(): void {
    this.paused = false;
    this.o.log.info('resumed', { at: iso(this.o.time.now()) });
  }

  setDryRun(on: boolean): void {
    this.coordinator.setDryRun(on);
    this.o.log.info('dry-run', { on, at: iso(this.o.time.now()) });
  }

  /**
   * Stop watching: let the poll in flight finish (up to stopWaitMs; a steal interrupted here is finished by
   * the next start's recovery), optionally cancel our resting entries, and record the stop. The caller
   * closes the HTTP server, the broker and the store.
   */
  async stop(reason: string, cancelEntries: boolean): Promise<void> {
    const o = this.o;
    await this.loop.stop();
    let cancelled = 0;
    if (cancelEntries && this.dryRun)
      o.log.info('stop-cancel-skipped', { detail: 'dry run: nothing is cancelled' });
    else if (cancelEntries) {
      // A copy: each confirmed cancel takes its order out of the ledger's list.
      for (const order of this.coordinator.ledger.orders.filter((x) => x.role === 'entry' && !x.external)) {
        const r = await cancelSentAgainOnce(this.broker, order.id, (attempt, detail) =>
          o.log.warn('stop-cancel-lost', { orderId: order.id, symbol: order.symbol, attempt, detail }),
        );
        if (r.status !== 'rejected') this.coordinator.applyCancel(order.id, r);
        if (r.status === 'cancelled') cancelled++;
        else {
          const reason = r.status === 'rejected' ? r.reason : 'it filled before the cancel';
          o.log.warn('stop-cancel-failed', {
            orderId: order.id,
            symbol: order.symbol,
            status: r.status,
            reason,
          });
        }
      }
    }
    const at = o.time.now();
    o.store.recordEvent(at, 'stop', { reason, cancelledEntries: cancelled });
    o.store.stopRun(at, reason);
    this.unsubscribe();
    o.signals.close();
    o.log.info('stopped', { reason, cancelledEntries: cancelled, polls: this.polls });
  }

  status(): StatusSnapshot {
    return buildStatus({
      now: this.o.time.now(),
      lastPoll: this.lastPoll,
      polls: this.polls,
      broker: this.o.broker.name,
      paused: this.paused,
      dryRun: this.dryRun,
      config: this.o.config,
      sessionOpen: this.o.calendar.isRegularSession(this.o.time.now()),
      ledger: this.coordinator.ledger,
      history: this.coordinator.history,
      symbols: this.symbolNames,
      decisions: this.o.store.recentDecisions(50),
      counters: this.counters,
      alerts: this.alerts,
      capacityNote: this.capacityNote,
      claimed: this.coordinator.claimedMargin(),
      pollHistory: this.records.pollHistory,
      unrealized: this.broker.unrealized,
      quotes: this.taken,
      orderWarnings: this.ownership.warnings,
    });
  }

  /** The broker's truth replaces the ledger; its buying power caps our capacity; prices stay known. */
  private async reconcile(): Promise<void> {
    this.dirty = false;
    await this.coordinator.reconcile(this.broker);
    this.ownership.update(this.coordinator.ledger.orders, this.broker.foreign, this.o.log);
    const openIds = new Set(this.coordinator.ledger.orders.map((x) => x.id));
    const at = this.o.time.now();
    await settleLostEvents(this.o.store, this.o.broker, openIds, (e) => this.onOrderEvent(e), at);
    const note = capToBuyingPower(this.o, this.coordinator, this.o.time.now());
    if (note !== null && note !== this.capacityNote)
      this.o.log.warn('capacity-from-broker', { detail: note });
    this.capacityNote = note;
    this.brokerCap = this.coordinator.ledger.account.capacityCap;
    this.markQuotes();
  }

  private onOrderEvent(e: OrderEvent): void {
    this.records.onOrderEvent(e);
    this.valuation.onOrderEvent(e);
  }

  private markQuotes(): void {
    // One reading for the poll: a quote without a time of its own counts as made now.
    const now = this.o.time.now();
    for (const [symbol, q] of this.quotes) {
      // A feed can send a crossed or empty quote for a moment: that symbol keeps its last marks (the ledger
      // refuses the quote) and the rest of the poll goes on.
      try {
        this.coordinator.markQuote(symbol, q.bid, q.ask);
        const made = quoteMadeAt(q, now);
        this.taken.take(symbol, q.bid, q.ask, made);
        this.o.metrics.quoteTime.labels(symbol).set(made / 1000);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        this.o.log.warn('quote-refused', { symbol, bid: q.bid, ask: q.ask, detail: error.message });
      }
    }
  }

  /** Cancel one of our own orders outside a steal (expired signal, exit re-arm): no capacity decision. */
  private async cancelOwn(orderId: string, reason: string): Promise<void> {
    if (this.dryRun) return; // dry run: nothing is cancelled
    const ledger = this.coordinator.ledger;
    const r = await this.broker.cancel(orderId);
    if (r.status === 'rejected') {
      this.dirty = true;
      this.o.log.warn('cancel-rejected', { orderId, reason: r.reason, why: reason });
      return;
    }
    const order = ledger.order(orderId);
    this.coordinator.applyCancel(orderId, r);
    this.o.log.info('cancelled', { orderId, symbol: order?.symbol, why: reason, status: r.status });
  }

  private recoveryDeps(includeCurrentRun: boolean): RecoveryDeps {
    return {
      store: this.o.store,
      broker: this.broker,
      venue: this.o.broker,
      coordinator: this.coordinator,
      log: this.o.log,
      now: () => this.o.time.now(),
      dryRun: this.dryRun,
      includeCurrentRun,
    };
  }
}
