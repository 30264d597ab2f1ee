import type { Coordinator } from '../coordinator/coordinator.js';
import type { Session } from '../core/calendar/index.js';
import { planDeleverage, type DeleveragePlan } from '../core/policy/deleverage-plan.js';
import { feeRates, restingEntryFees, slippageRate } from '../sim/costs.js';
import { stockEntriesClosed } from '../session/asking.js';
import { deleverageSteps, trimSize } from '../session/deleverage.js';
import { deleverageId } from '../ports/order-ids.js';
import type { Quote } from '../ports/venue.js';
import type { RuntimeOptions } from './runtime-options.js';
import type { TrackedBroker } from './tracked-broker.js';

/** What the end of day needs of the runtime that owns it. */
export interface EndOfDayHost {
  o: RuntimeOptions;
  coordinator: Coordinator;
  broker: TrackedBroker;
  dryRun: () => boolean;
  quote: (symbol: string) => Quote | undefined;
  /** Bring the ledger to the broker's truth (and its buying-power cap). */
  reconcile: () => Promise<void>;
  /** Cancel one of our own orders outside a steal. */
  cancelOwn: (orderId: string, reason: string) => Promise<void>;
  /** Something changed at the venue: the next decision waits for a reconcile. */
  markDirty: () => void;
  counters: { deleverageCancels: number; deleverageTrims: number };
}

/**
 * End of day live (docs/live.md): which session's close is next, when its window opens, and the session's
 * end-of-day loop (`deleverageSteps`) carried out through the broker, one record per action.
 */
export class EndOfDay {
  /**
   * The last session seen open, and what has been done about its close. A phase is done once its
   * deleveraging went through: one a failed poll cut short (the venue failed) is owed to the next poll.
   */
  private eod: { session: Session; windowNoted: boolean; ordersDone: boolean } | null = null;
  private dlSeq = 0;
  /** Whether this process has polled yet (a start outside a session may owe the last close its trims). */
  private polled = false;

  constructor(private readonly h: EndOfDayHost) {}

  /** The window opened: stock entries are not asked for until the close (session rule); say so once. */
  private noteWindow(now: number, session: Session): void {
    const detail = {
      session: session.day,
      close: iso(session.close),
      symbols: this.h.o.symbols.filter((s) => s.assetClass === 'stock').map((s) => s.symbol),
      reason:
        'end-of-day: no new stock entries between deleverageLeadMinutes before the close and the close (the overnight requirement applies at the close)',
    };
    this.h.o.store.recordEvent(now, 'deleverage-window', detail);
    this.h.o.log.info('deleverage-window', { at: iso(now), ...detail });
  }

  /** Between `deleverageLeadMinutes` before the close of today's session and the close. */
  inWindow(now: number): boolean {
    const { calendar, config } = this.h.o;
    return stockEntriesClosed('stock', now, (t) => calendar.sessionAt(t), config.deleverageLeadMinutes);
  }

  /**
   * At the first poll at or after `close − deleverageLeadMinutes` (the calendar's close, early closes
   * included): cancel stock entries while the overnight requirement does not fit. At the first poll at or
   * after the close: cancel what is left and trim stock positions, largest loss first, until it fits.
   */
  async poll(now: number): Promise<void> {
    if (!this.h.o.symbols.some((s) => s.assetClass === 'stock')) return;
    const session = this.h.o.calendar.sessionAt(now);
    if (!this.polled) {
      this.polled = true;
      // A start between a close and the next open (a restart after a kill, say) may follow a run that never
      // reached that close: its positions phase is owed. It is planned from the venue's positions, so when the
      // earlier run did deleverage it finds nothing to do.
      const last = session ? null : lastClosedSession(this.h.o.calendar, now);
      if (last) this.eod = { session: last, windowNoted: true, ordersDone: true };
    }
    if (session) {
      if (this.eod && this.eod.session.day !== session.day && now >= this.eod.session.close) {
        // No poll fell between the last session's close and this one's open: close that one out first.
        await this.deleverage('positions', now, this.eod.session);
        this.eod = null;
      }
      if (this.eod?.session.day !== session.day)
        this.eod = { session, windowNoted: false, ordersDone: false };
      if (!this.eod.ordersDone && this.inWindow(now)) {
        if (!this.eod.windowNoted) this.noteWindow(now, session);
        this.eod.windowNoted = true;
        await this.deleverage('orders', now, session);
        this.eod.ordersDone = true;
      }
      return;
    }
    if (this.eod && now >= this.eod.session.close) {
      await this.deleverage('positions', now, this.eod.session);
      this.eod = null;
    }
  }

