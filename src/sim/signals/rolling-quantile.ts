/**
 * One quantile of a sliding window, by two heaps split at the quantile's position: the values up to the
 * order statistic below the quantile in one, the rest in the other, so the answer is read from the two tops.
 * Every window slot knows its heap and its place there, so the value leaving the window is replaced where it
 * sits: a slide costs O(log window) on small typed arrays that stay in cache, where a sorted array moves
 * O(window) values.
 */
export class RollingQuantile {
  /** The smallest values, keyed by value (its top is the largest of them). */
  private readonly low: SlotHeap;
  /** The rest, keyed by −value (its top is the smallest of them). */
  private readonly high: SlotHeap;
  /** Which heap holds each window slot (slots cycle in arrival order). */
  private readonly inLow: Uint8Array;
  private head = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    /** The quantile answered, 0 … 1. */
    readonly q: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`RollingQuantile: capacity must be a positive integer, got ${capacity}`);
    if (!(q >= 0 && q <= 1)) throw new RangeError(`RollingQuantile: q must be within 0 … 1, got ${q}`);
    const at = new Int32Array(capacity);
    this.low = new SlotHeap(capacity, at);
    this.high = new SlotHeap(capacity, at);
    this.inLow = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Add a value; once the window is full the oldest leaves. */
  push(v: number): void {
    if (this.count === this.capacity) {
      const slot = this.head;
      this.head = slot + 1 === this.capacity ? 0 : slot + 1;
      this.replace(slot, v);
      return;
    }
    let slot = this.head + this.count;
    if (slot >= this.capacity) slot -= this.capacity;
    this.count++;
    if (this.low.size === 0 || v <= this.low.topKey()) this.toLow(slot, v);
    else this.toHigh(slot, v);
    // LOW holds order statistics 0 … ⌊q·(n − 1)⌋.
    const target = Math.floor(this.q * (this.count - 1)) + 1;
    while (this.low.size > target) {
      const key = this.low.topKey();
      this.toHigh(this.low.pop(), key);
    }
    while (this.low.size < target) {
      const key = -this.high.topKey();
      this.toLow(this.high.pop(), key);
    }
  }

  /** Linear interpolation between order statistics (the "type 7" definition used by numpy and R). */
  quantile(): number {
    if (this.count === 0) return Number.NaN;
    const pos = this.q * (this.count - 1);
    const a = this.low.topKey();
    // Order statistic ⌊pos⌋ + 1 is HIGH's top, or the same as LOW's when nothing lies above (q = 1).
    const b = this.high.size === 0 ? a : -this.high.topKey();
    return a + (b - a) * (pos - Math.floor(pos));
  }

  /**
   * The oldest slot takes a new value. If the value belongs in the other heap, that heap's top crosses over
   * into the freed place and the value takes the top's place: sizes, and so the split, stay as they were.
   */
  private replace(slot: number, v: number): void {
    const at = this.low.at[slot]!;
    if (this.inLow[slot] === 1) {
      if (this.high.size === 0 || v <= -this.high.topKey()) {
        this.low.update(at, v);
        return;
      }
      const crossing = this.high.slots[0]!;
      this.low.set(at, crossing, -this.high.topKey());
      this.inLow[crossing] = 1;
      this.low.restore(at);
      this.high.set(0, slot, -v);
      this.inLow[slot] = 0;
      this.high.siftDown(0);
    } else {
      if (this.low.size === 0 || v >= this.low.topKey()) {
        this.high.update(at, -v);
        return;
      }
      const crossing = this.low.slots[0]!;
      this.high.set(at, crossing, -this.low.topKey());
      this.inLow[crossing] = 0;
      this.high.restore(at);
      this.low.set(0, slot, v);
      this.inLow[slot] = 1;
      this.low.siftDown(0);
    }
  }

  private toLow(slot: number, v: number): void {
    this.inLow[slot] = 1;
    this.low.insert(slot, v);
  }

  private toHigh(slot: number, v: number): void {
    this.inLow[slot] = 0;
    this.high.insert(slot, -v);
  }
}

/** A max-heap of window slots by key, keeping each slot's index in a table shared by both heaps. */
class SlotHeap {
  readonly keys: Float64Array;
  readonly slots: Int32Array;
  size = 0;

  constructor(
    capacity: number,
    readonly at: Int32Array,
  ) {
    this.keys = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  topKey(): number {
    return this.keys[0]!;
  }

  set(i: number, slot: number, key: number): void {
    this.keys[i] = key;
    this.slots[i] = slot;
    this.at[slot] = i;
  }

  insert(slot: number, key: number): void {
    const i = this.size++;
    this.set(i, slot, key);
    this.siftUp(i);
  }

  /** Remove the top; returns its slot. */
  pop(): number {
    const top = this.slots[0]!;
    const last = --this.size;
    if (last > 0) {
      this.set(0, this.slots[last]!, this.keys[last]!);
      this.siftDown(0);
    }
    return top;
  }

  update(i: number, key: number): void {
    this.keys[i] = key;
    this.restore(i);
  }

  restore(i: number): void {
    if (i > 0 && this.keys[i]! > this.keys[(i - 1) >> 1]!) this.siftUp(i);
    else this.siftDown(i);
  }

  siftUp(i: number): void {
    const { keys, slots, at } = this;
    const key = keys[i]!;
    const slot = slots[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (!(key > pk)) break;
      keys[i] = pk;
      const ps = slots[parent]!;
      slots[i] = ps;
      at[ps] = i;
      i = parent;
    }
    keys[i] = key;
    slots[i] = slot;
    at[slot] = i;
  }

  siftDown(i: number): void {
    const { keys, slots, at } = this;
    const size = this.size;
    const key = keys[i]!;
    const slot = slots[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      let ck = keys[child]!;
      if (child + 1 < size && keys[child + 1]! > ck) ck = keys[++child]!;
      if (!(ck > key)) break;
      keys[i] = ck;
      const cs = slots[child]!;
      slots[i] = cs;
      at[cs] = i;
      i = child;
    }
    keys[i] = key;
    slots[i] = slot;
    at[slot] = i;
  }
}
