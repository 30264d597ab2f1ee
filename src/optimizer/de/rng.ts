/**
 * Seeded pseudo-random numbers for the differential evolution optimiser.
 *
 * Why not `Math.random`: a run must be reproducible from its seed and resumable from a snapshot, so the
 * generator's whole state has to be a few plain numbers we can serialise. xoshiro128** (Blackman & Vigna,
 * "Scrambled linear pseudorandom number generators", 2018) has 128 bits of state in four uint32 words,
 * passes BigCrush and only needs 32-bit integer arithmetic (`Math.imul`), which JavaScript does exactly.
 * The seed is expanded into the four words with splitmix32 so that nearby seeds (1, 2, 3...) give unrelated
 * streams and the forbidden all-zero state cannot occur in practice.
 */

/** The four uint32 words of xoshiro128** state. */
export type RngState = [number, number, number, number];

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One splitmix32 step: advances `x` by the golden-ratio increment and returns a well-mixed output. */
function splitmix32(x: number): { next: number; out: number } {
  const next = (x + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return { next, out: z >>> 0 };
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(state: readonly number[]) {
    this.s0 = (state[0] ?? 0) | 0;
    this.s1 = (state[1] ?? 0) | 0;
    this.s2 = (state[2] ?? 0) | 0;
    this.s3 = (state[3] ?? 0) | 0;
    // xoshiro's only bad state; splitmix output makes it astronomically unlikely, but restore() could pass it.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Generator for a seed; any safe integer (including negative) is accepted. */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng seed must be a safe integer (got ${seed})`);
    // Absorb both halves of the (up to 53-bit) seed so that e.g. 1 and 2**32 + 1 differ.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    let x = splitmix32(lo).out;
    x = splitmix32(x ^ hi).out;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const step = splitmix32(x);
      x = step.next;
      words.push(step.out);
    }
    return new Rng(words);
  }

  /** Generator continuing exactly from a state previously returned by {@link Rng.state}. */
  static fromState(state: readonly number[]): Rng {
    if (state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32)) {
      throw new RangeError(`Rng state must be four uint32 words (got ${JSON.stringify(state)})`);
    }
    return new Rng(state);
  }

  /** Snapshot of the generator (JSON-serialisable). */
  state(): RngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Next raw uint32 (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with the full 53-bit mantissa (two draws). */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /**
   * Uniform integer in [0, n). Uses `floor(uniform * n)`; for the small n used here (population sizes)
   * the bias is below 2^-40, far under anything a DE run could notice.
   */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Normal deviate (Box–Muller, no cached second value so the state stays just the four words). */
  normal(mean: number, sd: number): number {
    const u1 = 1 - this.uniform(); // (0, 1], so log is finite
    const u2 = this.uniform();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Cauchy deviate with location `loc` and scale `scale` (inverse CDF). */
  cauchy(loc: number, scale: number): number {
    return loc + scale * Math.tan(Math.PI * (this.uniform() - 0.5));
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
