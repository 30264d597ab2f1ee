import { CliError } from './errors.js';

/**
 * A comma-separated flag value (`--symbols SOLUSDT,LINKUSDT`) as a list: items trimmed, empty ones dropped;
 * undefined when the flag was not given. A value that names nothing (`--symbols ""` from an unset shell
 * variable, or `--symbols ,`) is an error: read as "not given" it ran every symbol in the data.
 */
export function listFlag(raw: string | undefined, flag: string): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0)
    throw new CliError(
      `${flag} ${JSON.stringify(raw)}: names nothing; give a comma-separated list, or leave the flag out`,
    );
  return items;
}
