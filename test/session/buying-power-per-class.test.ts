import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config/presets.js';
import type { AssetClass } from '../../src/core/types.js';
import { brokerFreeMargin } from '../../src/session/buying-power.js';

/**
 * The broker's free margin (docs/live.md): per asset class traded, its buying power in notional times its
 * requirement, the smallest of them. Stocks spend day-trading buying power only while the regular session is
 * open (and the account has some); out of the session the Reg-T figure is what the broker lends overnight.
 */
const table = DEFAULT_CONFIG.margin;

describe('broker free margin per asset class', () => {
  it('crypto: non-marginable × 1; stocks: day-trading in session (when > 0), else Reg-T, × the requirement', () => {
    const bpArb = fc.record({
      nonMarginable: fc.integer({ min: 0, max: 100_000 }),
      daytrading: fc.constantFrom(0, 8_000, 120_000),
      regt: fc.integer({ min: 0, max: 100_000 }),
    });
    const classesArb = fc.constantFrom<AssetClass[]>(['stock'], ['crypto'], ['crypto', 'stock']);
    fc.assert(
      fc.property(
        bpArb,
        classesArb,
        fc.constantFrom(1_000, 10_000, 30_000),
        fc.boolean(),
        fc.boolean(),
        (bp, classes, equity, patternDayTrader, sessionOpen) => {
          const stockReq =
            equity < 2_000 ? 1 : sessionOpen && patternDayTrader && equity >= 25_000 ? 0.25 : 0.5;
          const stockBp = sessionOpen && bp.daytrading > 0 ? bp.daytrading : bp.regt;
          const perClass = classes.map((c) => (c === 'crypto' ? bp.nonMarginable : stockBp * stockReq));
          const ctx = { equity, patternDayTrader, sessionOpen };
          expect(brokerFreeMargin(bp, classes, ctx, table)).toBe(Math.min(...perClass));
        },
      ),
      { seed: 2933, numRuns: 300 },
    );
  });

  it('overnight a PDT account gets Reg-T: 4,000 of Reg-T buying power is 2,000 of margin, not 8,000 × 0.5', () => {
    const bp = { nonMarginable: 2_000, daytrading: 8_000, regt: 4_000 };
    const closed = { equity: 30_000, patternDayTrader: true, sessionOpen: false };
    expect(brokerFreeMargin(bp, ['stock'], closed, table)).toBe(2_000);
    expect(brokerFreeMargin(bp, ['stock'], { ...closed, sessionOpen: true }, table)).toBe(2_000);
  });
});
