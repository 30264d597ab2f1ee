import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReturnShrinker } from '../../src/core/fill/returns.js';
import { fillValuator, type FillValuatorOptions } from '../../src/core/fill/valuator.js';
import {
  VAL_P,
  VAL_P_NEXT_BAR,
  VAL_RETURN,
  VAL_SIGMA,
  type OrderValueColumns,
  type Valuator,
} from '../../src/core/policy/valuation.js';
import type { OpenOrder } from '../../src/core/types.js';
import { CapacityLedger } from '../../src/coordinator/ledger.js';
import { trainedModel } from '../support/trained-model.js';

/**
 * The valuator's batch form remembers per candidate row what it computed (the symbol, the log distance, the
 * validity when fixed, the answers), trusting the ledger's row stamps for "same order, same price, same
 * limit". Whatever the ledger events, bars, trades, times and validity changes, every answer must equal a
 * fresh valuation of the order as it is now.
 */

const HOUR = 3_600_000;
const START = Date.parse('2024-01-02T00:00:00Z');
const TRAINED_UNTIL = Date.parse('2024-01-20T00:00:00Z');
const SYMBOLS = ['BTCUSD', 'AAPL', 'UNKNOWN'] as const;
const CLASSES = ['crypto', 'stock'] as const;

type Step =
  | { kind: 'batch'; mask: number; deferBelow?: number }
  | { kind: 'add'; symbol: number; side: 'buy' | 'sell'; distance: number; hours: number; noPrice: boolean }
  | { kind: 'remove' | 'fill'; row: number }
  | { kind: 'validity'; row: number; unknown: boolean }
  | { kind: 'quote'; symbol: number; price: number }
  | { kind: 'bar' | 'trade' }
  | { kind: 'time'; hours: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    // A decision's protection threshold lets the batch leave lower next-bar chances for later (0: none can
    // be left; absent: none may be).
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      mask: fc.nat(),
      deferBelow: fc.constantFrom(undefined, 0, 0.5, 0.999),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      symbol: fc.nat({ max: 2 }),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      // Mostly resting away from the price: a marketable order's P is 1 whatever its price does.
      distance: fc.constantFrom(-0.01, 0.002, 0.01, 0.03, 0.06),
      hours: fc.constantFrom(0.5, 2, 24, 60),
      noPrice: fc.nat({ max: 7 }).map((k) => k === 0),
    }),
    weight: 2,
  },
  fc.record({ kind: fc.constantFrom('remove' as const, 'fill' as const), row: fc.nat() }),
  {
    // A validity may also become unknown, and known again later (the same order, price and limit).
    arbitrary: fc.record({ kind: fc.constant('validity' as const), row: fc.nat(), unknown: fc.boolean() }),
    weight: 2,
  },
  fc.record({
    kind: fc.constant('quote' as const),
    symbol: fc.nat({ max: 2 }),
    price: fc.constantFrom(95, 100, 104.5),
  }),
  fc.record({ kind: fc.constantFrom('bar' as const, 'trade' as const) }),
  // A quarter hour moves `now` inside one bar: the next-bar window's variance (and answer) may carry over.
  fc.record({ kind: fc.constant('time' as const), hours: fc.constantFrom(0, 0.25, 1, 5) }),
);

