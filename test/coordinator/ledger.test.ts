import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/policy/decide.js';
import { candidateRecords } from '../../src/core/policy/record.js';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import type { OpenOrder } from '../../src/core/types.js';
import { CapacityLedger } from '../../src/coordinator/ledger.js';
import { config, order, request, T0 } from '../support/builders.js';

const RUNS = { seed: 42, numRuns: 200 } as const;
const table = config().margin;
const account = { equity: 10_000, patternDayTrader: false };

function ledgerWith(...orders: OpenOrder[]): CapacityLedger {
  const l = new CapacityLedger(account);
  for (const o of orders) l.addOrder(o);
  return l;
}

describe('CapacityLedger fills', () => {
  it('applies fills by cumulative quantity: the same fill twice counts once, stale reports count nothing', () => {
    const l = ledgerWith(order({ id: 'a', symbol: 'AAPL', qty: 10, limitPrice: 100 }));
    expect(l.applyFill('a', 4, 100)).toBe(4);
    expect(l.applyFill('a', 4, 100)).toBe(0);
    expect(l.applyFill('a', 3, 100)).toBe(0);
    expect(l.order('a')?.qty).toBe(6);
    expect(l.position('AAPL')?.qty).toBe(4);
    // Partial fills accumulate, the margin moves from the order to the position.
    expect(l.applyFill('a', 7, 101)).toBe(3);
    expect(l.order('a')?.qty).toBe(3);
    expect(l.position('AAPL')).toMatchObject({ qty: 7, price: 101 });
    // The last fill closes the order; repeats after that are ignored.
    expect(l.applyFill('a', 10, 99)).toBe(3);
    expect(l.hasOrder('a')).toBe(false);
    expect(l.wasClosed('a')).toBe(true);
    expect(l.applyFill('a', 10, 99)).toBe(0);
    expect(l.position('AAPL')?.qty).toBe(10);
  });

  it('never fills more than the order holds, and ignores unknown orders', () => {
    const l = ledgerWith(order({ id: 'a', symbol: 'AAPL', qty: 5 }));
    expect(l.applyFill('a', 50, 100)).toBe(5);
    expect(l.position('AAPL')?.qty).toBe(5);
    expect(l.applyFill('nope', 3, 100)).toBe(0);
    expect(l.positions).toHaveLength(1);
  });

  it('sell entries open shorts; exit fills shrink the position and close it at zero', () => {
    const l = ledgerWith(
      order({ id: 's', symbol: 'TSLA', side: 'sell', qty: 4 }),
      order({ id: 'tp', symbol: 'TSLA', side: 'buy', role: 'take-profit', qty: 4 }),
    );
    l.applyFill('s', 4, 100);
    expect(l.position('TSLA')?.qty).toBe(-4);
    l.applyFill('tp', 1, 99);
    expect(l.position('TSLA')?.qty).toBe(-3);
    l.applyFill('tp', 4, 99);
    expect(l.position('TSLA')).toBeUndefined();
    expect(l.orders).toHaveLength(0);
  });

  it('fills are idempotent for any sequence of cumulative reports (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 12 }),
        (qty, reports) => {
          const l = ledgerWith(order({ id: 'a', symbol: 'AAPL', qty }));
          let max = 0;
          for (const cum of reports) {
            l.applyFill('a', cum, 100);
            l.applyFill('a', cum, 100); // every report delivered twice
            max = Math.max(max, Math.min(cum, qty));
            expect(l.position('AAPL')?.qty ?? 0).toBe(max);
            expect(l.order('a')?.qty ?? 0).toBe(qty - max);
            expect(l.hasOrder('a')).toBe(max < qty);
          }
        },
      ),
      RUNS,
    );
  });

  // Live, the ledger reconciles with the broker after order events (docs/live.md), so a fill reported again
  // after a reconcile must not count twice: what filled is what was placed less what the broker still has
  // open.
  it('a fill repeated after a reconcile is still counted once', () => {
    const l = ledgerWith(order({ id: 'a', symbol: 'AAPL', qty: 10 }));
    l.applyFill('a', 4, 100);
    l.reset({
      account,
      orders: [order({ id: 'a', symbol: 'AAPL', qty: 6 })],
      positions: [{ symbol: 'AAPL', assetClass: 'stock', qty: 4, price: 100 }],
    });
    l.applyFill('a', 4, 100); // the same event, delivered late by the order stream
    expect(l.position('AAPL')?.qty).toBe(4);
    expect(l.order('a')?.qty).toBe(6);
  });
});

