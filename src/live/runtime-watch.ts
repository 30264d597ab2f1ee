import { decisionSummary } from '../explain/summary.js';
import type { Coordinator } from '../coordinator/coordinator.js';
import type { Outcome } from '../coordinator/saga.js';
import type { Decision } from '../core/policy/decision.js';
import type { AssetClass, EntryRequest } from '../core/types.js';
import { entryFeeRate, feeRates, reservedEntryFee, restingEntryFees, type FeeRates } from '../sim/costs.js';
import { exitId, takeProfitId } from '../ports/order-ids.js';
import type { Quote } from '../ports/venue.js';
import { stockEntriesClosed } from '../session/asking.js';
import { exitLevels } from '../session/exits.js';
import { rankRequests } from '../session/ranking.js';
import { DEFAULT_SIZING } from '../session/sizing.js';
import {
  EntryWatcher,
  ExitWatcher,
  type VenueNumbers,
  type ExitPlan,
  type KnownEntry,
  type WatchedSignal,
} from '../session/watchers.js';
import { iso, type RuntimeRecords } from './runtime-records.js';
import type { RuntimeOptions } from './runtime-options.js';
import type { TrackedBroker } from './tracked-broker.js';

/** What the watchers need of the runtime that owns them. */
export interface WatchHost {
  o: RuntimeOptions;
  coordinator: Coordinator;
  broker: TrackedBroker;
  records: RuntimeRecords;
  dryRun: () => boolean;
  /** Stop asking for entries now (paused or stopping). */
  halted: () => boolean;
  /** Bring the ledger to the broker's truth if an order event arrived since the last reconcile. */
  reconcileIfDirty: () => Promise<void>;
  /** Cancel one of our own orders outside a steal. */
  cancelOwn: (orderId: string, reason: string) => Promise<void>;
  /** The capacity cap the broker's buying power set at the last reconcile (none without one). */
  brokerCap: () => number | undefined;
}

/**
 * The live driver of the session's watchers (src/session/watchers.ts): at each poll, the symbols whose price
 * is new are asked, their exits first (take-profit, stop, time stop), then their entries, most valuable
 * first, each through the coordinator (reconciled again first whenever an order event arrived in between).
 */
export class LiveWatchers {
  private readonly entries: EntryWatcher[];
  private readonly exits: ExitWatcher[];
  private readonly unarmedReported = new Set<string>();
  /**
   * The refusal last logged per exit kind and symbol: a refusal that repeats at every poll (a remainder below
   * the pair's minimum size, an account rule) is logged once, and again only when its reason changes or after
   * an exit of that kind went through. The exit is still sent at every poll.
   */
  private readonly refusalLogged = new Map<string, string>();
  private tpSeq = 0;
  private exitSeq = 0;
  private readonly fees: FeeRates;

  constructor(private readonly h: WatchHost) {
    const { symbols, start } = h.o;
    this.entries = symbols.map((s, i) => new EntryWatcher(s.symbol, s.assetClass, i, start));
    const inner = h.broker.inner;
    const venueNumbers: VenueNumbers | null = inner.venueNumbers ? (o) => inner.venueNumbers!(o) : null;
    this.exits = symbols.map((s) => new ExitWatcher(s.symbol, s.assetClass, venueNumbers));
    this.fees = feeRates(h.o.config.sim);
  }

  private reserveFees(request: EntryRequest): void {
    reserveFeesOf(this.h, this.fees, request);
  }

  /** The signal a symbol's entry watcher trades on now (what a resting entry and a request are valued over). */
  heldSignal(symbol: string): WatchedSignal | null {
    return this.entries.find((w) => w.symbol === symbol)?.held ?? null;
  }

  /** An entry filled: its watcher's signal is used once. */
  consumed(symbol: string, signalKey: string): void {
    for (const w of this.entries) if (w.symbol === symbol) w.consumed(signalKey);
  }

  async poll(now: number, quotes: ReadonlyMap<string, Quote>, paused: boolean): Promise<void> {
    const asked = new Set<string>();
    for (const w of this.entries) if (w.look(quotes.get(w.symbol), now)) asked.add(w.symbol);
    await this.manageExits(now, asked, quotes);
    if (!paused) await this.manageEntries(now, asked, quotes);
  }

