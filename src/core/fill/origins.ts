/**
 * The bar closes of each symbol that wait for their calibration horizon to pass (FillModel's origins), in
 * rings of `cap` slots per symbol: [closeTime, end, close, sqrtV, minLow, maxHigh]. An origin's low and high
 * cover the bars that open at or after its close and before its end; once a bar opens at or after its end
 * the origin is resolved (its outcome can no longer change) and leaves the ring.
 */
export class PendingOrigins {
  private readonly rings: Float64Array[];
  private readonly head: Int32Array;
  private readonly size: Int32Array;

  constructor(
    symbols: number,
    private readonly cap: number,
  ) {
    this.rings = Array.from({ length: symbols }, () => new Float64Array(cap * 6));
    this.head = new Int32Array(symbols);
    this.size = new Int32Array(symbols);
  }

  /** Symbol i has as many origins waiting as it may: a new one is skipped. */
  full(i: number): boolean {
    return this.size[i]! >= this.cap;
  }

  add(i: number, closeTime: number, end: number, close: number, sqrtV: number): void {
    if (this.full(i)) return;
    const ring = this.rings[i]!;
    const at = ((this.head[i]! + this.size[i]!) % this.cap) * 6;
    ring[at] = closeTime;
    ring[at + 1] = end;
    ring[at + 2] = close;
    ring[at + 3] = sqrtV;
    ring[at + 4] = Number.POSITIVE_INFINITY;
    ring[at + 5] = 0;
    this.size[i]!++;
  }

  /**
   * A bar of symbol i opening at `t` with high `h` and low `l`: first every origin whose horizon ended by `t`
   * is resolved, oldest first (`resolved` gets its close, √V, lowest low and highest high), then the origins
   * still open see the bar.
   */
  bar(
    i: number,
    t: number,
    h: number,
    l: number,
    resolved: (i: number, close: number, sqrtV: number, minLow: number, maxHigh: number) => void,
  ): void {
    const ring = this.rings[i]!;
    const cap = this.cap;
    while (this.size[i]! > 0) {
      const at = this.head[i]! * 6;
      if (ring[at + 1]! > t) break;
      resolved(i, ring[at + 2]!, ring[at + 3]!, ring[at + 4]!, ring[at + 5]!);
      this.head[i] = (this.head[i]! + 1) % cap;
      this.size[i]!--;
    }
    // The origins still open lie in at most two runs of the ring: from the head to the end, then from 0.
    const head = this.head[i]!;
    const end = head + this.size[i]!;
    extendWindows(ring, head, Math.min(end, cap), t, h, l);
    if (end > cap) extendWindows(ring, 0, end - cap, t, h, l);
  }
}

/** The origins in ring slots [from, to) see a bar that opens at `t` with high `h` and low `l`. */
function extendWindows(ring: Float64Array, from: number, to: number, t: number, h: number, l: number): void {
  for (let s = from * 6, e = to * 6; s < e; s += 6) {
    if (ring[s]! > t) continue; // the origin's own bar, or one before it: not in its window
    if (l < ring[s + 4]!) ring[s + 4] = l;
    if (h > ring[s + 5]!) ring[s + 5] = h;
  }
}
