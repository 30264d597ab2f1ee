import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config/presets.js';
import {
  planDeleverage,
  type DeleverageOrder,
  type DeleveragePlan,
} from '../../src/core/policy/deleverage-plan.js';
import { deleverageSteps, trimSize } from '../../src/session/deleverage.js';

/**
 * The close phase of the end of day (README "The model: assumptions and limits") over a hand-made book,
 * driven as the simulator drives it (src/sim/sim-eod.ts): a stock without a bar at the close cannot trade
 * (its trim waits for its next bar and frees nothing tonight), every other stock trims at its mark less
 * slippage and pays its fee.
 */
const table = DEFAULT_CONFIG.margin;

interface Held {
  symbol: string;
  qty: number;
  price: number;
  entry: number;
  /** A bar of this stock closes now (it can trade at this close). */
  tradable: boolean;
}

interface Book {
  cash: number;
  /** Crypto held at its mark (1x: margin = value); nothing of it is trimmed at a stock close. */
  crypto: number;
  stocks: Held[];
  orders: DeleverageOrder[];
  bufferPct: number;
  fee: number;
  slippage: number;
}

const equity = (b: Book): number => b.cash + b.crypto + b.stocks.reduce((s, h) => s + h.qty * h.price, 0);

function plan(b: Book): DeleveragePlan {
  return planDeleverage({
    phase: 'positions',
    equity: equity(b),
    bufferPct: b.bufferPct,
    table,
    orders: b.orders,
    positions: [
      ...(b.crypto > 0
        ? [{ symbol: 'BTC/USD', assetClass: 'crypto' as const, qty: 1, price: b.crypto, unrealizedPnl: 0 }]
        : []),
      ...b.stocks.map((h) => ({
        symbol: h.symbol,
        assetClass: 'stock' as const,
        qty: h.qty,
        price: h.price,
        unrealizedPnl: h.qty * (h.price - h.entry),
        tradable: h.tradable,
      })),
    ],
  });
}

/** Run the session's end-of-day loop at the close over the book (mutated); returns the plan after it. */
function close(b: Book): { after: DeleveragePlan; trimmed: Map<string, number>; waited: Set<string> } {
  const trimmed = new Map<string, number>();
  /** Stocks whose trim was asked for and waits for their next bar (the simulator makes it there). */
  const waited = new Set<string>();
  const steps = deleverageSteps();
  let step = steps.next();
  while (!step.done) {
    const s = step.value;
    if (s.kind === 'plan') {
      step = steps.next(plan(b));
      continue;
    }
    if (s.kind === 'cancel') {
      b.orders = b.orders.filter((o) => o.id !== s.orderId);
      step = steps.next();
      continue;
    }
    const h = b.stocks.find((x) => x.symbol === s.symbol)!;
    if (!h.tradable) {
      waited.add(h.symbol);
      step = steps.next(false);
      continue;
    }
    const qty = trimSize({
      assetClass: 'stock',
      held: h.qty,
      plannedQty: s.qty,
      price: s.price,
      requirement: s.plan.check.requirement,
      bufferPct: b.bufferPct,
      feeRate: b.fee,
      slippage: b.slippage,
    });
    const px = h.price * (1 - b.slippage);
    b.cash += qty * px * (1 - b.fee);
    h.qty -= qty;
    trimmed.set(h.symbol, (trimmed.get(h.symbol) ?? 0) + qty);
    step = steps.next();
  }
  return { after: plan(b), trimmed, waited };
}

