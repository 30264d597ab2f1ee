import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkstealConfig } from '../../src/core/config/schema.js';
import { decide } from '../../src/core/policy/decide.js';
import type { Decision } from '../../src/core/policy/decision.js';
import { OrderColumns } from '../../src/core/policy/order-columns.js';
import { decisionRecord } from '../../src/core/policy/record.js';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import type { EntryRequest, OpenOrder, StealEvent } from '../../src/core/types.js';
import {
  bookArb,
  bookInput,
  historyArb,
  policyConfigArb,
  requestArb,
  type Book,
} from '../support/arbitraries.js';
import { config, decideIn, order, request } from '../support/builders.js';

/**
 * The coordinator passes decide() one order list for its whole life and changes it between decisions in
 * place: prices and quantities on the order objects, swap-removal, new orders appended. Anything decide()
 * remembers between calls to go faster (a copy of the list, facts per row, valuations per row) must not
 * change an answer. These properties drive one long-lived list through those changes (and an order moved to
 * another row, a row given a different object with the same id) and check every decision against the same
 * decision over a fresh copy, and that decisions kept from before the changes still read as they did.
 * The same holds for decisions over columns kept with the list (OrderColumns, as the ledger keeps them).
 */

const RUNS = { seed: 7, numRuns: 150 } as const;
const HOT = ['BTCUSD', 'ETHUSD', 'AAPL', 'MSFT'] as const;

type Step =
  | { kind: 'price'; row: number; factor: number }
  | { kind: 'qty'; row: number; factor: number }
  | { kind: 'limit'; row: number; factor: number }
  | { kind: 'remove'; row: number }
  | { kind: 'add'; from: number }
  | { kind: 'replace'; row: number; from: number }
  | { kind: 'move'; row: number; to: number };

const factorArb = fc.constantFrom(0.97, 0.995, 1, 1.004, 1.02, 1.5);
const rowArb = fc.nat({ max: 40 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('price' as const), row: rowArb, factor: factorArb }),
  fc.record({ kind: fc.constant('qty' as const), row: rowArb, factor: factorArb }),
  fc.record({ kind: fc.constant('limit' as const), row: rowArb, factor: factorArb }),
  fc.record({ kind: fc.constant('remove' as const), row: rowArb }),
  fc.record({ kind: fc.constant('add' as const), from: rowArb }),
  fc.record({ kind: fc.constant('replace' as const), row: rowArb, from: rowArb }),
  fc.record({ kind: fc.constant('move' as const), row: rowArb, to: rowArb }),
);

interface Case {
  book: Book;
  /** Orders that steps add or put in place of others (other symbols, sides, roles and flags). */
  pool: readonly OpenOrder[];
  request: EntryRequest;
  history: StealEvent[];
  overrides: Partial<WorkstealConfig>;
  steps: Step[];
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    book: bookArb({ minOrders: 3, maxOrders: 14, symbols: [...HOT, 'SOLUSD', 'NVDA'], fitBufferPct: 0 }),
    pool: bookArb({ minOrders: 1, maxOrders: 8 }).map((b) => b.orders),
    overrides: policyConfigArb,
    history: historyArb({ symbols: HOT, maxEvents: 12, maxSecBefore: 3600 }),
    steps: fc.array(stepArb, { minLength: 1, maxLength: 12 }),
  })
  .chain((c) => {
    const requests = requestArb({ equity: c.book.equity, distances: [0, 0.001], symbols: HOT });
    return (
      fc
        .record({
          // Mostly buys: a sell of crypto, or of an account too small for margin, is refused as a short before
          // anything else is read, and for every step of the case.
          request: fc.oneof(
            { weight: 4, arbitrary: requests.filter((r) => r.side === 'buy') },
            { weight: 1, arbitrary: requests },
          ),
          scale: fc.constantFrom(0.5, 1, 1.5, 2),
        })
        // Mostly short of margin: those decisions take the steal path and rank every candidate.
        .map(({ request, scale }) => ({ ...c, request: { ...request, qty: request.qty * scale } }))
    );
  });

function decideOver(c: Case, orders: readonly OpenOrder[], columns?: OrderColumns): Decision {
  const cfg = config(c.overrides);
  const history = new StealHistory(cfg);
  for (const e of c.history) history.record(e);
  return decide(
    {
      ...bookInput(c.book, { orders }),
      columns,
      history,
      request: c.request,
    },
    cfg,
  );
}