  /** Our exit order of the symbol still open at the venue (an order that trades now, held for its next bar). */
  private waitingExit(symbol: string) {
    return this.h.coordinator.ledger.orders.find(
      (o) => o.symbol === symbol && o.role === 'exit' && !o.external,
    );
  }

  private async deleveragePlan(phase: 'orders' | 'positions'): Promise<DeleveragePlan> {
    const { config, broker } = this.h.o;
    const [account, positions] = await Promise.all([broker.account(), broker.positions()]);
    return planDeleverage({
      phase,
      equity: account.equity,
      bufferPct: config.bufferPct,
      table: config.margin,
      orders: this.h.coordinator.ledger.orders,
      // The resting entries' fees, held back as the entry decisions hold them back (the simulator's rule).
      heldBack: restingEntryFees(this.h.coordinator.ledger.orders, feeRates(config.sim)),
      positions: positions.map((p) => ({
        symbol: p.symbol,
        assetClass: p.assetClass,
        qty: p.qty,
        price: this.h.quote(p.symbol)?.bid ?? p.price,
        unrealizedPnl: p.unrealizedPnl ?? 0,
        // Every stock held can trade at the close, except one whose exit already waits at the venue for its
        // next tradable bar (a trim the venue held): the others are trimmed first (planDeleverage).
        tradable: !this.waitingExit(p.symbol),
      })),
    });
  }

  /**
   * Carry out the end-of-day plan through the broker, as the simulator's `runDeleverage` does: cancels
   * (confirmed) first, then trims by an order that trades now; reconcile and plan again until nothing is
   * left (at most 5 rounds). Every action is a decision row, a `deleverage` event, a log line and a metric.
   */
  private async deleverage(phase: 'orders' | 'positions', now: number, session: Session): Promise<void> {
    const { log, store } = this.h.o;
    const actions: Record<string, unknown>[] = [];
    // A dry run does nothing, so one round shows the whole plan; planning again would plan the same.
    const steps = deleverageSteps(this.h.dryRun() ? 1 : undefined);
    let step = steps.next();
    let latest: DeleveragePlan | null = null;
    while (!step.done) {
      const s = step.value;
      if (s.kind === 'plan') {
        if (latest !== null && !this.h.dryRun()) await this.h.reconcile();
        if (latest === null || !this.h.dryRun()) latest = await this.deleveragePlan(phase);
        step = steps.next(latest);
        continue;
      }
      const action =
        s.kind === 'cancel' ? await this.deleverageCancel(s.orderId) : await this.deleverageTrim(s);
      if (action) {
        this.recordDeleverage(now, phase, session, s.plan, action);
        actions.push(action);
      }
      // A trim that waits for its symbol's next tradable bar did nothing now (as in the simulator).
      step = steps.next(
        action?.status === 'waiting' || action?.status === 'already-waiting' ? false : undefined,
      );
    }
    const { first: firstPlan, last: plan } = step.value;
    const first = firstPlan.check;
    if (!actions.length && first.excess <= 1e-9) return;
    const remaining = plan.check.excess;
    const detail = {
      phase,
      session: session.day,
      close: iso(session.close),
      early: session.early,
      requirement: first.requirement,
      capacity: first.capacity,
      marginAtClose: first.marginAtClose,
      excess: first.excess,
      remainingExcess: remaining,
      actions,
    };
    store.recordEvent(now, 'deleverage', detail);
    log.info('deleverage', { at: iso(now), ...detail });
    if (phase === 'positions' && remaining > 1e-6 * Math.max(1, plan.check.capacity) && !this.h.dryRun())
      log.warn('deleverage-incomplete', {
        session: session.day,
        remainingExcess: remaining,
        detail: 'overnight margin still over capacity after the close (crypto alone, or a trim refused)',
      });
  }

  /** An end-of-day cancel, confirmed by the broker (nothing is sent in a dry run). */
  private async deleverageCancel(id: string): Promise<DeleverageAction> {
    const order = this.h.coordinator.ledger.order(id);
    let status = 'dry-run';
    if (!this.h.dryRun()) {
      const r = await this.h.broker.cancel(id);
      status = r.status;
      if (r.status === 'rejected') this.h.markDirty();
      else this.h.coordinator.applyCancel(id, r);
    }
    return {
      action: 'cancel',
      orderId: id,
      symbol: order?.symbol ?? '',
      limit: order?.limitPrice,
      qty: order?.qty,
      status,
    };
  }