  private async manageExits(now: number, asked: ReadonlySet<string>, quotes: ReadonlyMap<string, Quote>) {
    const { store, config, marketData, log } = this.h.o;
    for (const w of this.exits) {
      const isAsked = asked.has(w.symbol);
      const entry = isAsked ? knownEntry(store.lastEntryFill(w.symbol), config.sim) : UNKNOWN_ENTRY;
      const bars = entry.stopPrice !== null ? await marketData.bars(w.symbol, 1) : null;
      const lastBar = bars?.time.length
        ? { open: bars.time[0]!, high: bars.high[0]!, low: bars.low[0]! }
        : null;
      const ledger = this.h.coordinator.ledger;
      // A resting take-profit is judged on the venue's own steps: read them first (once per symbol).
      if (isAsked && ledger.position(w.symbol))
        await this.h.broker.inner.loadVenueNumbers?.(w.symbol, w.assetClass);
      const plan = w.plan(ledger, entry, now, isAsked, lastBar);
      if (plan.unarmed && !this.unarmedReported.has(w.symbol)) {
        this.unarmedReported.add(w.symbol);
        log.warn('exit-unarmed', {
          symbol: w.symbol,
          detail:
            'a position without a known take-profit (not opened by this program?): no exit is armed; manage it by hand',
        });
      }
      // A dry run has no side effects at all: exits are neither placed nor moved.
      if (this.h.dryRun()) continue;
      const why = plan.exitNow ? `exit-${plan.exitNow}` : 'take-profit-rearm';
      for (const id of plan.cancel) await this.h.cancelOwn(id, why);
      // A cancel may have lost the race to a fill (the position moved) or gone unconfirmed (the order may
      // still trade): plan again from the ledger as it is now, and send nothing while an order that plan
      // cancels still rests (a sell for the whole position beside it could sell a long through to a short).
      const next = plan.cancel.length ? w.plan(ledger, entry, now, isAsked, lastBar) : plan;
      if (next.cancel.length) {
        log.warn('exit-held', {
          symbol: w.symbol,
          orders: next.cancel,
          detail: 'an exit order could not be cancelled; nothing is sent until the next poll reconciles',
        });
        continue;
      }
      if (next.exitNow) await this.exitNow(w, next.exitNow, quotes.get(w.symbol), now);
      else if (next.place) await this.armTakeProfit(w, next.place, now);
    }
  }

  /** Leave the whole position by an order that trades now (time stop, stop). */
  private async exitNow(
    w: ExitWatcher,
    reason: NonNullable<ExitPlan['exitNow']>,
    quote: Quote | undefined,
    now: number,
  ) {
    const position = this.h.coordinator.ledger.position(w.symbol);
    if (!position || !quote) return;
    const side = position.qty > 0 ? 'sell' : 'buy';
    const result = await this.h.broker.placeMarket({
      clientOrderId: exitId(this.h.o.runTag, ++this.exitSeq),
      symbol: w.symbol,
      assetClass: w.assetClass,
      side,
      role: 'exit',
      qty: Math.abs(position.qty),
      price: side === 'sell' ? quote.bid : quote.ask,
    });
    if (!result.ok) {
      this.refused('exit-rejected', w.symbol, result.reason, { why: reason });
      return;
    }
    this.refusalLogged.delete(refusalKey('exit-rejected', w.symbol));
    this.h.o.log.info('exit', { symbol: w.symbol, orderId: result.orderId, reason, at: iso(now) });
  }

  private async armTakeProfit(w: ExitWatcher, place: NonNullable<ExitPlan['place']>, now: number) {
    const order = { symbol: w.symbol, assetClass: w.assetClass, role: 'take-profit' as const, ...place };
    const clientOrderId = takeProfitId(this.h.o.runTag, ++this.tpSeq);
    const result = await this.h.broker.placeLimit({ clientOrderId, ...order });
    if (!result.ok) {
      this.refused('take-profit-rejected', w.symbol, result.reason, {});
      return;
    }
    this.refusalLogged.delete(refusalKey('take-profit-rejected', w.symbol));
    this.h.coordinator.recordExitOrder({
      id: result.orderId,
      ...order,
      price: null,
      forecastPnl: 0,
      placedAt: now,
      probe: false,
      external: false,
    });
    this.h.o.log.info('take-profit-armed', {
      symbol: w.symbol,
      orderId: result.orderId,
      limit: place.limitPrice,
      qty: place.qty,
      at: iso(now),
    });
  }

  /** Logs an exit's refusal unless the same one was logged last for this kind and symbol (refusalLogged). */
  private refused(event: string, symbol: string, reason: string, fields: Record<string, unknown>): void {
    const key = refusalKey(event, symbol);
    if (this.refusalLogged.get(key) === reason) return;
    this.refusalLogged.set(key, reason);
    this.h.o.log.warn(event, {
      symbol,
      reason,
      ...fields,
      detail: 'sent again at every poll; logged again when the reason changes',
    });
  }

