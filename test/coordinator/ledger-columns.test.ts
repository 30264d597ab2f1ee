import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/policy/decide.js';
import { OrderColumns } from '../../src/core/policy/order-columns.js';
import { decisionRecord } from '../../src/core/policy/record.js';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import type { OpenOrder } from '../../src/core/types.js';
import { CapacityLedger } from '../../src/coordinator/ledger.js';
import { bookArb, bookInput, requestArb } from '../support/arbitraries.js';
import { config } from '../support/builders.js';

/**
 * The ledger keeps its open orders in column form (OrderColumns) for decide(), changing them at every order
 * event. Whatever the events, the columns must equal columns built fresh from the ledger's orders, and a
 * decision over them must equal a decision over a fresh copy of the orders; a decision kept from before
 * later events must still read as it did.
 */

const RUNS = { seed: 11, numRuns: 150 } as const;
const SYMBOLS = ['BTCUSD', 'ETHUSD', 'AAPL', 'MSFT', 'NVDA'] as const;

type Event =
  | { kind: 'add'; from: number }
  | { kind: 'remove'; row: number }
  | { kind: 'fill'; row: number; share: number }
  | { kind: 'quote'; symbol: string; bid: number; spread: number }
  | { kind: 'reset'; keep: number; from: number };

const rowArb = fc.nat({ max: 30 });
const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), from: rowArb }),
  fc.record({ kind: fc.constant('remove' as const), row: rowArb }),
  fc.record({ kind: fc.constant('fill' as const), row: rowArb, share: fc.constantFrom(0.25, 0.5, 1) }),
  fc.record({
    kind: fc.constant('quote' as const),
    symbol: fc.constantFrom(...SYMBOLS),
    bid: fc.constantFrom(2.5, 10, 40, 99.5, 100, 250, 1000),
    spread: fc.constantFrom(0, 0.001, 0.01),
  }),
  fc.record({ kind: fc.constant('reset' as const), keep: fc.nat({ max: 5 }), from: rowArb }),
);

/** A book, orders to add, events and a request; the book's orders, among `symbols`, number in `orders`. */
const caseArbOf = (symbols: readonly string[], orders: { min: number; max: number; fit: boolean }) =>
  fc
    .record({
      book: bookArb({
        minOrders: orders.min,
        maxOrders: orders.max,
        symbols: [...symbols],
        fitBufferPct: orders.fit ? 0 : undefined,
      }),
      pool: bookArb({ minOrders: 1, maxOrders: 8, symbols: [...symbols] }).map((b) => b.orders),
      events: fc.array(eventArb, { minLength: 1, maxLength: 15 }),
    })
    .chain((c) => {
      const requests = requestArb({ equity: c.book.equity, distances: [0, 0.001], symbols: SYMBOLS });
      // Mostly buys: a sell of crypto, or of an account too small for margin, is refused as a short before
      // the table is built, and for every event of the case.
      return fc
        .oneof(
          { weight: 4, arbitrary: requests.filter((r) => r.side === 'buy') },
          { weight: 1, arbitrary: requests },
        )
        .map((request) => ({
          ...c,
          // Twice the size: mostly short of margin, so the decisions build the candidate table.
          request: { ...request, qty: request.qty * 2 },
        }));
    });
const caseArb = caseArbOf(SYMBOLS, { min: 2, max: 12, fit: true });
/**
 * Books of about 64 orders and more, whose candidate tables read distance, margin and notional in the
 * columns themselves (lent, copied by the columns before they change): many stock symbols, since a book
 * has one entry per symbol and side, and not fitted under the equity (mostly over it: steal decisions).
 */
const LARGE_SYMBOLS = [...SYMBOLS, ...Array.from({ length: 40 }, (_, k) => `S${k}`)];
const largeCaseArb = caseArbOf(LARGE_SYMBOLS, { min: 80, max: 110, fit: false });

/**
 * Row stamps: a row whose stamp was seen before still holds the order it held then, at the same price and
 * limit, and no two rows share one. `seen` remembers what each stamp named.
 */
