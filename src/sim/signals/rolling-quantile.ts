/**
 * A sliding window that answers quantiles: values kept sorted in a typed array, so an insert or an evict is
 * a binary search plus one memmove (a window of 720 moves at most a few KB per bar).
 */
export class RollingQuantile {
  private readonly sorted: Float64Array;
  private readonly fifo: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.sorted = new Float64Array(capacity);
    this.fifo = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.capacity) {
      const oldest = this.fifo[this.head]!;
      this.replaceSorted(oldest, value);
      this.fifo[this.head] = value;
      this.head = (this.head + 1) % this.capacity;
      return;
    }
    this.fifo[(this.head + this.count) % this.capacity] = value;
    this.insertSorted(value);
  }

  /** Linear interpolation between order statistics (the "type 7" definition used by numpy and R). */
  quantile(q: number): number {
    const n = this.count;
    if (n === 0) return Number.NaN;
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(n - 1, lo + 1);
    const frac = pos - lo;
    return this.sorted[lo]! + (this.sorted[hi]! - this.sorted[lo]!) * frac;
  }

  private insertSorted(value: number): void {
    const n = this.count;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    this.sorted.copyWithin(lo + 1, lo, n);
    this.sorted[lo] = value;
    this.count = n + 1;
  }

  /**
   * Evict `oldest` and insert `value` in one move: only the elements between the two positions shift
   * (a third of the window on average, instead of a half twice).
   */
  private replaceSorted(oldest: number, value: number): void {
    const s = this.sorted;
    const from = this.lowerBound(oldest);
    if (value >= oldest) {
      // Shift (from, to) left by one, then put value at to − 1.
      let to = this.lowerBound(value);
      if (to <= from) to = from + 1;
      s.copyWithin(from, from + 1, to);
      s[to - 1] = value;
    } else {
      const to = this.lowerBound(value);
      s.copyWithin(to + 1, to, from);
      s[to] = value;
    }
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
