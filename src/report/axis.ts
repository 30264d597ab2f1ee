/**
 * Value-axis rules of the report charts: short labels, the log-or-linear choice, a range that fits the data
 * and ticks inside it. The page's script runs the same functions (client-script.ts embeds their source), so
 * each rule has one home and is tested here without a browser. That is why every function below is
 * self-contained: no imports, no module constants, no helpers defined outside it.
 */

/**
 * An axis label: 100,000 → "100k", 102,500 → "102.5k", 1,250,000 → "1.25M", 9,500 → "9,500", 950 → "950".
 * Up to six significant digits, so the ticks of a narrow (zoomed) range never share a label; round ticks
 * stay short because only zeros after a decimal point are dropped ("100k" stays "100k").
 */
export function compactNumber(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  let scaled = v;
  let unit = '';
  if (a >= 1e9) {
    scaled = v / 1e9;
    unit = 'B';
  } else if (a >= 1e6) {
    scaled = v / 1e6;
    unit = 'M';
  } else if (a >= 1e4) {
    scaled = v / 1e3;
    unit = 'k';
  } else if (a >= 1000) return v.toLocaleString('en-US', { maximumSignificantDigits: 6 });
  let s = Math.abs(scaled) >= 1e4 ? Math.round(scaled).toString() : scaled.toPrecision(6);
  if (s.indexOf('.') >= 0 && s.indexOf('e') < 0) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s + unit;
}

/**
 * Whether values spanning `lo`..`hi` read best on a log axis: from a threefold span on. A run that grows
 * tenfold on a linear axis squeezes its first years into the bottom tenth, where a log axis shows equal
 * percentage moves as equal heights; under about 3x the two axes look alike and linear ticks are rounder
 * (a log axis over 100k–117k would hold a single decade tick, or none).
 */
export function prefersLog(lo: number, hi: number): boolean {
  return lo > 0 && hi / lo >= 3;
}

/**
 * The axis range for data from `lo` to `hi`: 5% of the span added on each side (of the log span on a log
 * axis), so the curve fills the chart without touching its edges; never a whole decade.
 */
export function axisRange(lo: number, hi: number, log: boolean): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (log && lo > 0 && hi > 0) {
    const f = hi > lo ? Math.pow(hi / lo, 0.05) : 1.01;
    return [lo / f, hi * f];
  }
  const span = hi - lo;
  const pad = span > 0 ? span * 0.05 : Math.abs(lo) * 0.01 || 1;
  return [lo - pad, hi + pad];
}

/**
 * Tick values inside `min`..`max`. Linear: multiples of a round step (1, 2 or 5 × 10^k) giving 2 to 8
 * ticks. Log: 1, 2 and 5 of each decade; 1 to 9 of each decade when that leaves fewer than three; linear
 * ticks when the range is too narrow even for those (a zoomed log chart).
 */
export function axisTicks(min: number, max: number, log: boolean): number[] {
  const out: number[] = [];
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return out;
  if (log && min > 0) {
    const mantissas = [
      [1, 2, 5],
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    ];
    for (let m = 0; m < mantissas.length; m++) {
      out.length = 0;
      for (let e = Math.floor(Math.log10(min)); Math.pow(10, e) <= max; e++) {
        for (let j = 0; j < mantissas[m]!.length; j++) {
          // Rounded to the decade's precision, so 3e5 is 300000 and not 300000.00000000006.
          const v = Number((mantissas[m]![j]! * Math.pow(10, e)).toPrecision(12));
          if (v >= min && v <= max) out.push(v);
        }
      }
      if (out.length >= 3) return out;
    }
    out.length = 0;
  }
  const raw = (max - min) / 4;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const r = raw / mag;
  const step = (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
  for (let k = Math.ceil(min / step); k * step <= max; k++) {
    out.push(Number((k * step).toPrecision(12)));
  }
  return out;
}
