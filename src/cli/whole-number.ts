import { CliError } from './errors.js';

/** A flag that takes a count: a whole number of at least `min`, else a usage error naming the flag. */
export function wholeNumber(raw: string, flag: string, min: number): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new CliError(`${flag} ${JSON.stringify(raw)}: must be a whole number >= ${min}`);
  }
  return n;
}
