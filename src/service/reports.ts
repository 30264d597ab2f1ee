import { z } from 'zod';
import { assertValidQuote } from '../coordinator/book-checks.js';
import { ValidationError } from '../core/errors.js';
import { BadRequest, shown } from './bad-request.js';
import { ASSET_CLASSES, ORDER_ROLES, SIDES } from '../core/types.js';
import { MAX_MAGNITUDE, nonNegativeAmount, positiveAmount, signedAmount } from '../core/amounts.js';

/**
 * What a bot sends the service, as zod schemas: one source for validation (a bad field is a 400 that names
 * it) and for the OpenAPI document (the schemas are converted to JSON Schema there).
 */

const id = z.string().min(1).max(200);

/**
 * A time as epoch milliseconds. A bot that sends an ISO string or seconds is told which unit is asked for, with
 * an example, rather than only "expected number".
 */
const EPOCH_MS_EXAMPLE = 'epoch milliseconds, a whole number such as 1735689600000 for 2025-01-01T00:00:00Z';
/**
 * Below this (1973-03-03 in milliseconds) a time other than 0 is taken for seconds: every epoch second until
 * the year 5138 is below it, and no bar, order or report of a market worksteal trades is that old. (0, the
 * epoch itself, was always taken and stays so: a client's "long ago".)
 */
const SECONDS_UNTIL = 1e11;
const secondsAsIso = (input: unknown): string =>
  typeof input === 'number' ? new Date(input * 1000).toISOString() : String(input);
const epochMs = z
  .number({
    error: (issue) =>
      issue.input === undefined ? undefined : `${EPOCH_MS_EXAMPLE}, not a ${typeof issue.input}`,
  })
  .int({ message: `${EPOCH_MS_EXAMPLE}: no fraction of a millisecond` })
  .nonnegative({ message: `${EPOCH_MS_EXAMPLE}: not before 1970` })
  .max(MAX_MAGNITUDE, { message: `above ${MAX_MAGNITUDE}: epoch milliseconds of a time to come` })
  .refine((ms) => ms <= 0 || ms >= SECONDS_UNTIL, {
    error: (issue) =>
      `${EPOCH_MS_EXAMPLE}: ${String(issue.input)} reads as a time in 1970-1973, which is seconds sent as ` +
      `milliseconds (${String(issue.input)} s is ${secondsAsIso(issue.input)}): multiply by 1000`,
  });

/**
 * Why a number is not a time as a body takes one (epochMs: whole milliseconds, not before 1970, not seconds), or
 * null when it is: the query's times are held to the same rule (query-params.ts).
 */
export function epochMsProblem(ms: number): string | null {
  const parsed = epochMs.safeParse(ms);
  return parsed.success ? null : parsed.error.issues.map((i) => i.message).join('; ');
}

export const entryRequestSchema = z
  .object({
    symbol: z.string().min(1).max(64).describe('the watcher symbol, e.g. BTC/USD or AAPL'),
    assetClass: z.enum(ASSET_CLASSES),
    side: z.enum(SIDES),
    limitPrice: positiveAmount.describe('the entry limit the watcher wants to rest'),
    qty: positiveAmount,
    price: positiveAmount.describe('reference price now: the ask for a buy, the bid for a sell'),
    forecastPnl: signedAmount.describe('forecast PnL of the order if it fills (account currency)'),
    cryptoRank: z
      .number()
      .int()
      .positive()
      .nullable()
      .default(null)
      .describe('1-based forecast rank among cryptos'),
  })
  .strict();