function expectStampsHold(
  columns: OrderColumns,
  seen: Map<number, { order: OpenOrder; price: number | null; limit: number }>,
  stamps: Float64Array = columns.stamp,
): void {
  const rows = new Set<number>();
  for (let i = 0; i < columns.length; i++) {
    const o = columns.order(i)!;
    const stamp = stamps[i]!;
    expect(rows.has(stamp), `row ${i} shares its stamp`).toBe(false);
    rows.add(stamp);
    const then = seen.get(stamp);
    if (then) expect({ order: o, price: o.price, limit: o.limitPrice }).toEqual(then);
    else seen.set(stamp, { order: o, price: o.price, limit: o.limitPrice });
    if (then) expect(then.order).toBe(o);
  }
}

function apply(ledger: CapacityLedger, e: Event, pool: readonly OpenOrder[], serial: number): void {
  const orders = ledger.orders;
  const at = (row: number): OpenOrder | undefined => orders[row % Math.max(1, orders.length)];
  switch (e.kind) {
    case 'add':
      ledger.addOrder({ ...pool[e.from % pool.length]!, id: `n${serial}` });
      return;
    case 'remove': {
      const o = at(e.row);
      if (o) ledger.removeOrder(o.id);
      return;
    }
    case 'fill': {
      const o = at(e.row);
      if (o) ledger.applyFill(o.id, ledger.filled(o.id) + o.qty * e.share, o.limitPrice);
      return;
    }
    case 'quote':
      ledger.markQuote(e.symbol, e.bid, e.bid * (1 + e.spread));
      return;
    case 'reset': {
      // The broker's truth: some of our orders (re-read, their quantity changed), and one it knows of alone.
      const kept = orders.slice(0, e.keep).map((o) => ({ ...o, qty: o.qty / 2, price: null }));
      const theirs = { ...pool[e.from % pool.length]!, id: `r${serial}` };
      ledger.reset({ account: ledger.account, orders: [...kept, theirs], positions: [] });
      return;
    }
  }
}

/** The ledger's columns equal fresh columns of its orders, row for row (symbols by name). */
function expectColumnsOfOrders(ledger: CapacityLedger): void {
  const kept = ledger.columns;
  const orders = ledger.orders;
  const fresh = OrderColumns.of(orders);
  // The same requirements and protection at every check: the ledger's columns keep margin and reasons
  // row by row as the orders change, the fresh ones compute them from scratch.
  kept.prepare(0.0015, 0.5, 1);
  fresh.prepare(0.0015, 0.5, 1);
  expect(kept.length).toBe(orders.length);
  expect(kept.ours).toBe(fresh.ours);
  for (const o of orders) expect(o.placedAt).toBeLessThanOrEqual(kept.latestPlacedAt);
  expect(kept.snapshot()).toEqual(orders);
  const n = orders.length;
  const rows = (c: Float64Array | Uint8Array): number[] => Array.from(c.subarray(0, n));
  const names = [
    ...(['price', 'limit', 'distance', 'notional', 'placedAt', 'forecastPnl', 'margin'] as const),
    ...(['cryptoEntryNotional', 'stockEntryNotional', 'flags', 'reason'] as const),
  ];
  for (const name of names) expect(rows(kept[name]), name).toEqual(rows(fresh[name]));
  for (let i = 0; i < n; i++) {
    expect(kept.order(i)).toBe(orders[i]);
    expect(kept.symbol[i]).toBe(kept.symbolId(orders[i]!.symbol));
  }
  const a = new Float64Array(2);
  const b = new Float64Array(2);
  kept.heldNotional(3.5, 7.25, a);
  fresh.heldNotional(3.5, 7.25, b);
  expect(Array.from(a)).toEqual(Array.from(b));
}

