import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Portfolio, type ExitReason } from '../../src/sim/portfolio.js';

/**
 * The account's books against a tiny model kept apart: cash moves by the notional of each fill and its fee,
 * interest lowers it; what the trade rows say (pnl, fees) and what is still open must add up to it exactly.
 */
const SYMBOLS = ['AAA', 'BBB', 'CCC'] as const;
const REASONS: ExitReason[] = ['take-profit', 'stop', 'time-stop', 'deleverage'];

const op = fc.oneof(
  fc.record({
    kind: fc.constant('open' as const),
    s: fc.integer({ min: 0, max: 2 }),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    qty: fc.integer({ min: 1, max: 500 }),
    price: fc.integer({ min: 1, max: 100_000 }).map((c) => c / 100),
    fee: fc.integer({ min: 0, max: 50 }).map((b) => b / 10_000),
  }),
  fc.record({
    kind: fc.constant('close' as const),
    s: fc.integer({ min: 0, max: 2 }),
    part: fc.oneof(
      fc.constant(1),
      fc.integer({ min: 1, max: 99 }).map((p) => p / 100),
    ),
    price: fc.integer({ min: 1, max: 100_000 }).map((c) => c / 100),
    fee: fc.integer({ min: 0, max: 50 }).map((b) => b / 10_000),
    reason: fc.constantFrom(...REASONS),
    sameTime: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('interest' as const),
    amount: fc.integer({ min: 0, max: 5_000 }).map((c) => c / 100),
  }),
  fc.record({
    kind: fc.constant('mark' as const),
    s: fc.integer({ min: 0, max: 2 }),
    price: fc.integer({ min: 1, max: 100_000 }).map((c) => c / 100),
  }),
);

describe('the portfolio against a model of cash', () => {
  it('equity = initial + trade pnl − interest + open positions marked less their entry fees; fees add up', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        const initial = 100_000;
        const p = new Portfolio(initial);
        let cash = initial;
        let fees = 0;
        let interest = 0;
        let time = 0;
        const marks = new Map<string, number>();
        const open = new Map<string, { side: 'buy' | 'sell'; qty: number; entry: number; fee: number }>();
        for (const o of ops) {
          if (o.kind === 'open') {
            const sym = SYMBOLS[o.s]!;
            if (open.has(sym)) continue;
            time++;
            p.open(
              {
                symbol: sym,
                assetClass: 'stock',
                side: o.side,
                qty: o.qty,
                entryPrice: o.price,
                entryTime: time,
                entryOrderId: `e${time}`,
                takeProfit: 0,
                stopPrice: null,
                timeStopAt: null,
                tpOrderId: null,
              },
              o.fee,
            );
            const fee = o.qty * o.price * o.fee;
            cash -= (o.side === 'buy' ? 1 : -1) * o.qty * o.price + fee;
            fees += fee;
            open.set(sym, { side: o.side, qty: o.qty, entry: o.price, fee });
            marks.set(sym, o.price);
          } else if (o.kind === 'close') {
            const sym = SYMBOLS[o.s]!;
            const pos = open.get(sym);
            if (!pos) continue;
            if (!o.sameTime) time++;
            const qty = o.part === 1 ? pos.qty : Math.max(1, Math.floor(pos.qty * o.part));
            p.close(sym, o.price, time, o.reason, o.fee, qty);
            const fee = qty * o.price * o.fee;
            cash += (pos.side === 'buy' ? 1 : -1) * qty * o.price - fee;
            fees += fee;
            pos.fee -= pos.fee * (qty / pos.qty);
            pos.qty -= qty;
            if (pos.qty === 0) open.delete(sym);
            marks.set(sym, o.price);
          } else if (o.kind === 'interest') {
            p.chargeInterest(o.amount);
            cash -= o.amount;
            interest += o.amount;
          } else {
            marks.set(SYMBOLS[o.s]!, o.price);
          }
        }
        const mark = (s: string) => marks.get(s) ?? 0;
        let openValue = 0;
        let openPnl = 0;
        for (const [sym, pos] of open) {
          const sign = pos.side === 'buy' ? 1 : -1;
          openValue += sign * pos.qty * mark(sym);
          openPnl += sign * pos.qty * (mark(sym) - pos.entry) - pos.fee;
        }
        const tol = 1e-9 * initial * 100;
        expect(Math.abs(p.cash - cash)).toBeLessThan(tol);
        expect(Math.abs(p.equity(mark) - (cash + openValue))).toBeLessThan(tol);
        const tradePnl = p.trades.reduce((a, t) => a + t.pnl, 0);
        expect(Math.abs(p.equity(mark) - (initial + tradePnl - interest + openPnl))).toBeLessThan(tol);
        const tradeFees = p.trades.reduce((a, t) => a + t.fees, 0);
        const openFees = [...open.values()].reduce((a, x) => a + x.fee, 0);
        expect(Math.abs(p.feesPaid - fees)).toBeLessThan(tol);
        expect(Math.abs(tradeFees + openFees - fees)).toBeLessThan(tol);
        expect(p.interestPaid).toBeCloseTo(interest, 9);
        // What is open is exactly the model's quantities: nothing turned short, nothing lost as dust.
        expect(new Map([...p.positions].map(([s, x]) => [s, x.qty]))).toEqual(
          new Map([...open].map(([s, x]) => [s, x.qty])),
        );
      }),
      { seed: 9137, numRuns: 400 },
    );
  });
});
