import { parseDecimal } from '../core/decimal.js';
import { CliError } from './errors.js';

/**
 * A flag that takes a count: digits only, at least `min`, else a usage error naming the flag. Not Number():
 * it reads an empty value as 0, `0x10` as 16 and `1e3` as 1000 without a word.
 */
export function wholeNumber(raw: string, flag: string, min: number): number {
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new CliError(`${flag} ${JSON.stringify(raw)}: must be a whole number >= ${min}`);
  }
  return n;
}

/**
 * A flag that takes a number (the config schema checks its range): a plain decimal, else a usage error
 * whose example is one that flag takes (`example`: a port for --port, not a speed).
 */
export function numberFlag(raw: string | undefined, flag: string, example: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = parseDecimal(raw);
  if (Number.isNaN(n))
    throw new CliError(`${flag} ${JSON.stringify(raw)} is not a number, e.g. ${flag} ${example}`);
  return n;
}
