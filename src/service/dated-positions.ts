/**
 * Positions under dated snapshots (docs/service.md "Position snapshots and fills"). A bot's `position` snapshot
 * and its fill reports take different paths: a snapshot taken before a fill may arrive after its report (it set
 * the position back: the fill was lost), one taken after a fill may arrive before it (the fill then moved the
 * position again: counted twice). With `asOf` (the venue's time) on both, the book holds a symbol's position as
 * its latest snapshot plus what its orders filled beyond what the snapshot holds:
 *
 *   position = snapshot + Σ over the symbol's orders of side × (filled now − filled as of the snapshot)
 *
 * where "filled as of the snapshot" is the largest cumulative fill reported with an `asOf` at or before it (or
 * without `asOf` before the snapshot arrived). A fill report dated at or before the snapshot raises both terms
 * alike: it is inside the snapshot. Reports without `asOf` count as they arrive, as before the field existed: a
 * snapshot replaces the position, a fill after it moves it. Until every report is in, a fill dated before the
 * snapshot and not reported yet is missing from "filled as of" and counted as after it; its report evens it out.
 */

/** Why a dated snapshot is not taken: the date it is before (DatedPositions.refusedSnapshot). */
export interface SnapshotRefusal {
  why: 'older' | 'folded';
  at: number;
}

/** One order's fills as its reports told them. */
interface OrderFills {
  /** +1 for a buy (a fill adds to the position), −1 for a sell. */
  sign: 1 | -1;
  /** The dated reports' cumulative fills: [asOf, cumulative]. */
  dated: [number, number][];
  /** The largest cumulative fill of a report without `asOf`. */
  undated: number;
  /** The cumulative fill as of the symbol's snapshot. */
  base: number;
}

/**
 * How many filled orders each symbol keeps apart (oldest out), as every fill sums over them: a snapshot is about
 * the fills of late. An older order keeps one number (`folded`), so a snapshot dated before its fills could not
 * tell them apart any more: such a snapshot is not taken (refusedSnapshot).
 */
export const ORDERS_PER_SYMBOL = 1_000;

export class DatedPositions {
  /** Per symbol: the latest snapshot (`asOf` null: undated). */
  private readonly snapshots = new Map<string, { qty: number; asOf: number | null }>();
  /** Per symbol, its filled orders by id, oldest first. */
  private readonly fills = new Map<string, Map<string, OrderFills>>();
  /**
   * Per symbol, the orders that left `fills`, by id: how much of each the snapshot holds (what it had filled
   * when it left). One number an order, as the book keeps every order it was told of: a late report of such an
   * order counts only what it filled beyond that.
   */
  private readonly folded = new Map<string, Map<string, { sign: 1 | -1; filled: number }>>();
  /**
   * Per symbol, the latest date of a dated report of an order that left `fills`. Its fills are in the snapshot
   * held now, undated, so a snapshot dated before it cannot say which of them it holds: it is not taken.
   */
  private readonly foldedThrough = new Map<string, number>();

  /**
   * Why a snapshot of `symbol` dated `asOf` changes nothing, or null when it is taken: it is older than the
   * snapshot held (`older`, at that one's date), or dated before a fill of an order that left the memory
   * (`folded`, at that fill's date: the position already holds the fill, and this snapshot would count it as
   * its own).
   */
  refusedSnapshot(symbol: string, asOf: number | undefined): SnapshotRefusal | null {
    if (asOf === undefined) return null;
    const held = this.snapshots.get(symbol)?.asOf ?? null;
    if (held !== null && asOf < held) return { why: 'older', at: held };
    const through = this.foldedThrough.get(symbol);
    return through !== undefined && asOf < through ? { why: 'folded', at: through } : null;
  }