/** One scenario: a ledger, a model, the validities; `step` applies one step, `check` values a batch. */
function scenario(fixed: boolean, seed: number) {
  const model = trainedModel(seed, START, TRAINED_UNTIL);
  const returns = new ReturnShrinker({ assetClasses: CLASSES });
  const validity = new Map<string, number>();
  const options: FillValuatorOptions = {
    model,
    returns,
    symbolIndex: new Map([
      ['BTCUSD', 0],
      ['AAPL', 1],
    ]),
    orderValidUntil: (o) => validity.get(o.id) ?? Number.NaN,
    orderValidityFixed: fixed,
    requestValidUntil: (_r, now) => now + HOUR,
  };
  const batch = fillValuator(options);
  const ledger = new CapacityLedger({ equity: 1e6, patternDayTrader: false }, 0);
  let now = TRAINED_UNTIL;
  let nextBar = TRAINED_UNTIL;
  let made = 0;
  const step = (s: Step): void => {
    const orders = ledger.orders;
    const at = (row: number): OpenOrder | undefined => orders[row % Math.max(1, orders.length)];
    switch (s.kind) {
      case 'add': {
        const id = `o${made++}`;
        const symbol = SYMBOLS[s.symbol]!;
        validity.set(id, now + s.hours * HOUR);
        ledger.addOrder({
          id,
          symbol,
          assetClass: symbol === 'AAPL' ? 'stock' : 'crypto',
          side: s.side,
          role: 'entry',
          limitPrice: 100 * (s.side === 'buy' ? 1 - s.distance : 1 + s.distance),
          qty: 4,
          price: s.noPrice ? null : 100,
          forecastPnl: 0,
          placedAt: now,
          probe: false,
          external: false,
        });
        return;
      }
      case 'remove': {
        const o = at(s.row);
        if (o) ledger.removeOrder(o.id);
        return;
      }
      case 'fill': {
        const o = at(s.row);
        if (o) ledger.applyFill(o.id, ledger.filled(o.id) + 1, o.limitPrice);
        return;
      }
      case 'validity': {
        // Only a session that does not promise fixed validities may change one of a resting order.
        const o = at(s.row);
        if (!o || fixed) return;
        const was = validity.get(o.id) ?? Number.NaN;
        validity.set(o.id, s.unknown ? Number.NaN : (was === was ? was : now) + 3 * HOUR);
        return;
      }
      case 'quote':
        ledger.markQuote(SYMBOLS[s.symbol]!, s.price, s.price * 1.001);
        return;
      case 'bar':
        model.onBar(0, nextBar, 100, 101, 99, 100.5, HOUR);
        nextBar += HOUR;
        now = Math.max(now, nextBar);
        return;
      case 'trade':
        returns.record(0, 0.01);
        return;
      case 'time':
        now += s.hours * HOUR;
        return;
      case 'batch':
        return;
    }
  };
  /**
   * Rows of `mask` where the batch differs from a fresh valuation; `stamps` overrides the ledger's. With
   * `deferBelow`, a next-bar chance the batch left for later must be negative, the fresh one below the
   * threshold, and the completion must write the fresh one.
   */
  const check = (
    mask: number,
    valuator: Valuator = batch,
    stamps?: Float64Array,
    deferBelow?: number,
  ): number => {
    const orders = ledger.columns.snapshot();
    const n = orders.length;
    const rows = Int32Array.from(orders.keys()).filter((i) => ((mask >> (i % 30)) & 1) === 1);
    const column = () => new Float64Array(n).fill(-1);
    const out: OrderValueColumns = {
      probability: column(),
      nextBarProbability: column(),
      expectedReturn: column(),
      sigma: column(),
    };
    const completion = valuator.valueOrders!(
      orders,
      rows,
      rows.length,
      now,
      out,
      stamps ?? ledger.columns.stamp,
      deferBelow,
    );
    const fresh = fillValuator(options);
    const one = new Float64Array(4);
    let differences = 0;
    for (const i of rows) {
      fresh.valueOrder(orders[i]!, now, one);
      const left = out.nextBarProbability[i]!;
      if (left < 0) {
        deferred++;
        if (!(deferBelow !== undefined && one[VAL_P_NEXT_BAR]! < deferBelow)) differences++;
      }
    }
    if (completion) completion(out.nextBarProbability, orders);
    for (const i of rows) {
      fresh.valueOrder(orders[i]!, now, one);
      const want = [one[VAL_P], one[VAL_P_NEXT_BAR], one[VAL_RETURN], one[VAL_SIGMA]];
      const got = [out.probability[i], out.nextBarProbability[i], out.expectedReturn[i], out.sigma[i]];
      if (!want.every((x, k) => Object.is(x, got[k]))) differences++;
      if (want[0]! > 0 && want[0]! < 1) chances++;
    }
    return differences;
  };
  let chances = 0;
  let deferred = 0;
  /** Fresh answers so far that were real chances (neither unknown, nor 0, nor 1). */
  const chancesSeen = (): number => chances;
  /** Next-bar chances the batch left for later so far. */
  const deferredSeen = (): number => deferred;
  return { step, check, chancesSeen, deferredSeen, ledger, batch, options };
}

const addArb = stepArb.filter((s) => s.kind === 'add');