/**
 * Apply one step to the live list as the ledger would (orders changed in place, removed by swap), and the
 * same change to the list's columns, as the ledger keeps them.
 */
function apply(
  live: OpenOrder[],
  columns: OrderColumns,
  step: Step,
  pool: readonly OpenOrder[],
  serial: number,
): void {
  const rowOf = (row: number): number => row % Math.max(1, live.length);
  const fresh = (from: number): OpenOrder => ({ ...pool[from % pool.length]!, id: `n${serial}` });
  switch (step.kind) {
    case 'price': {
      const i = rowOf(step.row);
      const o = live[i];
      if (o && o.price !== null) {
        o.price *= step.factor;
        columns.setPrice(i, o.price);
      }
      return;
    }
    case 'qty':
    case 'limit': {
      const i = rowOf(step.row);
      const o = live[i];
      if (!o) return;
      if (step.kind === 'qty') o.qty *= step.factor;
      else o.limitPrice *= step.factor;
      columns.update(i);
      return;
    }
    case 'remove': {
      if (live.length === 0) return;
      const i = step.row % live.length;
      const last = live.pop()!;
      if (i < live.length) live[i] = last;
      columns.removeAt(i);
      return;
    }
    case 'add': {
      const o = fresh(step.from);
      live.push(o);
      columns.push(o);
      return;
    }
    case 'replace':
      if (live.length > 0) {
        const i = step.row % live.length;
        live[i] = fresh(step.from);
        columns.set(i, live[i]!);
      }
      return;
    case 'move': {
      if (live.length < 2) return;
      const i = step.row % live.length;
      const j = step.to % live.length;
      [live[i], live[j]] = [live[j]!, live[i]!];
      columns.set(i, live[i]!);
      columns.set(j, live[j]!);
      return;
    }
  }
}

describe('decide over a long-lived order list (fast-check, seed 7)', () => {
  it('equals the decision over a fresh copy after every change the ledger makes', () => {
    let steals = 0;
    let ranked = 0;
    let compared = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const live = c.book.orders.map((o) => ({ ...o }));
        // Columns kept with the list from the start, changed with it step by step (as the ledger does).
        const columns = OrderColumns.of(live);
        const kept: [Decision, ReturnType<typeof decisionRecord>][] = [];
        const check = (): void => {
          const a = decideOver(c, live);
          const b = decideOver(
            c,
            live.map((o) => ({ ...o })),
          );
          const withColumns = decideOver(c, live, columns);
          const record = decisionRecord(a);
          expect(record).toEqual(decisionRecord(b));
          expect(decisionRecord(withColumns)).toEqual(record);
          kept.push([a, record], [withColumns, record]);
          compared++;
          if (a.action === 'steal') steals++;
          if (a.candidates) ranked++;
        };
        check();
        c.steps.forEach((step, k) => {
          apply(live, columns, step, c.pool, k);
          check();
        });
        // A decision kept from before the changes still reads as it did (its table shares nothing mutable).
        for (const [d, record] of kept) expect(decisionRecord(d)).toEqual(record);
      }),
      RUNS,
    );
    // The property must reach the candidate table (where every row is read) and steal often. A case's request
    // stays the same through its steps, so its decisions come in runs and the shares vary from seed to seed:
    // over seeds 7 × 31 + 977 × k, k = 1..30, between 0.23 and 0.42 of the decisions ranked candidates and
    // between 0.055 and 0.13 stole. The bounds are well under those, and far above what a change that stopped
    // reaching the table or stealing would leave.
    expect(ranked).toBeGreaterThan(compared / 6);
    expect(steals).toBeGreaterThan(compared / 30);
  });

  it('a row given a different object with the same id is not taken for the old one', () => {
    // Two resting orders fill an account of 2,000; the request needs one of them. AAPL is further away.
    const orders = [
      order({ id: 'a', symbol: 'AAPL', price: 101 }),
      order({ id: 'm', symbol: 'MSFT', price: 100.5 }),
    ];
    const situation = { equity: 2_000, orders, request: request({ symbol: 'NVDA', qty: 10 }) };
    expect(decideIn(situation).victims).toEqual(['a']);
    // The same id, now another program's order at another symbol: never a victim, and not AAPL's.
    orders[0] = { ...orders[0]!, symbol: 'TSLA', external: true };
    const after = decideIn(situation);
    expect(after.victims).toEqual(['m']);
    expect(decisionRecord(after)).toEqual(
      decisionRecord(decideIn({ ...situation, orders: orders.map((o) => ({ ...o })) })),
    );
  });
});
