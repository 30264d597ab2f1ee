import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { config, order, request, T0 } from '../support/builders.js';
import { decide } from '../../src/core/policy/decide.js';
import { decisionRecord } from '../../src/core/policy/record.js';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import type { EntryRequest, OpenOrder } from '../../src/core/types.js';
import { CapacityLedger } from '../../src/coordinator/ledger.js';

/**
 * decide() over the ledger's kept columns equals decide() over columns built fresh from its order list after
 * any sequence of ledger events, including the ones the column test leaves out: equity moving across the
 * margin tiers, PDT, positions set and moved, a broker cap below what is held, the session opening and
 * closing, fills that leave a sliver open, and several orders of one symbol. A decision is taken after every
 * event, so whatever the columns remember between decisions (held sums, margins at the last requirements,
 * reasons at the last protection) is exercised.
 */

const RUNS = { seed: 2325, numRuns: 200 } as const;
const SYMBOLS = ['BTCUSD', 'ETHUSD', 'AAPL', 'MSFT'] as const;
const crypto = (s: string): boolean => s.endsWith('USD');

type Event =
  | { kind: 'add'; symbol: string; side: 'buy' | 'sell'; dist: number; qty: number; exit: boolean }
  | { kind: 'remove'; row: number }
  | { kind: 'fill'; row: number; share: number }
  | { kind: 'quote'; symbol: string; mid: number }
  | { kind: 'equity'; equity: number }
  | { kind: 'pdt'; on: boolean }
  | { kind: 'position'; symbol: string; qty: number; price: number }
  | { kind: 'move'; symbol: string; qty: number }
  | { kind: 'cap'; freeMargin: number }
  | { kind: 'uncap' }
  | { kind: 'session' };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      symbol: fc.constantFrom(...SYMBOLS),
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      dist: fc.constantFrom(0, 0.001, 0.0015, 0.0015 + 1e-10, 0.004, 0.02),
      qty: fc.constantFrom(1, 3, 10),
      exit: fc.boolean(),
    }),
  },
  fc.record({ kind: fc.constant('remove' as const), row: fc.nat({ max: 20 }) }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('fill' as const),
      row: fc.nat({ max: 20 }),
      share: fc.constantFrom(0.3, 0.5, 1 - 1e-13, 1),
    }),
  },
  fc.record({
    kind: fc.constant('quote' as const),
    symbol: fc.constantFrom(...SYMBOLS),
    mid: fc.constantFrom(99, 100, 101.5),
  }),
  fc.record({
    kind: fc.constant('equity' as const),
    equity: fc.constantFrom(1_999, 2_000, 9_000, 24_999, 25_000, 60_000),
  }),
  fc.record({ kind: fc.constant('pdt' as const), on: fc.boolean() }),
  fc.record({
    kind: fc.constant('position' as const),
    symbol: fc.constantFrom(...SYMBOLS),
    qty: fc.constantFrom(-4, 0, 2, 30),
    price: fc.constantFrom(50, 100, 120),
  }),
  fc.record({
    kind: fc.constant('move' as const),
    symbol: fc.constantFrom(...SYMBOLS),
    qty: fc.constantFrom(-2, 1, 5),
  }),
  fc.record({ kind: fc.constant('cap' as const), freeMargin: fc.constantFrom(0, 100, 5_000) }),
  fc.constant({ kind: 'uncap' as const }),
  fc.constant({ kind: 'session' as const }),
);

