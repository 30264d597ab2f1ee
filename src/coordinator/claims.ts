import { notional, requirementFor, type MarginContext } from '../core/margin/requirements.js';
import type { MarginTable } from '../core/config/schema.js';
import type { Decision } from '../core/policy/decision.js';
import type { ClassifiedSteal, StealHistory } from '../core/policy/steal-history.js';
import type { EntryRequest, OpenOrder } from '../core/types.js';
import type { CapacityLedger } from './ledger.js';

/** One open saga's hold on capacity, from its decision until it ends (docs/service.md "Concurrent sagas"). */
export interface SagaClaim {
  sagaId: string;
  request: EntryRequest;
  /** Orders this saga cancels (the replaced one and the victims) whose cancel is not answered yet. */
  pending: Set<string>;
  /** Its steals as the history holds them until the saga ends (taken out then; a done saga records its own). */
  steals: ClassifiedSteal[];
  /**
   * The order its broker reported placed under its client order id before the saga asked for it (advisory mode:
   * a bot that placed before its victims' cancels were confirmed). The ledger holds it since: the claim adds
   * nothing more, and the saga finishes its cancels and takes that order as its own instead of deciding again.
   */
  placedEarly?: string;
}

/**
 * The claims of the sagas that wait for their broker while other requests are decided (asynchronous drivers
 * only: the simulator's saga runs to its end before anything else is decided, and never opens one).
 *
 * What a decision sees while sagas are open, and why it is safe:
 * - an order whose cancel is pending stays in the ledger (it holds its margin until the venue confirms) but
 *   is no candidate and no replaced order for anyone: it is passed to decide() with `pendingCancelBy` (its
 *   saga), and a decision record shows it with reason `pending-cancel`;
 * - each saga claims its stealer's margin beyond what its pending cancels still hold:
 *   `max(0, stealer − pending cancels still open)`. Ledger + claims is then the margin held if every saga
 *   completed (victims gone, stealer placed) or more: a victim that fills instead of cancelling keeps its
 *   margin in the ledger, and its saga decides again before placing anything;
 * - a saga's steals are in the history from its decision on, so cooldowns, fights and the steal budget of
 *   other decisions count them.
 */
export class SagaClaims {
  private readonly open = new Map<string, SagaClaim>();
  /** Pending cancels: order id → the saga that waits for it. */
  private readonly cancelling = new Map<string, string>();

  /** Requests waiting for a pending cancel of their symbol's order (see `changed`). */
  private waiters: (() => void)[] = [];

  constructor(private readonly history: StealHistory) {}

  /** Resolves at the next answered cancel or released claim: what a waiting request re-checks after. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }

  /**
   * Whether an order of `symbol` still in the ledger is pending cancel in an open saga. A request for that
   * symbol waits until it is answered: it would replace that order, and the saga may yet keep it (a refused
   * cancel), so deciding now would place a second order beside it.
   */
  cancellingOf(symbol: string, ledger: CapacityLedger): boolean {
    for (const id of this.cancelling.keys()) if (ledger.order(id)?.symbol === symbol) return true;
    return false;
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * The saga's decision to carry out (a place or a steal) claims capacity now, and its victims' symbols go
   * into the history (one steal per symbol, as a done saga records them) until it ends.
   */
  claim(sagaId: string, request: EntryRequest, decision: Decision, ledger: CapacityLedger): void {
    this.release(sagaId);
    const claim: SagaClaim = { sagaId, request, pending: new Set(), steals: [] };
    if (decision.replaces !== null) claim.pending.add(decision.replaces);
    for (const v of decision.victims) claim.pending.add(v);
    for (const id of claim.pending) {
      const other = this.cancelling.get(id);
      if (other !== undefined) throw new Error(`order ${id} is already being cancelled by saga ${other}`);
    }
    for (const id of claim.pending) this.cancelling.set(id, sagaId);
    const symbols: string[] = [];
    for (const v of decision.victims) {
      const symbol = ledger.order(v)?.symbol;
      if (symbol !== undefined && !symbols.includes(symbol)) symbols.push(symbol);
    }
    for (const victim of symbols)
      claim.steals.push(this.history.record({ at: decision.time, thief: request.symbol, victim }));
    this.open.set(sagaId, claim);
  }

  /**
   * The saga's order reached the venue before the saga asked for it (claim.placedEarly). False when no open saga
   * has this id.
   */
  placedEarly(sagaId: string, orderId: string): boolean {
    const claim = this.open.get(sagaId);
    if (!claim) return false;
    claim.placedEarly = orderId;
    return true;
  }

  /** The venue answered the cancel of `orderId` (cancelled, filled or rejected): no longer pending. */
  answered(orderId: string): void {
    const sagaId = this.cancelling.get(orderId);
    if (sagaId === undefined) return;
    this.cancelling.delete(orderId);
    this.open.get(sagaId)?.pending.delete(orderId);
    this.notify();
  }

  /** The saga ends or decides again: its claim and its provisional steals go. */
  release(sagaId: string): void {
    const claim = this.open.get(sagaId);
    if (!claim) return;
    this.open.delete(sagaId);
    for (const id of claim.pending) if (this.cancelling.get(id) === sagaId) this.cancelling.delete(id);
    for (let i = claim.steals.length - 1; i >= 0; i--) this.history.retract(claim.steals[i]!);
    this.notify();
  }

  /** The saga waiting for the cancel of this order, if any. */
  cancelledBy(orderId: string): string | undefined {
    return this.cancelling.get(orderId);
  }

  /** The open saga with this id (its request, what it still waits to have cancelled). */
  get(sagaId: string): SagaClaim | undefined {
    return this.open.get(sagaId);
  }

  all(): IterableIterator<SagaClaim> {
    return this.open.values();
  }

  /** Whether some pending cancel is still an open order in the ledger (decide() must then not take it). */
  pendingIn(ledger: CapacityLedger): boolean {
    for (const id of this.cancelling.keys()) if (ledger.hasOrder(id)) return true;
    return false;
  }

  /**
   * The ledger's orders with every pending cancel marked with its saga (`pendingCancelBy`): held margin, never
   * a candidate nor a replaced order. Copies: the ledger's orders stay unmarked.
   */
  view(ledger: CapacityLedger): OpenOrder[] {
    const out: OpenOrder[] = [];
    for (const o of ledger.orders) {
      const sagaId = this.cancelling.get(o.id);
      out.push(sagaId === undefined ? o : Object.assign({}, o, { pendingCancelBy: sagaId }));
    }
    return out;
  }

  /** Margin the open sagas claim beyond what the ledger holds, at the requirements of `ctx`. */
  claimedMargin(ledger: CapacityLedger, ctx: MarginContext, table: MarginTable): number {
    const crypto = requirementFor('crypto', ctx, table);
    const stock = requirementFor('stock', ctx, table);
    let total = 0;
    for (const claim of this.open.values()) {
      if (claim.placedEarly !== undefined) continue; // the ledger holds the stealer itself
      const r = claim.request;
      let still = 0;
      for (const id of claim.pending) {
        const o = ledger.order(id);
        if (o && o.role === 'entry')
          still += notional(o.qty, o.limitPrice) * (o.assetClass === 'crypto' ? crypto : stock);
      }
      const stealer = notional(r.qty, r.limitPrice) * (r.assetClass === 'crypto' ? crypto : stock);
      total += Math.max(0, stealer - still);
    }
    return total;
  }
}
