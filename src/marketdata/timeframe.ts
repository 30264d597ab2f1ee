/**
 * Timeframes as users type them ('1m', '15m', '1h', '4h', '1d', '1w'): the unit is the last letter, so the
 * same string names the store file, the ccxt timeframe and (translated) the Alpaca one.
 */

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Milliseconds of a timeframe, or null when it is not `<n><m|h|d|w>` with n ≥ 1. */
export function timeframeMs(tf: string): number | null {
  const m = /^([1-9]\d*)([mhdw])$/.exec(tf);
  if (!m) return null;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/**
 * The timeframe name of a bar spacing, for imported files: the largest unit that divides it
 * (3_600_000 → '1h', 14_400_000 → '4h', 5_400_000 → '90m'); '0' when there is no spacing (a single bar,
 * which data import names by its file name's bar length instead).
 */
export function timeframeName(intervalMs: number): string {
  if (!(intervalMs > 0)) return '0';
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const ms = UNIT_MS[unit] as number;
    if (intervalMs % ms === 0) return `${intervalMs / ms}${unit}`;
  }
  return `${intervalMs}ms`;
}
