/**
 * A flag that does nothing in the command as given is refused (exit 2), not ignored: `serve --broker none
 * --benchmark crypto` would serve advisory and read no bars, `start --seed 3` without --synthetic would run on
 * real data, `run --no-http --port 8000` would open no port. The one message for all of them names the flags
 * typed, why they do not apply and what to do. A flag with a default counts only when typed (commander's
 * value source 'cli'), so a default is never refused.
 */
import { CliError } from './errors.js';

/** A flag and whether it was typed. */
export type GivenFlag = readonly [flag: string, typed: boolean];

/**
 * Refuses the typed flags of `given` when `applies` is false. `why(one)`: why not (`only with --synthetic
 * (it sets …), and --synthetic is not given`); `fix(one)`: what to do instead (`drop it or add --synthetic`);
 * `one`: a single flag was typed (for "it"/"they").
 */
export function refuseInapplicable(
  applies: boolean,
  given: readonly GivenFlag[],
  why: (one: boolean) => string,
  fix: (one: boolean) => string,
): void {
  if (applies) return;
  const typed = given.filter(([, t]) => t).map(([flag]) => flag);
  if (typed.length === 0) return;
  const one = typed.length === 1;
  throw new CliError(`${typed.join(', ')}: ${why(one)}; ${fix(one)}`);
}

/** "it" or "them", "it sets" or "they set": the words for one flag or several. */
export const it = (one: boolean): string => (one ? 'it' : 'them');
export const itSets = (one: boolean): string => (one ? 'it sets' : 'they set');