/** One order as the bot placed it (inside a saga, or outside worksteal: by hand, another program). */
export const orderSchema = z
  .object({
    id: id.describe("the venue's order id"),
    clientOrderId: id.optional().describe('the client order id it was placed with, if any'),
    symbol: z.string().min(1).max(64),
    assetClass: z.enum(ASSET_CLASSES),
    side: z.enum(SIDES),
    role: z.enum(ORDER_ROLES).default('entry'),
    limitPrice: positiveAmount,
    qty: positiveAmount,
    price: positiveAmount.nullable().default(null).describe('reference price now; null: never a victim'),
    forecastPnl: signedAmount.default(0),
    placedAt: epochMs.optional().describe('epoch ms; default: when reported'),
    probe: z.boolean().default(false),
    external: z.boolean().default(false).describe('not placed by the bot that asks worksteal: never touched'),
  })
  .strict();

const eventId = id.optional().describe('idempotency key: a report sent twice with the same key counts once');

/**
 * The venue's time of a report (docs/service.md "Position snapshots and fills"): a position snapshot older than
 * the one held changes nothing, and a fill dated at or before the snapshot is inside it (counted once).
 */
const asOf = epochMs.optional();

/** Order events: what happened at the venue, outside or inside a saga. The ledger follows these. */
export const orderEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('placed'), eventId, order: orderSchema }).strict(),
  z
    .object({
      kind: z.literal('fill'),
      eventId,
      orderId: id,
      filledQty: positiveAmount.describe('cumulative filled quantity of the order'),
      fillPrice: positiveAmount,
      asOf: asOf.describe(
        "epoch ms, the venue's time of this fill (its cumulative quantity as of then); set it when you also " +
          'send dated position snapshots. Omitted: it counts as it arrives (it moves the position)',
      ),
    })
    .strict(),
  z
    .object({
      kind: z.literal('cancelled'),
      eventId,
      orderId: id,
      filledQty: nonNegativeAmount
        .default(0)
        .describe('cumulative quantity filled before the cancel took effect'),
      fillPrice: positiveAmount.optional(),
      asOf: asOf.describe(
        "epoch ms, the venue's time of the cancel; as a fill's asOf. Omitted: counts as it arrives",
      ),
    })
    .strict(),
  z
    .object({
      kind: z.literal('quote'),
      eventId,
      symbol: z.string().min(1),
      bid: positiveAmount,
      ask: positiveAmount,
      asOf: asOf.describe(
        'epoch ms, when the venue made the quote (its timestamp); a quote made before the one held changes nothing. Omitted: when it arrives',
      ),
    })
    .strict(),
  z
    .object({
      kind: z.literal('account'),
      eventId,
      equity: signedAmount.describe(
        'account equity; 0 or below (a wiped-out account) is taken as reported, and nothing is placed',
      ),
      patternDayTrader: z
        .boolean()
        .optional()
        .describe('whether the venue flags the account a pattern day trader; omitted: unchanged'),
      cash: signedAmount.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('position'),
      eventId,
      symbol: z.string().min(1),
      assetClass: z.enum(ASSET_CLASSES),
      qty: signedAmount.describe('signed: negative is short; 0 closes it'),
      price: positiveAmount,
      asOf: asOf.describe(
        "epoch ms, the venue's time the snapshot was taken: one older than the snapshot held changes nothing, " +
          'fills dated at or before it are inside it (counted once), fills dated after it and reported before it ' +
          'stay counted. Omitted: the snapshot replaces the position as it arrives',
      ),
    })
    .strict(),
]);

/** Answers to what a saga waits for: the confirmation of a cancel, or the placement of the stealer's order. */
export const sagaReportSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('cancelled'),
      orderId: id,
      filledQty: nonNegativeAmount
        .default(0)
        .describe('cumulative quantity that filled before the cancel took effect'),
      fillPrice: positiveAmount.optional(),
      asOf: asOf.describe(
        "epoch ms, the venue's time of the cancel; as an order event's asOf (set it when you send dated " +
          'position snapshots: a fill inside a newer snapshot then counts once). Omitted: counts as it arrives',
      ),
    })
    .strict(),
  z
    .object({
      kind: z.literal('filled'),
      orderId: id,
      filledQty: positiveAmount.describe('the order filled completely before the cancel could act'),
      fillPrice: positiveAmount,
      asOf: asOf.describe("epoch ms, the venue's time of the fill; as the cancel's asOf"),
    })
    .strict(),
  z.object({ kind: z.literal('cancel-rejected'), orderId: id, reason: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('placed'),
      clientOrderId: id,
      orderId: id,
      qty: positiveAmount
        .optional()
        .describe(
          'the quantity placed, when the venue took another than asked (a rounded size); default: as asked',
        ),
      limitPrice: positiveAmount
        .optional()
        .describe('the limit placed, when it is not the one asked; default: as asked'),
    })
    .strict(),
  z.object({ kind: z.literal('place-rejected'), clientOrderId: id, reason: z.string().min(1) }).strict(),
]);