  /**
   * An end-of-day trim by a market-on-close order, sized by the session's trim rule. Without a tradable bar of
   * the symbol now the venue holds it for the symbol's next tradable bar (status `waiting`); while one waits,
   * no second is sent.
   */
  private async deleverageTrim(t: {
    symbol: string;
    qty: number;
    price: number;
    plan: DeleveragePlan;
  }): Promise<DeleverageAction | null> {
    const ledger = this.h.coordinator.ledger;
    const { config } = this.h.o;
    const waiting = this.waitingExit(t.symbol);
    if (!waiting && !this.h.dryRun()) {
      // Take-profits hold the shares at the venue; the exit watcher re-arms one for what remains. One may
      // fill before its cancel lands: the trim is sized from the position after the cancels, and none is
      // sent while a take-profit still rests (both could trade: a long sold through to a short).
      const ownTakeProfits = () =>
        ledger.orders.filter((o) => o.symbol === t.symbol && o.role === 'take-profit' && !o.external);
      for (const tp of ownTakeProfits()) await this.h.cancelOwn(tp.id, 'deleverage-trim');
      if (ownTakeProfits().length) {
        this.h.o.log.warn('deleverage-trim-held', {
          symbol: t.symbol,
          detail: 'a take-profit of the position could not be cancelled; the trim waits for the next plan',
        });
        return null;
      }
    }
    const position = ledger.position(t.symbol);
    if (!position) return null;
    const qty = trimSize({
      assetClass: position.assetClass,
      held: position.qty,
      plannedQty: t.qty,
      price: t.price,
      requirement: t.plan.check.requirement,
      bufferPct: config.bufferPct,
      feeRate: feeRates(config.sim)[position.assetClass].taker,
      slippage: slippageRate(config.sim),
    });
    if (!(qty > 0)) return null;
    let status = 'dry-run';
    let orderId: string | null = null;
    if (waiting)
      return {
        action: 'trim',
        symbol: t.symbol,
        qty,
        price: t.price,
        orderId: waiting.id,
        status: 'already-waiting',
      };
    if (!this.h.dryRun()) {
      const clientOrderId = deleverageId(this.h.o.runTag, ++this.dlSeq);
      const result = await this.h.broker.placeMarket({
        clientOrderId,
        symbol: t.symbol,
        assetClass: position.assetClass,
        side: position.qty > 0 ? 'sell' : 'buy',
        role: 'exit',
        qty,
        price: t.price,
        atClose: true,
      });
      status = result.ok ? 'placed' : 'rejected';
      if (result.ok) {
        orderId = result.orderId;
        const venue = await this.h.broker.inner.orderByClientId(clientOrderId);
        if (venue?.status === 'open') status = 'waiting';
      } else this.h.o.log.warn('deleverage-trim-rejected', { symbol: t.symbol, qty, reason: result.reason });
    }
    return { action: 'trim', symbol: t.symbol, qty, price: t.price, orderId, status };
  }

  private recordDeleverage(
    now: number,
    phase: 'orders' | 'positions',
    session: Session,
    plan: DeleveragePlan,
    action: DeleverageAction,
  ): void {
    const { store, log, metrics } = this.h.o;
    const id = store.recordDecision({
      time: now,
      symbol: action.symbol,
      action: `deleverage-${action.action}`,
      reason: 'overnight-margin',
      victims: action.action === 'cancel' && action.orderId ? [action.orderId] : [],
      victimSymbols: action.action === 'cancel' ? [action.symbol] : [],
      stealAttempt: false,
      fight: false,
      shortfall: plan.check.excess,
      dryRun: this.h.dryRun(),
      record: { phase, session: session.day, close: session.close, check: plan.check, ...action },
    });
    store.setOutcome(id, action.status, 0);
    metrics.deleverageActions.inc({ action: action.action });
    if (action.action === 'cancel') this.h.counters.deleverageCancels++;
    else this.h.counters.deleverageTrims++;
    log.info('deleverage-action', { at: iso(now), phase, session: session.day, ...action });
  }
}

/** One end-of-day action as recorded (decision row, event, log line). */
interface DeleverageAction extends Record<string, unknown> {
  action: string;
  symbol: string;
  orderId: string | null;
  status: string;
}

const iso = (t: number): string => new Date(t).toISOString();

const SESSION_PROBE_MS = 30 * 60_000;
const SESSION_LOOKBACK_MS = 7 * 86_400_000;

/**
 * The latest session that closed at or before `now`, within a week, when no session is open at `now`.
 * Probed every half hour back: every session lasts longer than that, so none is stepped over.
 */
function lastClosedSession(calendar: { sessionAt(t: number): Session | null }, now: number): Session | null {
  for (let t = now - SESSION_PROBE_MS; t > now - SESSION_LOOKBACK_MS; t -= SESSION_PROBE_MS) {
    const s = calendar.sessionAt(t);
    if (s) return s.close <= now ? s : null;
  }
  return null;
}
