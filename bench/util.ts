/**
 * A tiny timing helper for `npm run bench`: calibrate a batch to a minimum duration, warm up, then take the
 * median of K timed batches with `process.hrtime.bigint()`. Results are rates and ratios, never assertions.
 */

export interface MeasureOptions {
  /** Timed batches; the median is reported. */
  runs?: number;
  /** Minimum wall time of one batch, in milliseconds (the batch size is calibrated to reach it). */
  minBatchMs?: number;
  /** Untimed warm-up before measuring (lets the JIT settle), in milliseconds. */
  warmupMs?: number;
}

export interface Measurement {
  /** Median nanoseconds per call. */
  nsPerOp: number;
  /** Calls per second at the median. */
  opsPerSec: number;
  /** Calls per timed batch. */
  batch: number;
  /** Nanoseconds per call of every batch, in run order. */
  samples: number[];
}

/** Results go here so the optimiser cannot drop the measured work. */
export let sink: unknown;

const now = (): bigint => process.hrtime.bigint();

function timeBatch(fn: () => unknown, n: number): number {
  const t0 = now();
  for (let i = 0; i < n; i++) sink = fn();
  return Number(now() - t0);
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Time `fn`: warm up, calibrate the batch size, then the median of `runs` batches. */
export function measure(fn: () => unknown, options: MeasureOptions = {}): Measurement {
  const runs = options.runs ?? 7;
  const minBatchNs = (options.minBatchMs ?? 40) * 1e6;
  const warmupNs = (options.warmupMs ?? 50) * 1e6;

  const warmEnd = now() + BigInt(Math.round(warmupNs));
  while (now() < warmEnd) timeBatch(fn, 16);

  let batch = 1;
  for (;;) {
    const ns = timeBatch(fn, batch);
    if (ns >= minBatchNs || batch >= 1 << 26) break;
    batch = ns <= 0 ? batch * 16 : Math.min(batch * 16, Math.ceil((batch * minBatchNs * 1.1) / ns));
  }

  const samples: number[] = [];
  for (let r = 0; r < runs; r++) samples.push(timeBatch(fn, batch) / batch);
  const nsPerOp = median(samples);
  return { nsPerOp, opsPerSec: 1e9 / nsPerOp, batch, samples };
}

export type Align = 'left' | 'right';

/** Print rows as aligned columns (numbers right-aligned by default), with a rule under the header. */
export function printTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly Align[],
): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number): string =>
    (align?.[i] ?? (i === 0 ? 'left' : 'right')) === 'left'
      ? text.padEnd(widths[i]!)
      : text.padStart(widths[i]!);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => cell(c, i))
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** 1234567.8 → "1,234,568"; small values keep `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
