import { CliError } from './errors.js';

/** A `--from`/`--to` style flag: a UTC date (2023-01-01) or an ISO time; undefined when not given. */
export function parseDateFlag(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const withZone = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw;
  const t = Date.parse(withZone);
  if (Number.isNaN(t)) {
    throw new CliError(
      `${flag} ${JSON.stringify(raw)} is not a date; use e.g. 2023-01-01 or 2023-01-01T12:00:00Z`,
    );
  }
  return t;
}
