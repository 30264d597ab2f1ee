/**
 * The one rule for a number written as text by a person (an environment variable, a signals CSV cell): plain
 * decimal notation with an optional exponent (`12`, `-0.5`, `.25`, `1e-3`). Everything `Number()` would also
 * take — hex `0x10`, binary `0b1`, `Infinity`, blank text — is refused, and so is a result too large to be
 * finite (`1e999`). Returns NaN when refused, so a caller reports the original text.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return Number.NaN;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : Number.NaN;
}
