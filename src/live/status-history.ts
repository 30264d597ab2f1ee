/**
 * The last polls of a live run, for the status page's charts: equity, margin use and decisions per poll. A
 * ring of fixed size, so a run of months holds the same memory as a run of minutes.
 */
export interface StatusSeries {
  /** Poll times, unix seconds (market time in a replay). */
  time: number[];
  equity: number[];
  /** Margin used / capacity at the poll (null when the capacity is 0). */
  utilization: (number | null)[];
  /** Decisions taken since the poll before. */
  decisions: number[];
}

export class StatusHistory {
  private readonly time: Float64Array;
  private readonly equity: Float64Array;
  private readonly utilization: Float64Array;
  private readonly decisions: Float64Array;
  private next = 0;
  private size = 0;
  private lastDecisionCount = 0;

  constructor(readonly capacity = 2_000) {
    this.time = new Float64Array(capacity);
    this.equity = new Float64Array(capacity);
    this.utilization = new Float64Array(capacity);
    this.decisions = new Float64Array(capacity);
  }

  /** One poll: `decisionCount` is the run's running total; the chart shows the increase. */
  record(at: number, equity: number, used: number, capacity: number, decisionCount: number): void {
    const i = this.next;
    this.time[i] = at / 1000;
    this.equity[i] = equity;
    this.utilization[i] = capacity > 0 ? used / capacity : Number.NaN;
    this.decisions[i] = Math.max(0, decisionCount - this.lastDecisionCount);
    this.lastDecisionCount = decisionCount;
    this.next = (i + 1) % this.capacity;
    this.size = Math.min(this.capacity, this.size + 1);
  }

  series(): StatusSeries {
    const out: StatusSeries = { time: [], equity: [], utilization: [], decisions: [] };
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let k = 0; k < this.size; k++) {
      const i = (start + k) % this.capacity;
      out.time.push(this.time[i]!);
      out.equity.push(this.equity[i]!);
      const u = this.utilization[i]!;
      out.utilization.push(Number.isFinite(u) ? u : null);
      out.decisions.push(this.decisions[i]!);
    }
    return out;
  }
}