describe('end of day with a stock that has no bar at the close', () => {
  it('2022-04-22 (mixed benchmark): AAPL then MSFT are trimmed; SPY, barless, is not picked', () => {
    // The book at the 20:00Z close: SPY has no bar that day (stale mark 438.04, a loss of 353.85, larger than
    // MSFT's 286.40). Crypto 132,265.99; equity 175,981.45; excess 22,734.07 at 50% overnight.
    const stocks: Held[] = [
      { symbol: 'AAPL', qty: 266, price: 161.88, entry: 167.73, tradable: true },
      { symbol: 'SPY', qty: 105, price: 438.04, entry: 441.41, tradable: false },
      { symbol: 'MSFT', qty: 160, price: 274.03, entry: 275.82, tradable: true },
    ];
    const held = stocks.reduce((s, h) => s + h.qty * h.price, 0);
    const book: Book = {
      cash: 175_981.45 - 132_265.99 - held,
      crypto: 132_265.99,
      stocks,
      orders: [],
      bufferPct: 0,
      fee: 0,
      slippage: 0,
    };
    expect(plan(book).check.excess).toBeCloseTo(22_734.07, 1);
    const { after, trimmed, waited } = close(book);
    expect(waited.size).toBe(0);
    // AAPL frees 21,530.04; the 1,204.03 left takes ceil(1,204.03 / 137.015) = 9 MSFT shares, not 6 SPY.
    expect(Object.fromEntries(trimmed)).toEqual({ AAPL: 266, MSFT: 9 });
    expect(after.check.excess).toBe(0);
    expect(after.check.marginAtClose).toBeCloseTo(175_952.35, 1);
  });

  it('the tradable positions cover the excess whenever they can; a barless stock only gets the rest', () => {
    const held = fc.record({
      qty: fc.integer({ min: 1, max: 400 }),
      price: fc.double({ min: 5, max: 600, noNaN: true }),
      move: fc.double({ min: -0.2, max: 0.2, noNaN: true }),
      tradable: fc.boolean(),
    });
    const order = fc.record({
      qty: fc.integer({ min: 1, max: 200 }),
      limit: fc.integer({ min: 5, max: 500 }),
    });
    const book = fc.record({
      stocks: fc.array(held, { minLength: 1, maxLength: 5 }),
      orders: fc.array(order, { maxLength: 3 }),
      cryptoShare: fc.double({ min: 0, max: 0.6, noNaN: true }),
      // Overnight margin over equity before the close: from fitting already to 1.6 times over.
      over: fc.double({ min: 0.8, max: 1.6, noNaN: true }),
      bufferPct: fc.constantFrom(0, 0.05),
      feeBps: fc.constantFrom(0, 5, 25),
      slippageBps: fc.constantFrom(0, 2, 10),
    });
    fc.assert(
      fc.property(book, (g) => {
        const stocks: Held[] = g.stocks.map((h, i) => ({
          symbol: `S${i}`,
          qty: h.qty,
          price: h.price,
          entry: h.price / (1 + h.move),
          tradable: h.tradable,
        }));
        const orders: DeleverageOrder[] = g.orders.map((o, i) => ({
          id: `o${i}`,
          symbol: `O${i}`,
          assetClass: 'stock',
          role: 'entry',
          side: 'buy',
          limitPrice: o.limit,
          qty: o.qty,
          price: o.limit * 1.01,
          forecastPnl: 0,
          placedAt: 0,
          external: false,
        }));
        const stockNotional =
          stocks.reduce((s, h) => s + h.qty * h.price, 0) +
          orders.reduce((s, o) => s + o.qty * o.limitPrice, 0);
        // Crypto takes `cryptoShare` of the margin; equity is the margin over `over` (at least 5,000: the
        // 50% tier holds through the trims' costs).
        const crypto = (stockNotional * 0.5 * g.cryptoShare) / (1 - g.cryptoShare);
        const e = Math.max(5_000, (crypto + stockNotional * 0.5) / g.over / (1 - g.bufferPct));
        const b: Book = {
          cash: e - crypto - stocks.reduce((s, h) => s + h.qty * h.price, 0),
          crypto,
          stocks,
          orders,
          bufferPct: g.bufferPct,
          fee: g.feeBps / 10_000,
          slippage: g.slippageBps / 10_000,
        };
        const before = plan(b).check;
        const costs = (1 - g.bufferPct) * (b.fee + b.slippage);
        // What cancelling every entry and closing every tradable position would free, net of the trims' costs.
        const coverable =
          orders.reduce((s, o) => s + o.qty * o.limitPrice * before.requirement, 0) +
          stocks
            .filter((h) => h.tradable)
            .reduce((s, h) => s + h.qty * h.price * (before.requirement - costs), 0);
        const { after, waited } = close(b);
        const tol = 1e-6 * Math.max(1, after.check.capacity);
        if (coverable > before.excess + tol) {
          expect(after.check.excess).toBeLessThanOrEqual(tol);
          // Nor was a trim of a barless stock left waiting for its next bar (it would sell what was not owed).
          expect([...waited]).toEqual([]);
        } else if (after.check.excess > tol) {
          // Over after the close: only because every tradable position is gone and no entry is left.
          expect(b.stocks.filter((h) => h.tradable && h.qty > 0)).toEqual([]);
          expect(b.orders).toEqual([]);
        }
      }),
      { seed: 3122, numRuns: 400 },
    );
  });
});