describe('the ledger keeps its order columns (fast-check, seed 11)', () => {
  it('equal columns built fresh from its orders after any add, remove, fill, quote and reset', () => {
    let events = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const ledger = new CapacityLedger({ equity: c.book.equity, patternDayTrader: false }, 0);
        const seen = new Map<number, { order: OpenOrder; price: number | null; limit: number }>();
        for (const o of c.book.orders) ledger.addOrder(o);
        expectColumnsOfOrders(ledger);
        expectStampsHold(ledger.columns, seen);
        c.events.forEach((e, k) => {
          apply(ledger, e, c.pool, k);
          expectColumnsOfOrders(ledger);
          expectStampsHold(ledger.columns, seen);
          events++;
        });
      }),
      RUNS,
    );
    expect(events).toBeGreaterThan(RUNS.numRuns);
  });

  it('would see a stamp kept through a quote (a broken setPrice): the check above fails then', () => {
    const ledger = new CapacityLedger({ equity: 1e6, patternDayTrader: false }, 0);
    const seen = new Map<number, { order: OpenOrder; price: number | null; limit: number }>();
    ledger.addOrder({
      id: 'a',
      symbol: 'BTCUSD',
      assetClass: 'crypto',
      side: 'buy',
      role: 'entry',
      limitPrice: 97,
      qty: 1,
      price: 100,
      forecastPnl: 0,
      placedAt: 0,
      probe: false,
      external: false,
    });
    expectStampsHold(ledger.columns, seen);
    const before = ledger.columns.stamp.slice();
    ledger.markQuote('BTCUSD', 101, 101.5);
    expect(() => expectStampsHold(ledger.columns, seen, before)).toThrow();
    expectStampsHold(ledger.columns, seen);
  });

  it('keep every row as they grow past their first capacity (16 rows) one order at a time', () => {
    fc.assert(
      fc.property(bookArb({ minOrders: 17, maxOrders: 40, symbols: [...SYMBOLS] }), (book) => {
        const ledger = new CapacityLedger({ equity: book.equity, patternDayTrader: false }, 0);
        for (const o of book.orders) {
          ledger.addOrder(o);
          expectColumnsOfOrders(ledger);
        }
      }),
      { seed: 11, numRuns: 20 },
    );
  });

  const keptDecisions = (arb: typeof caseArb, runs: { seed: number; numRuns: number }): number => {
    let tables = 0;
    fc.assert(
      fc.property(arb, (c) => {
        const cfg = config({});
        const history = new StealHistory(cfg);
        const ledger = new CapacityLedger({ equity: c.book.equity, patternDayTrader: false }, 0);
        for (const o of c.book.orders) ledger.addOrder(o);
        // The session opens and closes between events: the requirements change under the kept columns.
        let sessionOpen = c.book.sessionOpen;
        const decideWith = (orders: readonly OpenOrder[], columns?: OrderColumns) =>
          decide(
            {
              ...bookInput(c.book, { sessionOpen, orders }),
              columns,
              history,
              request: c.request,
            },
            cfg,
          );
        const kept: [ReturnType<typeof decide>, ReturnType<typeof decisionRecord>][] = [];
        const check = (): void => {
          const d = decideWith(ledger.orders, ledger.columns);
          const record = decisionRecord(d);
          expect(record).toEqual(decisionRecord(decideWith(ledger.orders.map((o) => ({ ...o })))));
          kept.push([d, record]);
          if (d.candidates) tables += d.candidates.orders.length >= minRows ? 1 : 0;
        };
        check();
        c.events.forEach((e, k) => {
          apply(ledger, e, c.pool, k);
          if (k % 3 === 2) sessionOpen = !sessionOpen;
          check();
        });
        for (const [d, record] of kept) expect(decisionRecord(d)).toEqual(record);
      }),
      runs,
    );
    return tables;
  };
  let minRows = 0;

  it('give the decisions over a fresh copy, and decisions kept from before later events read as they did', () => {
    minRows = 0;
    expect(keptDecisions(caseArb, RUNS)).toBeGreaterThan(RUNS.numRuns);
  });

  it('the same with books of 64 orders and more, whose tables read the columns in place', () => {
    minRows = 64;
    const runs = { seed: 11, numRuns: 30 };
    expect(keptDecisions(largeCaseArb, runs)).toBeGreaterThan(runs.numRuns);
  });
});