  /** A fill or cancel report of an order of `symbol` was applied; `cumulative`: its filled quantity. */
  noteFill(
    symbol: string,
    orderId: string,
    sign: 1 | -1,
    cumulative: number,
    asOf: number | undefined,
  ): void {
    let orders = this.fills.get(symbol);
    if (!orders) this.fills.set(symbol, (orders = new Map()));
    let o = orders.get(orderId);
    if (!o) {
      o = this.recall(symbol, orderId) ?? { sign, dated: [], undated: 0, base: 0 };
      orders.set(orderId, o);
      if (orders.size > ORDERS_PER_SYMBOL) this.forgetOldest(symbol, orders);
    }
    if (asOf === undefined) {
      o.undated = Math.max(o.undated, cumulative);
      return;
    }
    o.dated.push([asOf, cumulative]);
    const held = this.snapshots.get(symbol);
    if (held && held.asOf !== null && asOf <= held.asOf) o.base = Math.max(o.base, cumulative);
  }

  /**
   * The symbol's oldest filled order leaves the memory: what it filled beyond the snapshot moves into the
   * snapshot, so the position stays (a bot that sent one snapshot at its start and trades on lost the fills of
   * its 1,001st order back).
   */
  private forgetOldest(symbol: string, orders: Map<string, OrderFills>): void {
    const [id, oldest] = orders.entries().next().value!;
    orders.delete(id);
    let filled = oldest.undated;
    let through = this.foldedThrough.get(symbol) ?? Number.NEGATIVE_INFINITY;
    for (const [at, cumulative] of oldest.dated) {
      if (cumulative > filled) filled = cumulative;
      if (at > through) through = at;
    }
    if (through !== Number.NEGATIVE_INFINITY) this.foldedThrough.set(symbol, through);
    const held = this.snapshots.get(symbol);
    // Without a snapshot the fills alone made the position, and the next snapshot holds them.
    if (held) held.qty += oldest.sign * (filled - oldest.base);
    let gone = this.folded.get(symbol);
    if (!gone) this.folded.set(symbol, (gone = new Map()));
    gone.set(id, { sign: oldest.sign, filled });
  }

  /**
   * An order that left the memory is reported again (a late fill, a retried report): it comes back with the
   * snapshot holding what it had filled when it left, as if reported undated before the snapshot, so only what
   * it fills beyond that moves the position.
   */
  private recall(symbol: string, orderId: string): OrderFills | null {
    const gone = this.folded.get(symbol);
    const was = gone?.get(orderId);
    if (!gone || !was) return null;
    gone.delete(orderId);
    return { sign: was.sign, dated: [], undated: was.filled, base: was.filled };
  }

  /**
   * Whether a report dated `asOf` tells the order's dates something they do not hold: no report of it at or
   * before `asOf` (nor an undated one) said as much filled. Such a report matters even when it says no more
   * than the order holds now (an older cumulative fill that came late): a snapshot dated after it holds its
   * fill, so what is counted beyond that snapshot, held now or still to come, is less by it. Inside the
   * snapshot held, it lowers what is counted beyond it at once.
   */
  isNews(symbol: string, orderId: string, cumulative: number, asOf: number): boolean {
    const o = this.fills.get(symbol)?.get(orderId);
    if (!o) return cumulative > (this.folded.get(symbol)?.get(orderId)?.filled ?? 0);
    if (o.undated >= cumulative) return false;
    for (const [at, filled] of o.dated) if (at <= asOf && filled >= cumulative) return false;
    return true;
  }

  /** A snapshot of `symbol` is taken (one refusedSnapshot does not refuse). */
  snapshot(symbol: string, qty: number, asOf: number | undefined, filled: (orderId: string) => number): void {
    this.snapshots.set(symbol, { qty, asOf: asOf ?? null });
    for (const [id, o] of this.fills.get(symbol) ?? []) {
      // Undated: everything reported so far is inside it.
      if (asOf === undefined) o.base = filled(id);
      else {
        let base = o.undated;
        for (const [at, cumulative] of o.dated) if (at <= asOf) base = Math.max(base, cumulative);
        o.base = base;
      }
    }
  }

  /**
   * The position of `symbol` as its snapshot and the fills beyond it make it; null when no snapshot was taken
   * (the fills alone move it). `filled`: an order's cumulative fill as the book holds it now.
   */
  position(symbol: string, filled: (orderId: string) => number): number | null {
    const held = this.snapshots.get(symbol);
    if (!held) return null;
    let qty = held.qty;
    for (const [id, o] of this.fills.get(symbol) ?? []) qty += o.sign * (filled(id) - o.base);
    return qty;
  }
}
