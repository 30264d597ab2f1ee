import { Coordinator } from '../coordinator/coordinator.js';
import type { Outcome, SagaJournal, SagaTransition } from '../coordinator/saga.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import { decisionRecord } from '../core/policy/record.js';
import type { Decision } from '../core/policy/decision.js';
import type { EntryRequest, StealEvent } from '../core/types.js';
import { AlertMonitor, postWebhook, type Alert, type AlertKind } from './alerts.js';
import { isStealAttempt } from './metrics.js';
import { takeProfitId, entryPrefix } from '../ports/order-ids.js';
import type { BrokerAccount, OrderEvent, Quote } from '../ports/venue.js';
import { isFightSteal, recoverSagas, settleOrderRows, type RecoveryDeps } from './recovery.js';
import { buildStatus, type StatusSnapshot } from './status.js';
import { StatusHistory } from './status-history.js';
import { isSqliteError, storeFailed } from '../store/errors.js';
import { brokerFreeMargin } from '../session/buying-power.js';
import { TrackedBroker } from './tracked-broker.js';
import { EndOfDay } from './end-of-day.js';
import { rankRequests } from '../session/ranking.js';
import { DEFAULT_SIZING } from '../session/sizing.js';
import { EntryWatcher, ExitWatcher, type EntryPlan } from '../session/watchers.js';
import type { RuntimeOptions } from './runtime-options.js';
import { signalValuation, VALUATION_WARMUP_BARS, type SessionValuation } from '../session/valuation.js';
export type { RuntimeOptions, SessionCalendar } from './runtime-options.js';

/**
 * The live runtime: entry and exit watchers for every symbol, the coordinator, the broker, the store. One
 * poll at a time, strictly in sequence, so a reconcile never interleaves with a steal in flight:
 *   reconcile with the broker → quotes → signals → exits → entries (most valuable first, each through the
 *   coordinator; reconciled again first whenever an order event arrived in between).
 */
export class Runtime {
  readonly coordinator: Coordinator;
  readonly broker: TrackedBroker;
  readonly alerts: AlertMonitor;
  private readonly entries: EntryWatcher[];
  private readonly exits: ExitWatcher[];
  private readonly symbolNames: string[];
  private readonly abort = new AbortController();
  private readonly unarmedReported = new Set<string>();
  private quotes = new Map<string, Quote>();
  private paused = false;
  private stopping = false;
  private dirty = false;
  private tpSeq = 0;
  private polls = 0;
  private lastPoll: number | null = null;
  private lastDecisionId: number | null = null;
  private inFlight: Promise<void> | null = null;
  private capacityNote: string | null = null;
  /** Equity, margin use and decisions per poll for the status page's charts. */
  private readonly pollHistory = new StatusHistory();
  private readonly endOfDay: EndOfDay;
  private readonly unsubscribe: () => void;
  private readonly valuation: SessionValuation;
  readonly counters = {
    decisions: 0,
    places: 0,
    steals: 0,
    stealAttempts: 0,
    fights: 0,
    blocks: {} as Record<string, number>,
    waits: 0,
    deleverageCancels: 0,
    deleverageTrims: 0,
  };

  constructor(private readonly o: RuntimeOptions) {
    const now = (): number => o.time.now();
    this.broker = new TrackedBroker(o.broker, o.store, now);
    const journal: SagaJournal = {
      transition: (t: SagaTransition) => {
        o.store.transition(t);
        // One line per saga step: an operator (or a test) sees a cancel in flight before it is confirmed.
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
    this.valuation = signalValuation({
      victimRanking: o.config.victimRanking,
      calendar: o.calendar,
      symbols: o.symbols,
      currentSignal: (symbol) => o.signals.current(symbol, now()),
      signalKeyOf: (orderId) => o.store.orderByOrderId(orderId)?.signalKey ?? null,
    });
    this.coordinator = new Coordinator({
      ...this.valuation.coordinatorOptions(),
      config: o.config,
      clock: { now },
      calendar: o.calendar,
      account: { equity: o.config.live.initialEquity, patternDayTrader: o.config.patternDayTrader },
      journal,
      idPrefix: entryPrefix(o.runTag),
      onDecision: (d) => this.onDecision(d),
      onSteal: (e) => this.onSteal(e),
    });
    this.entries = o.symbols.map((s, i) => new EntryWatcher(s.symbol, s.assetClass, i));
    this.exits = o.symbols.map((s) => new ExitWatcher(s.symbol, s.assetClass));
    this.symbolNames = o.symbols.map((s) => s.symbol);
    this.alerts = new AlertMonitor(o.config.live.alerts, {
      raise: (a) => this.raiseAlert(a),
      resolve: (kind, at) => this.resolveAlert(kind, at),
    });
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
      counters: this.counters,
    });
    this.unsubscribe = o.broker.onOrderEvent((e) => this.onOrderEvent(e));
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
    // Cooldowns and fight counts outlive the process: the history comes back from the store. Not in a
    // replay: each replay is its own world, and an earlier one's steals lie at other market times.
    if (o.broker.name !== 'replay') {
      for (const e of o.store.stealsBetween(now - this.historyHorizonMs(), now, o.broker.name))
        this.coordinator.restoreSteal(e);
    }
    await recoverSagas(this.recoveryDeps(false));
    await settleOrderRows(this.recoveryDeps(false));
    await this.reconcile();
    o.log.info('started', {
      broker: o.broker.name,
      runTag: o.runTag,
      symbols: this.symbolNames,
      at: iso(now),
      dryRun: this.dryRun,
      // Steals that still count for cooldowns and fights: restored from the store plus recovered ones.
      stealHistory: this.coordinator.history.all().length,
    });
  }