/** Books of 2–8 orders (answers stored per listed row), and of 64–80 (copied by column). */
const BOOKS = [
  { min: 2, max: 8, runs: 150 },
  { min: 64, max: 80, runs: 25 },
] as const;

/**
 * A case run first whatever the seed draws: a book of far orders (6% away, valid a day), valued after each of
 * three bars under protection thresholds, so that next-bar chances are left for later (the `deferred` count
 * below).
 */
function farBook(orders: number): [Step[], Step[], number] {
  const adds: Step[] = Array.from({ length: orders }, (_, k) => ({
    kind: 'add' as const,
    symbol: k % 3,
    side: k % 2 ? ('sell' as const) : ('buy' as const),
    distance: 0.06,
    hours: 24,
    noPrice: false,
  }));
  const batch = (deferBelow: number): Step => ({ kind: 'batch', mask: 2 ** 30 - 1, deferBelow });
  // A bar between the batches: a new model version, so each batch values the next-bar chances afresh.
  const bar: Step = { kind: 'bar' };
  return [adds, [batch(0.999), bar, batch(0.5), bar, batch(0.999), bar, batch(0.999)], 0];
}

describe('the valuator batch over the ledger row stamps (fast-check, seed 5)', () => {
  for (const book of BOOKS) {
    for (const fixed of [true, false]) {
      it(`equals a fresh valuation after any ledger events, bars, trades and times (${book.min}–${book.max} orders, fixed validity: ${fixed})`, () => {
        let batches = 0;
        let chances = 0;
        let deferred = 0;
        fc.assert(
          fc.property(
            fc.array(addArb, { minLength: book.min, maxLength: book.max }),
            fc.array(stepArb, { minLength: 1, maxLength: 40 }),
            fc.nat({ max: 3 }),
            (adds, steps, seed) => {
              const s = scenario(fixed, seed);
              for (const step of [...adds, ...steps]) {
                s.step(step);
                if (step.kind !== 'batch') continue;
                expect(s.check(step.mask, s.batch, undefined, step.deferBelow)).toBe(0);
                batches++;
              }
              // Every row once more, whatever the steps left (and no chance left for later).
              expect(s.check(-1)).toBe(0);
              chances += s.chancesSeen();
              deferred += s.deferredSeen();
            },
          ),
          { seed: 5, numRuns: book.runs, examples: [farBook(Math.min(book.max, 64))] },
        );
        expect(batches).toBeGreaterThan(book.runs);
        // Many answers compared are real chances (about one per batch), so a stale one would show.
        expect(chances).toBeGreaterThan(batches / 2);
        // Far orders' next-bar chances lie in the calibration's tail: many were left for later.
        expect(deferred).toBeGreaterThan(20);
      });
    }
  }

  it('asks a validity that may change at every decision: a longer one is a higher chance at once', () => {
    const s = scenario(false, 1);
    s.step({ kind: 'add', symbol: 0, side: 'buy', distance: 0.03, hours: 2, noPrice: false });
    expect(s.check(-1)).toBe(0);
    s.step({ kind: 'validity', row: 0, unknown: false });
    expect(s.check(-1)).toBe(0);
    expect(s.chancesSeen()).toBe(2);
  });

  it('values an order whose validity became unknown and then known again in full, its expected return too', () => {
    const s = scenario(false, 1);
    s.step({ kind: 'add', symbol: 0, side: 'buy', distance: 0.03, hours: 2, noPrice: false });
    expect(s.check(-1)).toBe(0);
    s.step({ kind: 'validity', row: 0, unknown: true });
    expect(s.check(-1)).toBe(0);
    s.step({ kind: 'validity', row: 0, unknown: false });
    expect(s.check(-1)).toBe(0);
    expect(s.chancesSeen()).toBe(2);
  });

  it('would answer from an old price if the stamps did not change with it: the check above sees that', () => {
    const s = scenario(true, 1);
    s.step({ kind: 'add', symbol: 0, side: 'buy', distance: 0.03, hours: 24, noPrice: false });
    expect(s.check(-1)).toBe(0);
    const before = s.ledger.columns.stamp.slice();
    s.step({ kind: 'quote', symbol: 0, price: 104.5 });
    // A column that kept its stamp through the quote (a broken OrderColumns.setPrice).
    expect(s.check(-1, s.batch, before)).toBe(1);
    expect(s.check(-1)).toBe(0);
  });
});
