import { basename } from 'node:path';
import { bothSidesLine } from '../compare/report.js';
import { configEnvironment } from './invocation.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Side A of a comparison when no --variant names it: the config it starts from, named by the flag or the
 * variable that gave it (`--config`, else `WORKSTEAL_CONFIG`; `--preset`, else `WORKSTEAL_PRESET`). What
 * both sides take on top (bothSides) is said once above the tables, not folded into A's name.
 */
export function asGivenLabel(opts: { config?: string; preset?: string }, env: Env): string {
  const file = opts.config ?? env.WORKSTEAL_CONFIG;
  return file ? basename(file) : `${opts.preset ?? env.WORKSTEAL_PRESET ?? 'default'} config`;
}

/**
 * The settings every side of a comparison takes on top of its own, as one line: the --set values, then the
 * config keys set in the environment (the file and the preset are in A's name). Null when there are none.
 */
export function bothSides(set: readonly string[], env: Env): string | null {
  const fromEnv = configEnvironment(env).filter((a) => !/^WORKSTEAL_(CONFIG|PRESET)=/u.test(a));
  return bothSidesLine([...set, ...fromEnv]);
}
