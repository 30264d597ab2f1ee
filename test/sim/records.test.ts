import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate, type DecisionRow, type StealRecord } from '../../src/sim/engine.js';
import { DecisionLog, StealLog } from '../../src/sim/records.js';
import { CRYPTO_FILES, loadReal } from '../support/marketdata.js';

const symbol = fc.integer({ min: 0, max: 60 }).map((i) => `S${i}USD`); // past the interner's scan limit
const id = fc.integer({ min: 1, max: 1e6 }).map((i) => `sim-${i}`);
const decisionRow: fc.Arbitrary<DecisionRow> = fc.record({
  time: fc.integer({ min: 0, max: 2e12 }),
  symbol,
  action: fc.constantFrom('place', 'steal', 'block', 'wait', 'deleverage-cancel'),
  victims: fc.array(id, { maxLength: 3 }),
  reason: fc.constantFrom('capacity-available', 'stole-capacity', 'margin', 'on-cooldown', ''),
  shortfall: fc.double({ noNaN: true, min: -1e9, max: 1e9 }),
  fight: fc.boolean(),
  orderId: fc.option(id, { nil: null }),
  limitPrice: fc.option(fc.double({ noNaN: true, min: 0.01, max: 1e6 }), { nil: null }),
  qty: fc.option(fc.double({ noNaN: true, min: 1e-6, max: 1e6 }), { nil: null }),
  validUntil: fc.option(fc.integer({ min: 0, max: 2e12 }), { nil: null }),
});
const stealRecord: fc.Arbitrary<StealRecord> = fc.record({
  time: fc.integer({ min: 0, max: 2e12 }),
  thief: symbol,
  thiefOrderId: fc.option(id, { nil: null }),
  victims: fc.array(
    fc.record({
      orderId: id,
      symbol,
      side: fc.constantFrom('buy' as const, 'sell' as const),
      limitPrice: fc.double({ noNaN: true, min: 0.01, max: 1e6 }),
      qty: fc.double({ noNaN: true, min: 1e-6, max: 1e6 }),
      takeProfit: fc.double({ noNaN: true, min: 0.01, max: 1e6 }),
      validUntil: fc.integer({ min: 0, max: 2e12 }),
      placedAt: fc.integer({ min: 0, max: 2e12 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  fight: fc.boolean(),
});

describe('simulator records in columns', () => {
  it('give back every decision row as it was pushed, through growth and an order id set later', () => {
    fc.assert(
      fc.property(fc.array(decisionRow, { minLength: 1, maxLength: 1500 }), (rows) => {
        const log = new DecisionLog();
        // What a row does not know is pushed as NaN (the default) and read back as null.
        const n = (x: number | null) => x ?? Number.NaN;
        for (const r of rows)
          log.push(
            r.time,
            r.symbol,
            r.action,
            r.victims,
            r.reason,
            r.shortfall,
            r.fight,
            null,
            n(r.limitPrice),
            n(r.qty),
            n(r.validUntil),
          );
        rows.forEach((r, i) => r.orderId !== null && log.setOrderId(i, r.orderId));
        expect(log.length).toBe(rows.length);
        expect(log.toArray()).toEqual(rows);
      }),
      { seed: 11, numRuns: 25 },
    );
  });

  it('give back every steal with its victims', () => {
    fc.assert(
      fc.property(fc.array(stealRecord, { minLength: 1, maxLength: 1200 }), (steals) => {
        const log = new StealLog();
        for (const s of steals) {
          for (const v of s.victims)
            log.pushVictim(
              v.orderId,
              v.symbol,
              v.side,
              v.limitPrice,
              v.qty,
              v.takeProfit,
              v.validUntil,
              v.placedAt,
            );
          log.push(s.time, s.thief, s.thiefOrderId, s.fight);
        }
        expect(log.toArray()).toEqual(steals);
      }),
      { seed: 12, numRuns: 25 },
    );
  });

  it('records: false leaves every number of a real run as it is and keeps no rows', async () => {
    const series = (await loadReal(CRYPTO_FILES)).map((l) => l.series);
    const { config } = resolveConfig({});
    const input = {
      series,
      config,
      calendar: nyseCalendar(),
      from: Date.parse('2022-01-01T00:00:00Z'),
      to: Date.parse('2022-04-01T00:00:00Z'),
    };
    const full = simulate(input);
    const bare = simulate({ ...input, records: false });
    expect(full.counters.steals).toBeGreaterThan(0);
    expect(bare.counters).toEqual(full.counters);
    expect(bare.equity).toEqual(full.equity);
    expect(bare.trades).toEqual(full.trades);
    expect(bare.finalEquity).toBe(full.finalEquity);
    expect(full.decisions.length).toBeGreaterThan(0);
    expect(bare.decisions).toEqual([]);
    expect(bare.steals).toEqual([]);
  });
});