describe('CapacityLedger fills read back from the venue (cumulative filled quantity)', () => {
  // After a restart the ledger knows nothing of its own: the venue's cumulative filledQty is the only record
  // of what already filled. Counting it again doubled positions.
  it('an unknown order read with its fill keeps its size; reports up to that fill add nothing (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 12 }),
        fc.boolean(),
        (placed, fraction, reports, knownBefore) => {
          const filled = Math.floor(placed * fraction);
          if (filled >= placed) return; // a filled order is not open
          const l = new CapacityLedger(account);
          // Known before the reconcile (placed here) or not (a new process): the same answer either way.
          if (knownBefore) l.addOrder(order({ id: 'a', symbol: 'AAPL', qty: placed }));
          l.reset({
            account,
            orders: [order({ id: 'a', symbol: 'AAPL', qty: placed - filled, filledQty: filled })],
            positions: filled ? [{ symbol: 'AAPL', assetClass: 'stock', qty: filled, price: 100 }] : [],
          });
          expect(l.placed('a')).toBe(placed);
          expect(l.filled('a')).toBe(filled);
          expect(l.order('a')).not.toHaveProperty('filledQty'); // kept beside the order, never stale in it
          let max = filled;
          for (const cum of reports) {
            l.applyFill('a', cum, 100);
            max = Math.max(max, Math.min(cum, placed));
            expect(l.position('AAPL')?.qty ?? 0).toBe(max);
            expect(l.order('a')?.qty ?? 0).toBe(placed - max);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('CapacityLedger margin', () => {
  it('exit orders reserve nothing; entries hold limit × qty × requirement; positions |notional| × requirement', () => {
    const l = ledgerWith(
      order({ id: 'e', symbol: 'AAPL', qty: 10, limitPrice: 100 }), // 1,000 notional
      order({ id: 'tp', symbol: 'AAPL', role: 'take-profit', side: 'sell', qty: 10, limitPrice: 120 }),
      order({ id: 'st', symbol: 'AAPL', role: 'stop', side: 'sell', qty: 10, limitPrice: 80 }),
      order({ id: 'x', symbol: 'MSFT', role: 'exit', qty: 10, limitPrice: 100 }),
      order({ id: 'c', symbol: 'BTCUSD', assetClass: 'crypto', qty: 0.01, limitPrice: 50_000 }), // 500
    );
    l.setPosition({ symbol: 'NVDA', assetClass: 'stock', qty: -20, price: 50 }); // short 1,000
    // Stocks at 50% (no PDT), crypto 100%.
    expect(l.usedMargin(true, table)).toBeCloseTo(500 + 500 + 500, 9);
    l.removeOrder('e');
    expect(l.usedMargin(true, table)).toBeCloseTo(500 + 500, 9);
    l.removeOrder('c');
    expect(l.usedMargin(true, table)).toBeCloseTo(500, 9);
    expect(l.capacity(0.1)).toBe(9_000);
  });

  it('uses the requirement of the moment: PDT 25% only while the session is open', () => {
    const l = new CapacityLedger({ equity: 50_000, patternDayTrader: true });
    l.addOrder(order({ id: 'e', symbol: 'AAPL', qty: 100, limitPrice: 100 })); // 10,000 notional
    expect(l.usedMargin(true, table)).toBe(2_500);
    expect(l.usedMargin(false, table)).toBe(5_000);
  });

  it('markQuote moves order reference prices (buy: ask, sell: bid) and so their distances; positions mark at mid', () => {
    const l = ledgerWith(
      order({ id: 'b', symbol: 'AAPL', side: 'buy', limitPrice: 100, price: 100 }),
      order({ id: 's', symbol: 'AAPL', side: 'sell', limitPrice: 100, price: 100 }),
      order({ id: 'o', symbol: 'MSFT', price: 100 }),
    );
    l.setPosition({ symbol: 'AAPL', assetClass: 'stock', qty: 1, price: 100 });
    l.markQuote('AAPL', 95, 105);
    expect(l.order('b')?.price).toBe(105);
    expect(l.order('s')?.price).toBe(95);
    expect(l.order('o')?.price).toBe(100);
    expect(l.position('AAPL')?.price).toBe(100);
    l.markQuote('AAPL', 97, 99);
    expect(l.position('AAPL')?.price).toBe(98);
    // The policy sees the new distances: buy (99 − 100)/100 = −1%, sell (100 − 97)/100 = 3%.
    const cfg = config();
    const d = decide(
      {
        now: T0,
        sessionOpen: true,
        account: l.account,
        positions: l.positions,
        orders: l.orders,
        history: new StealHistory(cfg),
        request: request({ symbol: 'NVDA', qty: 1_000 }), // far short: the steal path evaluates candidates
      },
      cfg,
    );
    const dist = Object.fromEntries(candidateRecords(d).map((r) => [r.id, r.distance]));
    expect(dist['b']).toBeCloseTo(-0.01, 12);
    expect(dist['s']).toBeCloseTo(0.03, 12);
    expect(dist['o']).toBeCloseTo(0, 12);
  });
});

describe('CapacityLedger reset (reconciliation)', () => {
  it('takes the broker’s truth but keeps what only we know of orders the broker still has', () => {
    const l = ledgerWith(
      order({ id: 'kept', symbol: 'AAPL', price: 101, forecastPnl: 7, placedAt: T0 - 5, probe: true }),
      order({ id: 'gone', symbol: 'MSFT' }),
    );
    l.setPosition({ symbol: 'AAPL', assetClass: 'stock', qty: 3, price: 100 });
    l.reset({
      account: { equity: 5_000, patternDayTrader: true },
      orders: [
        order({ id: 'kept', symbol: 'AAPL', qty: 7, price: null, forecastPnl: 0, placedAt: 0, probe: false }),
        order({ id: 'new', symbol: 'TSLA', price: null, external: true }),
      ],
      positions: [{ symbol: 'NVDA', assetClass: 'stock', qty: 2, price: 50 }],
    });
    expect(l.account).toEqual({ equity: 5_000, patternDayTrader: true });
    expect(l.order('kept')).toMatchObject({
      qty: 7,
      price: 101,
      forecastPnl: 7,
      placedAt: T0 - 5,
      probe: true,
    });
    expect(l.hasOrder('gone')).toBe(false);
    expect(l.order('new')).toMatchObject({ symbol: 'TSLA', price: null, external: true });
    expect(l.positions).toEqual([{ symbol: 'NVDA', assetClass: 'stock', qty: 2, price: 50 }]);
    // A broker reference price, when it has one, wins over ours.
    l.reset({
      account: l.account,
      orders: [order({ id: 'kept', symbol: 'AAPL', price: 102 })],
      positions: [],
    });
    expect(l.order('kept')).toMatchObject({ price: 102, forecastPnl: 7 });
  });

  // An order the broker still has stays open through a reset, so its late events are not ignored.
  it('an order the broker still has is not "closed" after a reset', () => {
    const l = ledgerWith(order({ id: 'a', symbol: 'AAPL' }));
    l.reset({ account, orders: [order({ id: 'a', symbol: 'AAPL' })], positions: [] });
    expect(l.hasOrder('a')).toBe(true);
    expect(l.wasClosed('a')).toBe(false);
  });
});

describe('CapacityLedger order index', () => {
  type Op =
    { kind: 'add'; id: number } | { kind: 'remove'; id: number } | { kind: 'fill'; id: number; qty: number };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 15 }) }),
    fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 15 }) }),
    fc.record({
      kind: fc.constant('fill' as const),
      id: fc.integer({ min: 0, max: 15 }),
      qty: fc.integer({ min: 1, max: 25 }),
    }),
  );

  it('swap-removal keeps every index right: random add / remove / fill sequences against a model', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const l = new CapacityLedger(account);
        // Model: the documented order (insertion, with swap-removal) and each order's remaining quantity.
        const list: string[] = [];
        const remaining = new Map<string, number>();
        const filled = new Map<string, number>();
        const swapRemove = (id: string): void => {
          const i = list.indexOf(id);
          const last = list.pop()!;
          if (last !== id) list[i] = last;
          remaining.delete(id);
        };
        for (const op of ops) {
          const id = `o${op.id}`;
          if (op.kind === 'add') {
            if (remaining.has(id)) {
              expect(() => l.addOrder(order({ id, symbol: 'AAPL' }))).toThrow(/already/);
            } else {
              l.addOrder(order({ id, symbol: `S${op.id}`, qty: 20 }));
              list.push(id);
              remaining.set(id, 20);
              filled.set(id, 0);
            }
          } else if (op.kind === 'remove') {
            const got = l.removeOrder(id);
            expect(got?.id).toBe(remaining.has(id) ? id : undefined);
            if (remaining.has(id)) swapRemove(id);
          } else {
            const before = filled.get(id) ?? 0;
            const delta = remaining.has(id) ? Math.max(0, Math.min(remaining.get(id)!, op.qty - before)) : 0;
            expect(l.applyFill(id, op.qty, 100)).toBe(delta);
            if (delta > 0) {
              filled.set(id, before + delta);
              remaining.set(id, remaining.get(id)! - delta);
              if (remaining.get(id) === 0) swapRemove(id);
            }
          }
          expect(l.orders.map((o) => o.id)).toEqual(list);
          for (const [i, o] of l.orders.entries()) {
            expect(l.order(o.id)).toBe(l.orders[i]);
            expect(o.qty).toBe(remaining.get(o.id));
          }
          for (let k = 0; k < 16; k++) expect(l.hasOrder(`o${k}`)).toBe(remaining.has(`o${k}`));
        }
      }),
      RUNS,
    );
  });
});
