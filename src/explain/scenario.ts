import { z } from 'zod';
import { positiveAmount, signedAmount } from '../core/amounts.js';
import { newYorkDay, type ExchangeCalendar } from '../core/calendar/index.js';
import { PRESET_NAMES } from '../core/config/presets.js';
import { suggestKey } from '../core/config/schema-keys.js';
import { didYouMean } from '../core/similar.js';
import { printable, ValidationError, type Issue } from '../core/errors.js';
import type { EntryRequest, OpenOrder, Position, StealEvent, TimeMs } from '../core/types.js';
import { parseIsoTime, type IsoResult } from '../marketdata/timeparse.js';

/**
 * The `explain` scenario: a contract (README "Scenario format"). Validated strictly; every error names the
 * field path and the bad value.
 */
const isoTime = z.string().refine(
  // `i`: `t` and `z` in lower case too, as RFC 3339 §5.6 allows (the pattern's only letters).
  (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && realTime(s),
  {
    message: 'must be an ISO-8601 time with a zone on a real day, e.g. 2025-01-15T15:00:00Z',
  },
);

/** A time the bar loader's parser reads (a real day and hour): Date.parse rolls 2025-02-30 over to March. */
function realTime(s: string): boolean {
  const iso: IsoResult = { offsetMin: Number.NaN, hasTime: false };
  return !Number.isNaN(parseIsoTime(Buffer.from(s, 'utf8'), 0, Buffer.byteLength(s), iso));
}
/** Ids and symbols are printed in the decision record: no control or bidi characters that a terminal obeys. */
const name = z
  .string()
  .min(1)
  .refine((s) => printable(s) === s, {
    message: 'must not contain control or bidirectional-override characters',
  });
const assetClass = z.enum(['crypto', 'stock']);
const side = z.enum(['buy', 'sell']);

const orderSchema = z.strictObject({
  id: name,
  symbol: name,
  assetClass,
  side,
  role: z.enum(['entry', 'take-profit', 'stop', 'exit']).default('entry'),
  limitPrice: positiveAmount,
  qty: positiveAmount,
  price: positiveAmount.nullable(),
  forecastPnl: signedAmount.default(0),
  placedAt: isoTime.optional(),
  probe: z.boolean().default(false),
  external: z.boolean().default(false),
  /** Until when the order's signal holds (value rankings: the fill chance is over the time left). */
  validUntil: isoTime.optional(),
});

const scenarioSchema = z.strictObject({
  now: isoTime,
  preset: z.string().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  /** Override the calendar: force the US regular session open or closed at `now`. */
  sessionOpen: z.boolean().optional(),
  account: z.strictObject({
    equity: signedAmount,
    patternDayTrader: z.boolean().default(false),
    cash: signedAmount.optional(),
  }),
  positions: z
    .array(z.strictObject({ symbol: name, assetClass, qty: signedAmount, price: positiveAmount }))
    .default([]),
  openOrders: z.array(orderSchema).default([]),
  history: z.array(z.strictObject({ at: isoTime, thief: name, victim: name })).default([]),
  request: z.strictObject({
    symbol: name,
    assetClass,
    side,
    limitPrice: positiveAmount,
    qty: positiveAmount,
    price: positiveAmount,
    forecastPnl: signedAmount.default(0),
    cryptoRank: z.number().int().min(1).nullable().default(null),
    validUntil: isoTime.optional(),
  }),
});

export interface Scenario {
  now: number;
  preset?: string;
  config?: Record<string, unknown>;
  sessionOpen?: boolean;
  account: { equity: number; patternDayTrader: boolean; cash?: number };
  positions: Position[];
  openOrders: OpenOrder[];
  history: StealEvent[];
  request: EntryRequest;
  /**
   * Until when the request and each open order (by id) stay valid, where the scenario says so (value
   * rankings only: a fill chance is over the time left; explain's default is one bar after `now`).
   */
  validUntil?: { request: TimeMs | null; orders: ReadonlyMap<string, TimeMs> };
}

/**
 * Validate a scenario. With `calendar`, a `now` outside the calendar's years is an error (the calendar would
 * call every such time "closed"), unless `sessionOpen` says whether the session is open.
 */
export function parseScenario(
  raw: unknown,
  source = 'scenario',
  calendar?: Pick<ExchangeCalendar, 'name' | 'firstDay' | 'lastDay'>,
): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issues: Issue[] = parsed.error.issues.flatMap((issue) => {
      const path = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        // One error per unknown field, each with the closest known field when one is close enough.
        return (issue as { keys: string[] }).keys.map((key) => {
          const guess = didYouMean(suggestKey(scenarioSchema, path, key));
          return {
            where: `${source} ${[...path, key].join('.')}`,
            message: `unknown field; ${guess ? `${guess} Otherwise remove it` : 'remove it or fix the spelling (known fields are in the README)'}`,
          };
        });
      }
      return {
        where: `${source} ${path.join('.') || '(root)'}`,
        message: issue.message,
        value: valueAt(raw, path),
      };
    });
    throw new ValidationError('Invalid scenario', issues);
  }
  const s = parsed.data;
  const now = Date.parse(s.now);
  const problems: Issue[] = [];
  if (calendar && s.sessionOpen === undefined) {
    // Years, not days: a sessions file lists open days only, so a day between its years is simply closed.
    const year = newYorkDay(now).slice(0, 4);
    const [first, last] = [calendar.firstDay.slice(0, 4), calendar.lastDay.slice(0, 4)];
    if (year < first || year > last) {
      problems.push({
        where: `${source} now`,
        message: `is outside the years of the ${calendar.name} calendar (${first}-${last}); use a time within them, pass --calendar with sessions for that year, or set sessionOpen`,
        value: s.now,
      });
    }
  }
  const ids = new Set<string>();
  s.openOrders.forEach((o, i) => {
    if (ids.has(o.id))
      problems.push({
        where: `${source} openOrders.${i}.id`,
        message: 'duplicate order id; ids must be unique',
        value: o.id,
      });
    ids.add(o.id);
    if (o.placedAt !== undefined && Date.parse(o.placedAt) > now) {
      problems.push({
        where: `${source} openOrders.${i}.placedAt`,
        message: `order ${o.id} is placed after now (${s.now}); an order cannot rest before it was placed`,
        value: o.placedAt,
      });
    }
    const expired = validityProblem(o.validUntil, now, s.now, `order ${o.id}`);
    if (expired) problems.push({ where: `${source} openOrders.${i}.validUntil`, ...expired });
  });
  const expired = validityProblem(s.request.validUntil, now, s.now, 'the request');
  if (expired) problems.push({ where: `${source} request.validUntil`, ...expired });
  // Checked here, where the file and key are known: later the name reaches loadConfig as if it were --preset.
  if (s.preset !== undefined && !(PRESET_NAMES as readonly string[]).includes(s.preset))
    problems.push({
      where: `${source} preset`,
      message: `must be one of ${PRESET_NAMES.join(', ')}`,
      value: s.preset,
    });
  if (problems.length) throw new ValidationError('Invalid scenario', problems);
  return {
    now,
    ...(s.preset === undefined ? {} : { preset: s.preset }),
    // The config as written, not zod's copy: a copy assigns keys, which turns `__proto__` into a prototype
    // change; resolveConfig refuses such keys when it sees them.
    ...(s.config === undefined ? {} : { config: (raw as { config: Record<string, unknown> }).config }),
    ...(s.sessionOpen === undefined ? {} : { sessionOpen: s.sessionOpen }),
    account: s.account,
    positions: s.positions,
    openOrders: s.openOrders.map(({ validUntil: _until, ...o }) => ({
      ...o,
      placedAt: o.placedAt ? Date.parse(o.placedAt) : now,
    })),
    history: s.history.map((h) => ({ ...h, at: Date.parse(h.at) })),
    request: (({ validUntil: _until, ...r }) => r)(s.request),
    validUntil: {
      request: s.request.validUntil === undefined ? null : Date.parse(s.request.validUntil),
      orders: new Map(
        s.openOrders.flatMap((o): [string, TimeMs][] =>
          o.validUntil === undefined ? [] : [[o.id, Date.parse(o.validUntil)]],
        ),
      ),
    },
  };
}

/** A validity that has already ended leaves no time to fill: the scenario is contradictory, not a zero chance. */
function validityProblem(
  validUntil: string | undefined,
  now: TimeMs,
  nowText: string,
  what: string,
): Omit<Issue, 'where'> | null {
  if (validUntil === undefined || Date.parse(validUntil) > now) return null;
  return {
    message: `${what} stopped being valid at or before now (${nowText}); give a validUntil after now, or leave it out for the default (one bar after now)`,
    value: validUntil,
  };
}

function valueAt(raw: unknown, path: string[]): unknown {
  let v: unknown = raw;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}
