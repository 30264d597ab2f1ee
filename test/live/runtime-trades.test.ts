import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeeRates } from '../../src/sim/costs.js';
import { limitFillRole } from '../../src/sim/fill-rules.js';
import { Portfolio } from '../../src/sim/portfolio.js';
import { LiveTrades, type FilledOrder } from '../../src/live/runtime-trades.js';
import { SessionValuation } from '../../src/session/valuation.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';

/**
 * The live runtime's closed trades (src/live/runtime-trades.ts) are the simulator's: the same fills give the
 * same net PnL and entry notional as the simulator's Portfolio, whose trades teach the valuation there.
 */
const FEES: FeeRates = {
  crypto: { maker: 0.0015, taker: 0.0025 },
  stock: { maker: 0, taker: 0.0003 },
};

function valuation(): SessionValuation {
  return new SessionValuation({
    victimRanking: 'expectedValue',
    calendar: nyseCalendar(),
    symbols: [
      { symbol: 'SOLUSDT', assetClass: 'crypto' },
      { symbol: 'AAPL', assetClass: 'stock' },
    ],
    barMs: 3_600_000,
    orderValidUntil: () => Number.NaN,
    requestValidUntil: () => Number.NaN,
  });
}

/** What the valuation learned: one recorded return per call, as (symbol index, net return). */
function spy(v: SessionValuation): [number, number, number][] {
  const calls: [number, number, number][] = [];
  const original = v.tradeClosed.bind(v);
  v.tradeClosed = (i, pnl, notional) => {
    calls.push([i, pnl, notional]);
    return original(i, pnl, notional);
  };
  return calls;
}

const order = (o: Partial<FilledOrder> & Pick<FilledOrder, 'id' | 'side' | 'limitPrice'>): FilledOrder => ({
  symbol: 'SOLUSDT',
  assetClass: 'crypto',
  filledQty: 0,
  fillPrice: null,
  ...o,
});

describe('live trades', () => {
  it('an entry then its exits teach what the simulator portfolio records, fees by liquidity role', () => {
    fc.assert(
      fc.property(
        fc.record({
          stock: fc.boolean(),
          side: fc.constantFrom('buy' as const, 'sell' as const),
          limit: fc.double({ min: 1, max: 1000, noNaN: true }),
          // The bar opens through the limit (a taker fill at the open) or not (a maker fill at the limit).
          entryGap: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
          qty: fc.double({ min: 0.01, max: 1000, noNaN: true }),
          move: fc.double({ min: -0.2, max: 0.2, noNaN: true }),
          // A trim (market, taker) of a share of the position first, then the take-profit for the rest.
          trimShare: fc.constantFrom(0, 0.25, 0.5),
          tpGap: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
        }),
        (c) => {
          const symbol = c.stock ? 'AAPL' : 'SOLUSDT';
          const assetClass = c.stock ? ('stock' as const) : ('crypto' as const);
          const exitSide = c.side === 'buy' ? ('sell' as const) : ('buy' as const);
          const open = c.limit * (1 + c.entryGap);
          const entryPrice = c.side === 'buy' ? Math.min(c.limit, open) : Math.max(c.limit, open);
          const tpLimit = entryPrice * (1 + c.move);
          const tpOpen = tpLimit * (1 + c.tpGap);
          const tpPrice = exitSide === 'sell' ? Math.max(tpLimit, tpOpen) : Math.min(tpLimit, tpOpen);
          const trimQty = c.qty * c.trimShare;
          const trimPrice = entryPrice * (1 + c.move / 2);

          const portfolio = new Portfolio(1e9);
          portfolio.open(
            {
              symbol,
              assetClass,
              side: c.side,
              qty: c.qty,
              entryPrice,
              entryTime: 0,
              entryOrderId: 'e',
              takeProfit: tpLimit,
              stopPrice: null,
              timeStopAt: null,
              tpOrderId: null,
            },
            FEES[assetClass][limitFillRole(c.side, c.limit, open)],
          );
          if (trimQty > 0)
            portfolio.close(symbol, trimPrice, 1, 'deleverage', FEES[assetClass].taker, trimQty);
          portfolio.close(
            symbol,
            tpPrice,
            2,
            'take-profit',
            FEES[assetClass][limitFillRole(exitSide, tpLimit, tpOpen)],
          );

          const trades = new LiveTrades(FEES);
          const v = valuation();
          const calls = spy(v);
          const base = { symbol, assetClass };
          trades.onFill(
            order({
              ...base,
              id: 'e',
              side: c.side,
              limitPrice: c.limit,
              filledQty: c.qty,
              fillPrice: entryPrice,
            }),
            'entry',
          );
          if (trimQty > 0) {
            trades.onFill(
              order({
                ...base,
                id: 't',
                side: exitSide,
                limitPrice: trimPrice,
                filledQty: trimQty,
                fillPrice: trimPrice,
              }),
              'exit',
            );
            trades.teach(v);
          }
          const rest = c.qty - trimQty;
          trades.onFill(
            order({
              ...base,
              id: 'p',
              side: exitSide,
              limitPrice: tpLimit,
              filledQty: rest,
              fillPrice: tpPrice,
            }),
            'take-profit',
          );
          trades.teach(v);

          const index = c.stock ? 1 : 0;
          expect(calls).toEqual(portfolio.trades.map((t) => [index, t.pnl, t.qty * t.entryPrice]));
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });

  it('partial fills of one exit make one trade per teaching; each part is counted once', () => {
    const trades = new LiveTrades(FEES);
    const v = valuation();
    const calls = spy(v);
    trades.onFill(order({ id: 'e', side: 'buy', limitPrice: 100, filledQty: 4, fillPrice: 100 }), 'entry');
    // The same event twice (a stream resync) counts once.
    trades.onFill(order({ id: 'e', side: 'buy', limitPrice: 100, filledQty: 4, fillPrice: 100 }), 'entry');
    trades.onFill(
      order({ id: 'x', side: 'sell', limitPrice: 110, filledQty: 1, fillPrice: 110 }),
      'take-profit',
    );
    trades.onFill(
      order({ id: 'x', side: 'sell', limitPrice: 110, filledQty: 3, fillPrice: 110 }),
      'take-profit',
    );
    trades.teach(v);
    trades.onFill(
      order({ id: 'x', side: 'sell', limitPrice: 110, filledQty: 4, fillPrice: 110 }),
      'take-profit',
    );
    trades.teach(v);
    const entryFee = 4 * 100 * 0.0015;
    const part = (q: number) => q * 10 - q * 110 * 0.0015;
    expect(calls.map(([i]) => i)).toEqual([0, 0]);
    expect(calls[0]![1]).toBeCloseTo(part(3) - entryFee * 0.75, 9);
    expect(calls[0]![2]).toBeCloseTo(300, 9);
    expect(calls[1]![1]).toBeCloseTo(part(1) - entryFee * 0.25, 9);
    expect(calls[1]![2]).toBeCloseTo(100, 9);
    expect(v.returns.trades(0)).toBe(2);
  });

  it('an exit of a position this process did not see open teaches nothing', () => {
    const trades = new LiveTrades(FEES);
    const v = valuation();
    const calls = spy(v);
    trades.onFill(
      order({ id: 'x', side: 'sell', limitPrice: 110, filledQty: 1, fillPrice: 110 }),
      'take-profit',
    );
    trades.teach(v);
    expect(calls).toEqual([]);
    expect(v.returns.trades(0)).toBe(0);
  });
});