  private async manageEntries(now: number, asked: ReadonlySet<string>, quotes: ReadonlyMap<string, Quote>) {
    const { store, signals, config, calendar } = this.h.o;
    const ctx = {
      ledger: this.h.coordinator.ledger,
      now,
      quotes,
      orderFraction: config.live.orderFraction,
      sizing: DEFAULT_SIZING,
      margin: config.margin,
      signal: (symbol: string) => signals.current(symbol, now),
      signalKeyOf: (orderId: string) => store.orderByOrderId(orderId)?.signalKey ?? null,
      feeRate: (assetClass: AssetClass) => entryFeeRate(this.fees, assetClass),
      stockEntriesClosed: stockEntriesClosed(
        'stock',
        now,
        (t) => calendar.sessionAt(t),
        config.deleverageLeadMinutes,
      ),
    };
    const wanted: { index: number; request: EntryRequest; signalKey: string; takeProfit: number }[] = [];
    for (const w of this.entries) {
      if (!asked.has(w.symbol)) {
        const expired = w.expiredEntry(ctx);
        if (expired) await this.h.cancelOwn(expired.orderId, expired.reason);
        continue;
      }
      const plan = w.plan(ctx);
      if (plan.cancel) await this.h.cancelOwn(plan.cancel.orderId, plan.cancel.reason);
      const r = plan.request;
      if (r)
        wanted.push({
          index: w.index,
          request: r.request,
          signalKey: r.signal.key,
          takeProfit: r.signal.takeProfit,
        });
    }
    for (const item of rankRequests(wanted)) {
      if (this.h.halted()) break;
      await this.h.reconcileIfDirty();
      await this.submit(item.request, item.signalKey, item.takeProfit);
    }
  }

  private async submit(request: EntryRequest, signalKey: string, takeProfit: number): Promise<void> {
    const { log } = this.h.o;
    const { coordinator, broker, records } = this.h;
    let preview: Decision;
    try {
      preview = coordinator.decide(request);
    } catch (error) {
      log.error('bad-request', { symbol: request.symbol, message: (error as Error).message });
      return;
    }
    // The core says whether this request is within its tolerance tier now: no second copy of that rule here.
    if (preview.action === 'wait') {
      records.onWait();
      return;
    }
    this.reserveFees(request);
    broker.pending.set(request.symbol, { takeProfit, forecastPnl: request.forecastPnl, signalKey });
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await coordinator.submit(request, broker);
    } finally {
      broker.pending.delete(request.symbol);
    }
    records.onOutcome(outcome.status, outcome.decision.fight, (performance.now() - started) / 1000);
    log.info('outcome', {
      at: iso(outcome.decision.time),
      symbol: request.symbol,
      status: outcome.status,
      action: outcome.decision.action,
      reason: outcome.decision.reason,
      orderId: outcome.orderId,
      cancelled: outcome.cancelled,
      // The decision's reason in words, as /status and the store show it (it was the saga's note, null for
      // every request but an aborted one, which now says it as `outcomeDetail`).
      detail: decisionSummary(outcome.decision),
      ...(outcome.detail === null ? {} : { outcomeDetail: outcome.detail }),
    });
  }
}

/**
 * As the simulator holds it (README "The model: assumptions and limits"): the fees the resting entries and
 * this one would pay if they filled (taker) are held back from capacity while they rest, so no fill leaves
 * margin over capacity. A cap, set afresh from the broker's own at each request (equity is untouched).
 */
function reserveFeesOf(h: WatchHost, fees: FeeRates, request: EntryRequest): void {
  const { config } = h.o;
  const ledger = h.coordinator.ledger;
  const reserve =
    reservedEntryFee(request.qty, request.limitPrice, fees, request.assetClass) +
    restingEntryFees(ledger.orders, fees);
  if (!(reserve > 0)) return;
  const cap = Math.min(h.brokerCap() ?? Infinity, (ledger.account.equity - reserve) * (1 - config.bufferPct));
  const sessionOpen = h.o.calendar.isRegularSession(h.o.time.now());
  h.coordinator.capToBrokerFree(cap - ledger.usedMargin(sessionOpen, config.margin));
}

const UNKNOWN_ENTRY: KnownEntry = { takeProfit: null, filledAt: null, stopPrice: null, timeStopAt: null };

/** The exits of a position from its entry's stored fill (the session's levels), or nothing known. */
function knownEntry(
  fill: {
    takeProfit: number | null;
    side: 'buy' | 'sell';
    fillPrice: number | null;
    filledAt: number;
  } | null,
  rule: { stopLossPct: number; timeStopHours: number },
): KnownEntry {
  if (!fill) return UNKNOWN_ENTRY;
  const levels = exitLevels(rule, fill.side, fill.fillPrice ?? Number.NaN, fill.filledAt);
  return {
    takeProfit: fill.takeProfit,
    filledAt: fill.filledAt,
    stopPrice: fill.fillPrice === null ? null : levels.stopPrice,
    timeStopAt: levels.timeStopAt,
  };
}

/** refusalLogged's key: one exit kind of one symbol. */
const refusalKey = (event: string, symbol: string): string => `${event}|${symbol}`;
