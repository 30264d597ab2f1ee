import type { Valuator } from '../core/policy/valuation.js';
import type { OrderEvent } from '../ports/venue.js';
import { signalValuation, VALUATION_WARMUP_BARS, type SessionValuation } from '../session/valuation.js';
import type { WatchedSignal } from '../session/watchers.js';
import { feeRates } from '../sim/costs.js';
import type { RuntimeOptions } from './runtime-options.js';
import { LiveTrades } from './runtime-trades.js';

/**
 * The live side of the session valuation (src/session/valuation.ts), fed as the simulator feeds it
 * (src/sim/sim-values.ts): the closed trades from our fills, the closed bars from the bar window. A resting
 * entry and a request are valued over the signal their watcher holds, as the simulator values a watcher's
 * current signal; the bar length is the session's (RuntimeOptions.barMs), so the `*Bars` keys count alike.
 */
export class LiveValuation {
  readonly session: SessionValuation;
  /** Our fills as the simulator's trades: what each closed trade earned teaches the valuation. */
  private readonly trades: LiveTrades;

  constructor(
    private readonly o: RuntimeOptions,
    heldSignal: (symbol: string) => WatchedSignal | null,
  ) {
    this.session = signalValuation({
      victimRanking: o.config.victimRanking,
      calendar: o.calendar,
      symbols: o.symbols,
      barMs: o.barMs ?? 0,
      currentSignal: heldSignal,
      signalKeyOf: (orderId) => o.store.orderByOrderId(orderId)?.signalKey ?? null,
    });
    this.trades = new LiveTrades(feeRates(o.config.sim));
  }

  /** What the coordinator takes from the valuation: the bar length always, the valuator under a value ranking. */
  coordinatorOptions(): { valuator?: Valuator; barMs: number } {
    return this.session.coordinatorOptions();
  }

  /** A fill of one of our orders (the role as we placed it, from the store) opens or closes a trade. */
  onOrderEvent(e: OrderEvent): void {
    if (!this.session.active || (e.kind !== 'fill' && e.kind !== 'partial_fill')) return;
    this.trades.onFill(e.order, this.o.store.orderByOrderId(e.order.id)?.role ?? e.order.role);
  }

  /**
   * What earlier runs against this venue learned: the trades that closed before `now` (the run's start) teach
   * the realised returns again, so a restart does not send every symbol back to the prior. Called once the
   * run is recorded (the store knows the venue). Answers how many trades were learned again.
   */
  restoreReturns(now: number): number {
    if (!this.session.active) return 0;
    let learned = 0;
    for (const t of this.o.store.tradeReturnsBefore(now)) {
      const i = this.session.symbolIndex.get(t.symbol);
      if (i !== undefined && this.session.tradeClosed(i, t.pnl, t.entryNotional)) learned++;
    }
    return learned;
  }

  /**
   * Trades closed by the fills of the bars that closed now: called after the reconcile and before end of day
   * (the simulator teaches them before its end-of-day trims, whose trades count from the next step). Each is
   * stored as it is taught (restoreReturns).
   */
  teachClosedTrades(now: number): void {
    if (!this.session.active) return;
    // Only what the valuation learned is stored (a return that is not a number would be a NULL there).
    this.trades.teach(this.session, (t) =>
      this.o.store.recordTradeReturn(now, t.symbol, t.pnl, t.entryNotional),
    );
  }

  /**
   * Bars closed since the last poll reach the valuation (fill-probability) model, as the simulator feeds each
   * closed bar; the first poll replays the window's history into the model. The same count as the
   * forecaster's window when that is longer, so a venue that keeps one window per symbol fetches it once.
   */
  async feedBars(symbols: readonly string[]): Promise<void> {
    if (!this.session.active) return;
    const { lookbackBars, horizonBars } = this.o.config.sim.forecaster;
    const count = Math.max(VALUATION_WARMUP_BARS, lookbackBars + horizonBars + 1);
    for (const [i, symbol] of symbols.entries()) {
      const window = await this.o.marketData.bars(symbol, count);
      if (window) this.session.onWindow(i, window);
    }
  }
}
