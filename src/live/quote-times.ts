import type { Gauge } from 'prom-client';

const iso = (t: number): string => new Date(t).toISOString();

/** A quote the ledger took, with the time its price was made (src/session/asking.ts quoteMadeAt). */
interface TakenQuote {
  bid: number;
  ask: number;
  time: number;
}

/**
 * Each symbol's last quote the ledger took and when its price was made (docs/live.md and docs/service.md "How
 * old a price is"): the status shows it beside the rows its price marks, /metrics as a gauge. `run` fills it
 * at each poll; `serve` from the quote events, where a quote made before the one held is not taken (a late
 * quote would put an older price back): advisory mode rebuilds it from the stored quotes at a restart (the book
 * replays them), executing mode from the quotes since it started.
 */
export class QuoteTimes {
  private readonly held = new Map<string, TakenQuote>();

  /** Why a quote of `symbol` made at `time` changes nothing (a later one is held), or null when it is taken. */
  refusal(symbol: string, time: number): string | null {
    const q = this.held.get(symbol);
    if (q === undefined || time >= q.time) return null;
    return (
      `quote: this quote of ${symbol} was made at ${iso(time)}, before the one held (bid ${q.bid}, ask ` +
      `${q.ask}, made at ${iso(q.time)}); nothing changed`
    );
  }

  take(symbol: string, bid: number, ask: number, time: number): void {
    this.held.set(symbol, { bid, ask, time });
  }

  /** When the price of `symbol`'s last quote was made, as an ISO time; null before its first quote. */
  timeOf(symbol: string): string | null {
    const q = this.held.get(symbol);
    return q === undefined ? null : iso(q.time);
  }

  /**
   * The last quotes of `symbols`, in their order, those with none left out (`run`'s watched symbols); without
   * `symbols`, every symbol's, by symbol (`serve`).
   */
  view(symbols?: readonly string[]): { symbol: string; bid: number; ask: number; time: string }[] {
    const names = symbols ?? [...this.held.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return names.flatMap((symbol) => {
      const q = this.held.get(symbol);
      return q === undefined ? [] : [{ symbol, bid: q.bid, ask: q.ask, time: iso(q.time) }];
    });
  }

  /** Set the gauge `worksteal_quote_made_timestamp_seconds` per symbol (serve: ServiceCapacity.now). */
  toGauge(gauge: Gauge<'symbol'>): void {
    for (const [symbol, q] of this.held) gauge.labels(symbol).set(q.time / 1000);
  }
}