export type EntryRequestBody = z.infer<typeof entryRequestSchema>;
export type OrderBody = z.infer<typeof orderSchema>;
export type OrderEventBody = z.infer<typeof orderEventSchema>;
export type SagaReportBody = z.infer<typeof sagaReportSchema>;

/**
 * The widest quote taken: ask / bid at most 1.5. Real spreads are a fraction of a percent (a thin stock before
 * the open, a small coin: a few percent); a bid of 1e-7 under an ask of 1e15 is a placeholder or a unit
 * mistake, and taken it sets every order's distance to its limit (the ask for a buy, the bid for a sell) and
 * marks positions at the midpoint, so a steal would be decided on a price nobody can trade at. 50% is far
 * beyond any market a margin account trades and still below a factor of two, the smallest unit slip.
 */
export const MAX_QUOTE_SPREAD = 1.5;

/**
 * A wider ratio is taken when the spread is narrow in money: at a price of a few ticks one tick is a large
 * ratio (a penny stock at 0.01 / 0.02, a coin at 1e-8 / 2e-8 were refused, the stale quote kept). At most a
 * cent apart (a US stock's tick above $1) and 10 times the bid: a unit slip between the sides is 100 or more.
 */
export const NARROW_QUOTE = 0.01;
export const MAX_TICK_QUOTE_RATIO = 10;

/** Whether no market quotes this (not crossed, which the ledger checks): too wide in ratio and in money. */
const tooWide = (bid: number, ask: number): boolean =>
  ask > bid * MAX_QUOTE_SPREAD && (ask - bid > NARROW_QUOTE || ask > bid * MAX_TICK_QUOTE_RATIO);

/**
 * An event's values that no state makes right, checked before anything is written: a crossed quote (the
 * ledger's rule, 400 naming the bid, its value and the ask) or one too wide (tooWide: 400 naming the ask).
 */
export function refuseImpossibleEvent(body: OrderEventBody): void {
  if (body.kind !== 'quote') return;
  const subject = `quote for ${body.symbol}, nothing changed`;
  try {
    assertValidQuote(body.symbol, body.bid, body.ask);
  } catch (error) {
    throw error instanceof ValidationError ? BadRequest.from(error, subject) : error;
  }
  if (!tooWide(body.bid, body.ask)) return;
  throw new BadRequest(
    [
      {
        field: 'ask',
        message:
          `${body.ask} is ${shown(body.ask / body.bid)} times the bid ${body.bid}; a quote's ask is at most ` +
          `${MAX_QUOTE_SPREAD} times its bid, or (a price of a few ticks) at most ${NARROW_QUOTE} above it and ` +
          `${MAX_TICK_QUOTE_RATIO} times it (check both sides' units, or send no quote until both are known)`,
        value: body.ask,
      },
    ],
    subject,
  );
}

/** What the venue holds of a placement the bot reported: the quantity and limit it placed, where they differ. */
export function asPlaced(body: SagaReportBody & { kind: 'placed' }): { qty?: number; limitPrice?: number } {
  return {
    ...(body.qty === undefined ? {} : { qty: body.qty }),
    ...(body.limitPrice === undefined ? {} : { limitPrice: body.limitPrice }),
  };
}