const caseArb = fc.record({
  events: fc.array(eventArb, { minLength: 5, maxLength: 40 }),
  requests: fc.array(
    fc.record({
      symbol: fc.constantFrom(...SYMBOLS, 'NVDA'),
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      qty: fc.constantFrom(5, 40, 200),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

const add = (symbol: string, dist: number, qty: number): Event => ({
  kind: 'add',
  symbol,
  side: 'buy',
  dist,
  qty,
  exit: false,
});
/**
 * The drawn cases seldom steal (the book they build rarely holds the account), so the first run, whatever the
 * seed, fills an account of 2,000 past its margin with four entries that may be stolen and then changes it
 * with an event of every kind; two requests for NVDA decided after each steal (19 times), or are short of
 * victims once the larger one needs more than the four free.
 */
const STEALING: Case = {
  events: [
    { kind: 'equity', equity: 2_000 },
    add('AAPL', 0.02, 10),
    add('MSFT', 0.004, 10),
    add('BTCUSD', 0.02, 10),
    add('ETHUSD', 0.004, 10),
    { kind: 'quote', symbol: 'AAPL', mid: 101.5 },
    { kind: 'pdt', on: true },
    { kind: 'position', symbol: 'MSFT', qty: 2, price: 100 },
    { kind: 'move', symbol: 'MSFT', qty: 1 },
    { kind: 'fill', row: 0, share: 0.5 },
    { kind: 'session' },
    { kind: 'cap', freeMargin: 100 },
    { kind: 'session' },
    { kind: 'uncap' },
    { kind: 'equity', equity: 1_999 },
    { kind: 'pdt', on: false },
    { kind: 'remove', row: 1 },
    { kind: 'equity', equity: 2_000 },
  ],
  requests: [
    { symbol: 'NVDA', side: 'buy', qty: 5 },
    { symbol: 'NVDA', side: 'buy', qty: 40 },
  ],
};

const cfg = config({ extendedHours: true });
const table = cfg.margin;

describe('ledger model: kept columns decide as fresh ones after any events (fast-check, seed 2325)', () => {
  it('equal decision records after add, remove, fill, quote, equity, PDT, position, cap and session events', () => {
    const actions = new Map<string, number>();
    fc.assert(
      fc.property(caseArb, ({ events, requests }) => {
        const ledger = new CapacityLedger({ equity: 9_000, patternDayTrader: false }, 0);
        const history = new StealHistory(cfg);
        let sessionOpen = true;
        let serial = 0;
        const decideBoth = (r: EntryRequest): void => {
          const input = {
            now: T0,
            sessionOpen,
            account: ledger.account,
            positions: ledger.positions,
            history,
            request: r,
          };
          const kept = decide({ ...input, orders: ledger.orders, columns: ledger.columns }, cfg);
          const fresh = decide({ ...input, orders: ledger.orders.map((o) => ({ ...o })) }, cfg);
          expect(decisionRecord(kept)).toEqual(decisionRecord(fresh));
          // The held margin the decision saw is the ledger's own account of it.
          expect(kept.usedBefore).toBeCloseTo(ledger.usedMargin(sessionOpen, table), 6);
          actions.set(kept.action, (actions.get(kept.action) ?? 0) + 1);
        };
        const at = (row: number): OpenOrder | undefined =>
          ledger.orders[row % Math.max(1, ledger.orders.length)];
        for (const e of events) {
          switch (e.kind) {
            case 'add': {
              const limit = 100;
              const price = e.side === 'buy' ? limit * (1 + e.dist) : limit * (1 - e.dist);
              ledger.addOrder(
                order({
                  id: `n${serial++}`,
                  symbol: e.symbol,
                  assetClass: crypto(e.symbol) ? 'crypto' : 'stock',
                  side: e.side,
                  role: e.exit ? 'take-profit' : 'entry',
                  limitPrice: limit,
                  price,
                  qty: e.qty,
                  placedAt: T0 - 600_000,
                }),
              );
              break;
            }
            case 'remove': {
              const o = at(e.row);
              if (o) ledger.removeOrder(o.id);
              break;
            }
            case 'fill': {
              const o = at(e.row);
              if (o) ledger.applyFill(o.id, ledger.filled(o.id) + o.qty * e.share, o.limitPrice);
              break;
            }
            case 'quote':
              ledger.markQuote(e.symbol, e.mid * 0.999, e.mid * 1.001);
              break;
            case 'equity':
              ledger.setEquity(e.equity);
              break;
            case 'pdt':
              ledger.setAccount({ patternDayTrader: e.on });
              break;
            case 'position':
              ledger.setPosition({
                symbol: e.symbol,
                assetClass: crypto(e.symbol) ? 'crypto' : 'stock',
                qty: e.qty,
                price: e.price,
              });
              break;
            case 'move':
              ledger.adjustPosition(e.symbol, crypto(e.symbol) ? 'crypto' : 'stock', e.qty, 100);
              break;
            case 'cap':
              ledger.capToBrokerFree(e.freeMargin, sessionOpen, table);
              break;
            case 'uncap':
              ledger.setAccount({ capacityCap: undefined });
              break;
            case 'session':
              sessionOpen = !sessionOpen;
              break;
          }
          for (const r of requests)
            decideBoth(
              request({
                symbol: r.symbol,
                assetClass: crypto(r.symbol) ? 'crypto' : 'stock',
                side: r.side,
                qty: r.qty,
                price: 100,
              }),
            );
        }
      }),
      { ...RUNS, examples: [[STEALING]] },
    );
    // Every action was compared many times: the steals under any seed thanks to the first run, the drawn
    // cases adding 0 to 35 more over seeds 2325 × 31 + 977 × k, k = 1..30.
    for (const a of ['place', 'steal', 'block']) expect(actions.get(a) ?? 0, a).toBeGreaterThan(10);
  });
});
