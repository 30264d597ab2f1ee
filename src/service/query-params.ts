import { closestNames, didYouMean } from '../core/similar.js';
import { parseIsoTime, type IsoResult } from '../marketdata/timeparse.js';
import { BadRequest } from './bad-request.js';
import { epochMsProblem } from './reports.js';

/**
 * The query parameters of the HTTP API, checked as strictly as a body (docs/service.md "Bad requests"): a
 * parameter the endpoint does not take, one given twice, or a value it cannot read is a 400 that names the
 * parameter, the value sent and what to send. Each was read silently before: `?limt=5` as no limit,
 * `?since=-5` and `?since=1735689600` (seconds) as every decision, `?limit=5&limit=500` as 5.
 */

type Query = URLSearchParams | null;

/**
 * Refuse a query parameter the endpoint does not take (naming it, the closest one it takes and all it takes),
 * and one given more than once (which of the values counts would be a guess, as for a key twice in a body).
 */
export function onlyParams(query: Query, path: string, takes: readonly string[]): void {
  if (query === null) return;
  const names = [...new Set(query.keys())];
  const candidates = takes.map((name) => ({ label: name, name }));
  const list = takes.length ? `${path} takes ${takes.join(', ')}` : `${path} takes no query parameters`;
  const issues: BadRequest['issues'] = [];
  for (const name of names) {
    const values = query.getAll(name);
    const value = values.length === 1 ? values[0] : values;
    if (!takes.includes(name)) {
      const guess = didYouMean(closestNames(name, candidates));
      issues.push({
        field: name,
        message: `unknown query parameter; ${guess ? `${guess} ` : ''}${list}`,
        value,
      });
    } else if (values.length > 1)
      issues.push({
        field: name,
        message: `given ${values.length} times; only one value can count: send ${name} once`,
        value,
      });
  }
  if (issues.length) throw new BadRequest(issues, `query of ${path}`);
}

/** `?explain=true` or `false` (absent: false); anything else was ignored silently and is refused. */
export function explainParam(query: Query): boolean {
  const raw = query?.get('explain') ?? null;
  if (raw === null || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new BadRequest([
    { field: 'explain', message: 'must be true or false (or left out: false)', value: raw },
  ]);
}

const SINCE_EXAMPLE = 'e.g. since=1735689600000 or since=2025-01-01T00:00:00Z';

/**
 * `?since=`: epoch milliseconds, checked as a time in a body is (reports.ts epochMsProblem: whole, not before
 * 1970, not seconds), or an ISO-8601 date (UTC) or time with a zone; absent or empty: 0, every decision.
 */
export function sinceParam(query: Query): number {
  const raw = query?.get('since') ?? null;
  if (raw === null || raw === '') return 0;
  const refuse = (message: string): never => {
    throw new BadRequest([{ field: 'since', message, value: raw }]);
  };
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw)) {
    const ms = Number(raw);
    const problem = epochMsProblem(ms);
    if (problem !== null) refuse(`${problem} (or an ISO-8601 time; ${SINCE_EXAMPLE})`);
    return ms;
  }
  const iso: IsoResult = { offsetMin: Number.NaN, hasTime: false };
  const wall = parseIsoTime(Buffer.from(raw, 'utf8'), 0, Buffer.byteLength(raw), iso);
  if (Number.isNaN(wall))
    refuse(
      'neither epoch milliseconds nor an ISO-8601 date or time (YYYY-MM-DD, a real day; then optionally ' +
        `THH:MM[:SS] and a zone such as Z or +02:00); ${SINCE_EXAMPLE}`,
    );
  if (iso.hasTime && Number.isNaN(iso.offsetMin))
    refuse(
      `a time without a zone, which could be any of 24 times: add Z (UTC) or an offset; ${SINCE_EXAMPLE}`,
    );
  const ms = wall - (Number.isNaN(iso.offsetMin) ? 0 : iso.offsetMin * 60_000);
  if (ms < 0) refuse(`before 1970, where no time of the service lies; ${SINCE_EXAMPLE}`);
  return ms;
}

const MAX_LIMIT = 10_000;

/** `?limit=`: a whole number of decisions from 1 to 10,000 (absent or empty: 1,000). */
export function limitParam(query: Query): number {
  const raw = query?.get('limit') ?? null;
  if (raw === null || raw === '') return 1000;
  const n = Number(raw);
  if (/^\d+$/.test(raw) && n >= 1 && n <= MAX_LIMIT) return n;
  throw new BadRequest([
    {
      field: 'limit',
      message:
        `must be a whole number from 1 to ${MAX_LIMIT}; for more decisions, ask again with since= the last ` +
        "one's time (that one comes again)",
      value: raw,
    },
  ]);
}
