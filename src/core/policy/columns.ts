/**
 * Per-decision columns (the candidate table, the valuations) are carved from shared slabs: a steal decision
 * in the simulator's inner loop then makes a few small views instead of a fresh off-heap buffer, which costs
 * more than the decision's own arithmetic at 1,000 orders and weighs on the collector. A slab is never
 * reused, so columns stay valid for as long as anyone holds them.
 */
const SLAB_BYTES = 1 << 20;
/** Larger requests get a buffer of their own (about 15,000 orders of candidate columns). */
const MAX_CARVE_BYTES = SLAB_BYTES / 4;

let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

export interface Carved {
  buffer: ArrayBuffer;
  /** Byte offset of the carved region, a multiple of 8 (Float64 columns may start there). */
  offset: number;
}

/**
 * Below this many rows a loop over the rows costs less than `set` over a `subarray` view (a view is an
 * allocation): copies of candidate and valuation columns choose by it.
 */
export const COPY_BY_VIEW = 64;

/** A fresh, zero-filled region of `bytes` bytes. */
export function carveColumns(bytes: number): Carved {
  if (bytes > MAX_CARVE_BYTES) return { buffer: new ArrayBuffer(bytes), offset: 0 };
  const size = (bytes + 7) & ~7; // the next region's Float64 columns start 8-byte aligned
  if (slabUsed + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const offset = slabUsed;
  slabUsed += size;
  return { buffer: slab, offset };
}

/** A column of `capacity` rows of the same type, starting with the rows of `a` (the rest zero). */
export function grownColumn<T extends Float64Array | Int32Array | Uint8Array>(a: T, capacity: number): T {
  const b = new (a.constructor as new (length: number) => T)(capacity);
  b.set(a);
  return b;
}