  /** Poll until stopped or, in a replay, until the end of the data. */
  async run(): Promise<'end' | 'stopped'> {
    const o = this.o;
    const clock = o.time.clock;
    const step = o.config.live.pollSec * 1000;
    let t = o.start;
    clock.startAt?.(t);
    while (!this.stopping) {
      await clock.sleepUntil(t, this.abort.signal);
      if (this.stopping) break;
      o.time.set(t);
      this.inFlight = this.pollOnce().catch((error: Error) => this.afterFailedPoll(error));
      await this.inFlight;
      this.inFlight = null;
      if (o.end !== undefined && t >= o.end) return 'end';
      t += step;
      // Wall-clock trading does not replay polls it slept through; a replay never skips one.
      if (!clock.stepped && t < clock.now()) t = clock.now();
    }
    return 'stopped';
  }

  async pollOnce(): Promise<void> {
    const o = this.o;
    const now = o.time.now();
    await this.reconcile();
    this.quotes = await o.marketData.quotes(this.symbolNames);
    this.markQuotes();
    await this.endOfDay.poll(now);
    // Bars closed since the last poll reach the signals and the valuation (fill-probability) model here, as
    // the simulator does at each closed bar; the first poll replays the window's history into the model. The
    // window is never shorter than the forecaster's: a venue may keep one window per symbol, cut to the last
    // count asked for.
    await o.signals.refresh(now, this.symbolNames);
    const { lookbackBars, horizonBars } = o.config.sim.forecaster;
    for (const [i, symbol] of this.valuation.active ? this.symbolNames.entries() : []) {
      const window = await o.marketData.bars(
        symbol,
        Math.max(VALUATION_WARMUP_BARS, lookbackBars + horizonBars + 1),
      );
      if (window) this.valuation.onWindow(i, window);
    }
    await this.manageExits(now);
    if (!this.paused) await this.manageEntries(now);
    this.updateGauges(now);
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
    this.stopping = true;
    this.abort.abort();
    if (this.inFlight) {
      const waited = await Promise.race([
        this.inFlight.then(
          () => true,
          () => true,
        ),
        new Promise<false>((r) => setTimeout(() => r(false), o.stopWaitMs ?? 15_000).unref()),
      ]);
      if (!waited)
        o.log.warn('stop-without-poll', {
          detail: 'the poll in flight did not finish; recovery completes it at the next start',
        });
    }
    let cancelled = 0;
    if (cancelEntries && this.dryRun)
      o.log.info('stop-cancel-skipped', { detail: 'dry run: nothing is cancelled' });
    else if (cancelEntries) {
      for (const order of this.coordinator.ledger.orders.filter((x) => x.role === 'entry' && !x.external)) {
        const r = await this.broker.cancel(order.id);
        if (r.status === 'cancelled') {
          this.coordinator.applyCancel(order.id, r);
          cancelled++;
        } else {
          o.log.warn('stop-cancel-failed', { orderId: order.id, symbol: order.symbol, status: r.status });
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
      pollHistory: this.pollHistory,
      unrealized: this.broker.unrealized,
    });
  }

  // --- one poll ---------------------------------------------------------------------------------------------

  /** The broker's truth replaces the ledger; its buying power caps our capacity; prices stay known. */
  private async reconcile(): Promise<void> {
    this.dirty = false;
    await this.coordinator.reconcile(this.broker);
    this.applyBuyingPower();
    this.markQuotes();
  }

  private markQuotes(): void {
    for (const [symbol, q] of this.quotes) this.coordinator.markQuote(symbol, q.bid, q.ask);
  }

  /**
   * DESIGN §3: live, the broker's buying power is the truth. It caps capacity beside equity (an order we do not
   * see yet, a fee, a hold), so a decision never spends margin the broker would refuse; equity is untouched.
   */
  private applyBuyingPower(): void {
    const coordinator = this.coordinator;
    const account = coordinator.ledger.account as BrokerAccount;
    const bp = account.buyingPower;
    if (!bp) return;
    const { config, time } = this.o;
    const sessionOpen = this.o.calendar.isRegularSession(time.now());
    const ctx = { equity: account.equity, patternDayTrader: account.patternDayTrader, sessionOpen };
    const classes = new Set(this.o.symbols.map((s) => s.assetClass));
    const brokerFree = brokerFreeMargin(bp, classes, ctx, config.margin);
    const ledger = coordinator.ledger;
    const counted = ledger.capacity(config.bufferPct) - ledger.usedMargin(sessionOpen, config.margin);
    coordinator.capToBrokerFree(brokerFree);
    if (brokerFree < counted - 1e-6 * Math.max(1, counted)) {
      const note = `broker buying power leaves ${brokerFree.toFixed(2)} free, the ledger counted ${counted.toFixed(2)}: capacity follows the broker`;
      if (note !== this.capacityNote) this.o.log.warn('capacity-from-broker', { detail: note });
      this.capacityNote = note;
    } else this.capacityNote = null;
  }

  private async manageExits(now: number): Promise<void> {
    const ledger = this.coordinator.ledger;
    for (const w of this.exits) {
      const known = this.o.store.lastEntryTakeProfit(w.symbol);
      const plan = w.plan(ledger, known);
      if (plan.unarmed && !this.unarmedReported.has(w.symbol)) {
        this.unarmedReported.add(w.symbol);
        this.o.log.warn('exit-unarmed', {
          symbol: w.symbol,
          detail:
            'a position without a known take-profit (not opened by this program?): no exit is armed; manage it by hand',
        });
      }
      // A dry run has no side effects at all: exits are neither placed nor moved.
      if (this.dryRun || (!plan.place && !plan.cancel.length)) continue;
      for (const id of plan.cancel) await this.cancelOwn(id, 'take-profit-rearm');
      if (!plan.place) continue;
      const clientOrderId = takeProfitId(this.o.runTag, ++this.tpSeq);
      const order = {
        symbol: w.symbol,
        assetClass: w.assetClass,
        side: plan.place.side,
        role: 'take-profit' as const,
        limitPrice: plan.place.limitPrice,
        qty: plan.place.qty,
      };
      const result = await this.broker.placeLimit({ clientOrderId, ...order });
      if (!result.ok) {
        this.o.log.warn('take-profit-rejected', { symbol: w.symbol, reason: result.reason });
        continue;
      }
      this.coordinator.recordExitOrder({
        id: result.orderId,
        ...order,
        price: null,
        forecastPnl: 0,
        placedAt: now,
        probe: false,
        external: false,
      });
      this.o.log.info('take-profit-armed', {
        symbol: w.symbol,
        orderId: result.orderId,
        limit: plan.place.limitPrice,
        qty: plan.place.qty,
        at: iso(now),
      });
    }
  }

  private async manageEntries(now: number): Promise<void> {
    const { store, signals, config } = this.o;
    const ctx = {
      ledger: this.coordinator.ledger,
      now,
      quotes: this.quotes,
      orderFraction: config.live.orderFraction,
      sizing: DEFAULT_SIZING,
      signal: (symbol: string) => signals.current(symbol, now),
      signalKeyOf: (orderId: string) => store.orderByOrderId(orderId)?.signalKey ?? null,
    };
    const wanted: { index: number; request: EntryRequest; plan: Extract<EntryPlan, { kind: 'request' }> }[] =
      [];
    const closing = this.endOfDay.inWindow(now);
    const suppressed: string[] = [];
    for (const w of this.entries) {
      const plan = w.plan(ctx);
      if (plan.kind === 'cancel') await this.cancelOwn(plan.orderId, plan.reason);
      else if (plan.kind === 'request' && closing && w.assetClass === 'stock') suppressed.push(w.symbol);
      else if (plan.kind === 'request') wanted.push({ index: w.index, request: plan.request, plan });
    }
    if (suppressed.length) this.endOfDay.noteSuppressed(now, suppressed);
    for (const item of rankRequests(wanted)) {
      if (this.stopping || this.paused) break;
      if (this.dirty) await this.reconcile();
      await this.submit(item.request, item.plan.signal.key, item.plan.signal.takeProfit);
    }
  }

  private async submit(request: EntryRequest, signalKey: string, takeProfit: number): Promise<void> {
    const { log, metrics } = this.o;
    let preview: Decision;
    try {
      preview = this.coordinator.decide(request);
    } catch (error) {
      log.error('bad-request', { symbol: request.symbol, message: (error as Error).message });
      return;
    }
    // The core says whether this request is within its tolerance tier now: no second copy of that rule here.
    if (preview.action === 'wait') {
      this.counters.waits++;
      metrics.waits.inc();
      return;
    }
    this.broker.pending.set(request.symbol, { takeProfit, forecastPnl: request.forecastPnl, signalKey });
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await this.coordinator.submit(request, this.broker);
    } finally {
      this.broker.pending.delete(request.symbol);
    }
    const seconds = (performance.now() - started) / 1000;
    if (this.lastDecisionId !== null)
      this.o.store.setOutcome(this.lastDecisionId, outcome.status, seconds * 1000);
    metrics.onOutcome(outcome.status, outcome.decision.fight, seconds);
    if (outcome.status === 'stole') {
      this.counters.steals++;
      if (outcome.decision.fight) this.counters.fights++;
      this.alerts.observeSteal();
    }
    if (outcome.status === 'placed') this.counters.places++;
    this.alerts.evaluate(this.o.time.now());
    log.info('outcome', {
      at: iso(outcome.decision.time),
      symbol: request.symbol,
      status: outcome.status,
      action: outcome.decision.action,
      reason: outcome.decision.reason,
      orderId: outcome.orderId,
      cancelled: outcome.cancelled,
      detail: outcome.detail,
    });
  }

