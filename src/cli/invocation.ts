import { shapesConfig } from '../core/config/resolve.js';
import { shellWord } from '../io/shell-word.js';

/**
 * The command line that made this run, as outputs record it (`--json`, `--markdown`, the optimizer's store):
 * the environment variables that shape its configuration first (`WORKSTEAL_VICTIM_RANKING=expectedValue
 * worksteal optimize …`), then `worksteal` and its arguments, each quoted for a shell where needed. Pasted
 * into a shell it runs the same configuration again; secrets and locations are never variables that shape
 * it, so none is written.
 */
export function invocation(
  env: Readonly<Record<string, string | undefined>> = process.env,
  args: readonly string[] = process.argv.slice(2),
): string {
  return [...configEnvironment(env), 'worksteal', ...args.map(shellWord)].join(' ');
}

/** The variables of `env` that shape the configuration, as sorted `NAME=value` shell assignments. */
export function configEnvironment(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && shapesConfig(entry[0]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${shellWord(value)}`);
}
