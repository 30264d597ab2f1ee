import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config/presets.js';
import { overnightCheck, trimQtyFor } from '../../src/core/margin/deleverage.js';
import { dailyInterest, interestForDays, overnightDebit } from '../../src/core/margin/interest.js';
import {
  overnightStockRequirement,
  requirementFor,
  stockRequirement,
} from '../../src/core/margin/requirements.js';

/**
 * The margin rules of README "The rules in one table" and README "The model: assumptions and limits", stated
 * directly on src/core/margin (the decision and ledger tests reach them only through books whose equities
 * never sit on a tier's edge).
 */
const table = DEFAULT_CONFIG.margin;
const RUNS = { seed: 29, numRuns: 300 } as const;

/** Equities on and beside every tier edge (2,000 and 25,000), plus any others. */
const equityArb = fc.oneof(
  fc.constantFrom(0, 1_999.99, 2_000, 2_000.01, 24_999.99, 25_000, 25_000.01, 1e6),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
);

describe('margin requirement tiers (25% open + PDT + E ≥ 25k, else 50%, below 2k 100%)', () => {
  it('stocks: 25% only with the session open, PDT and E ≥ 25,000; else 50% (E ≥ 2,000) or 100%', () => {
    fc.assert(
      fc.property(equityArb, fc.boolean(), fc.boolean(), (equity, patternDayTrader, sessionOpen) => {
        const expected =
          equity < 2_000 ? 1 : sessionOpen && patternDayTrader && equity >= 25_000 ? 0.25 : 0.5;
        const ctx = { equity, patternDayTrader, sessionOpen };
        expect(stockRequirement(ctx, table)).toBe(expected);
        expect(requirementFor('stock', ctx, table)).toBe(expected);
        expect(requirementFor('crypto', ctx, table)).toBe(1);
      }),
      RUNS,
    );
  });

  it('the edges themselves: E = 25,000 exactly gets 4x intraday, E = 2,000 exactly gets 2x', () => {
    const open = { patternDayTrader: true, sessionOpen: true };
    expect(stockRequirement({ equity: 25_000, ...open }, table)).toBe(0.25);
    expect(stockRequirement({ equity: 24_999.99, ...open }, table)).toBe(0.5);
    expect(stockRequirement({ equity: 2_000, ...open }, table)).toBe(0.5);
    expect(stockRequirement({ equity: 1_999.99, ...open }, table)).toBe(1);
  });

  it('overnight a PDT account of any size is back at Reg-T: a stock held over the close holds notional / 2', () => {
    fc.assert(
      fc.property(equityArb, (equity) => {
        expect(overnightStockRequirement(equity, table)).toBe(equity < 2_000 ? 1 : 0.5);
      }),
      RUNS,
    );
  });
});

describe('end-of-day check (overnight requirement before the close)', () => {
  const notionalArb = fc.double({ min: 0, max: 1e6, noNaN: true });

  it('margin at the close = crypto + (stock orders + stock positions) × overnight requirement', () => {
    fc.assert(
      fc.property(
        equityArb,
        fc.constantFrom(0, 0.05),
        notionalArb,
        notionalArb,
        notionalArb,
        (equity, bufferPct, cryptoMargin, stockOrderNotional, stockPositionNotional) => {
          const c = overnightCheck({
            equity,
            bufferPct,
            cryptoMargin,
            stockOrderNotional,
            stockPositionNotional,
            table,
          });
          const req = equity < 2_000 ? 1 : 0.5;
          const atClose = cryptoMargin + (stockOrderNotional + stockPositionNotional) * req;
          expect(c.requirement).toBe(req);
          expect(c.marginAtClose).toBeCloseTo(atClose, 6);
          expect(c.excess).toBeCloseTo(Math.max(0, atClose - equity * (1 - bufferPct)), 6);
        },
      ),
      RUNS,
    );
  });

  it('resting stock entries count at the close too (example: 30,000 of orders and 30,000 held on 30,000)', () => {
    const c = overnightCheck({
      equity: 30_000,
      bufferPct: 0,
      cryptoMargin: 0,
      stockOrderNotional: 30_000,
      stockPositionNotional: 30_000,
      table,
    });
    expect(c.marginAtClose).toBe(30_000);
    expect(c.excess).toBe(0);
    const over = overnightCheck({
      equity: 30_000,
      bufferPct: 0,
      cryptoMargin: 0,
      stockOrderNotional: 40_000,
      stockPositionNotional: 30_000,
      table,
    });
    expect(over.excess).toBe(5_000);
  });

  it('fees held back lower the capacity, never the requirement (2,100 of equity, 150 held back: still 2x)', () => {
    const input = {
      equity: 2_100,
      bufferPct: 0,
      cryptoMargin: 0,
      stockOrderNotional: 0,
      stockPositionNotional: 4_100,
      table,
    };
    const c = overnightCheck({ ...input, heldBack: 150 });
    expect(c.requirement).toBe(0.5);
    expect(c.capacity).toBe(1_950);
    expect(c.excess).toBe(100);
    expect(overnightCheck(input).excess).toBe(0);
  });

  it('a trim frees exactly the excess when the position is large enough, and never sells more than held', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        fc.double({ min: 1, max: 1_000, noNaN: true }),
        fc.constantFrom(0.5, 1),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        (excess, price, requirement, positionQty) => {
          const q = trimQtyFor(excess, price, requirement, positionQty);
          expect(q).toBeGreaterThanOrEqual(0);
          expect(q).toBeLessThanOrEqual(Math.abs(positionQty));
          const frees = Math.abs(positionQty) * price * requirement;
          if (frees >= excess) expect(q * price * requirement).toBeCloseTo(excess, 6);
          else expect(q).toBe(Math.abs(positionQty));
        },
      ),
      RUNS,
    );
  });
});

describe('margin interest (debit × rate / 360 per calendar day)', () => {
  it('charges debit × rate / 360 per calendar day: 360 days cost one year’s rate', () => {
    expect(dailyInterest(36_000, 0.065)).toBeCloseTo(6.5, 12);
    expect(interestForDays(10_000, 0.065, 360)).toBeCloseTo(650, 9);
    expect(interestForDays(10_000, 0.065, 3)).toBeCloseTo((10_000 * 0.065 * 3) / 360, 12);
  });

  it('the debit is net notional (longs less shorts) beyond equity: the negative cash balance', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: -1e5, max: 1e6, noNaN: true }),
        fc.integer({ min: 0, max: 10 }),
        (longs, shorts, cash, days) => {
          const net = longs - shorts;
          const equity = cash + net;
          const debit = overnightDebit(net, equity);
          // Nothing is charged while cash is not negative; a negative cash balance is the debit.
          expect(debit).toBeCloseTo(Math.max(0, -cash), 3);
          expect(interestForDays(debit, 0.065, days)).toBeCloseTo(((debit * 0.065) / 360) * days, 6);
        },
      ),
      RUNS,
    );
  });

  it('a short’s proceeds pay for longs: long 150,000 and short 50,000 on 100,000 of equity owes nothing', () => {
    // Cash = 100,000 − 150,000 + 50,000 = 0. Long notional beyond equity would have charged 50,000.
    expect(overnightDebit(150_000 - 50_000, 100_000)).toBe(0);
    // Long 150,000 alone on 100,000: cash −50,000, the debit.
    expect(overnightDebit(150_000, 100_000)).toBe(50_000);
    // A short alone never borrows cash: its proceeds are cash (equity 100,000, cash 150,000).
    expect(overnightDebit(-50_000, 100_000)).toBe(0);
  });
});