  private onDecision(d: Decision): void {
    const ledger = this.coordinator.ledger;
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
    });
    this.o.metrics.onDecision(d);
    this.counters.decisions++;
    if (d.action === 'block') this.counters.blocks[d.reason] = (this.counters.blocks[d.reason] ?? 0) + 1;
    if (isStealAttempt(d)) this.counters.stealAttempts++;
    if (d.action !== 'wait') this.alerts.observeDecision(d.action === 'block', isStealAttempt(d));
  }

  private onSteal(e: StealEvent): void {
    this.o.store.recordSteal(e, isFightSteal(this.coordinator, e));
  }

  private onOrderEvent(e: OrderEvent): void {
    if (e.kind === 'new' || e.kind === 'pending_cancel') return;
    // Something changed at the venue: the next decision waits for a reconcile (DESIGN §3).
    this.dirty = true;
    if (e.kind === 'resync') return;
    const at = this.o.time.now();
    const status = e.kind === 'fill' ? 'filled' : e.kind === 'partial_fill' ? 'partially_filled' : e.kind;
    this.o.store.updateOrderStatus(e.order.id, status, e.order.filledQty, e.order.fillPrice, at);
    if (e.kind === 'fill' || e.kind === 'partial_fill') {
      const row = this.o.store.orderByOrderId(e.order.id);
      if (row?.role === 'entry' && row.signalKey) this.o.signals.consume(row.symbol, row.signalKey);
      this.o.log.info('fill', {
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

  private updateGauges(now: number): void {
    const { config, metrics } = this.o;
    const ledger = this.coordinator.ledger;
    const sessionOpen = this.o.calendar.isRegularSession(now);
    const capacity = ledger.capacity(config.bufferPct);
    const used = ledger.usedMargin(sessionOpen, config.margin);
    metrics.setCapacity(ledger.account.equity, capacity, used);
    this.pollHistory.record(now, ledger.account.equity, used, capacity, this.counters.decisions);
    metrics.openOrders.set({ role: 'entry' }, ledger.orders.filter((x) => x.role === 'entry').length);
    metrics.openOrders.set(
      { role: 'take-profit' },
      ledger.orders.filter((x) => x.role === 'take-profit').length,
    );
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

  private historyHorizonMs(): number {
    const c = this.o.config;
    return (c.fightWindowSec + Math.max(c.cooldownSec, c.fightCooldownSec)) * 1000;
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

const iso = (t: number): string => new Date(t).toISOString();

/** The config as stored and shown: a webhook URL may carry a token, so only its presence is kept. */
export function redactConfig(config: WorkstealConfig): WorkstealConfig {
  const alerts = config.live.alerts;
  return {
    ...config,
    live: { ...config.live, alerts: { ...alerts, webhookUrl: alerts.webhookUrl ? '(set)' : undefined } },
  };
}
