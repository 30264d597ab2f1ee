/**
 * A decision taken while another saga's cancel is pending shows that order with reason `pending-cancel`
 * (code 12, appended to INELIGIBLE_REASONS). The service stores reason codes as bytes
 * (src/service/stored-record.ts): the new reason must read back by name, and records stored before it
 * existed must read back with the names they were written with.
 */
import { describe, expect, it } from 'vitest';
import type { VictimRanking } from '../../src/core/config/schema.js';
import { decide, type DecideInput } from '../../src/core/policy/decide.js';
import { INELIGIBLE_REASONS, type CandidateRecord, type Decision } from '../../src/core/policy/decision.js';
import { decisionRecord } from '../../src/core/policy/record.js';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import {
  VAL_P,
  VAL_P_NEXT_BAR,
  VAL_RETURN,
  VAL_SIGMA,
  type Valuator,
} from '../../src/core/policy/valuation.js';
import { readStoredRecord, storedRecord, StoredRecordWriter } from '../../src/service/stored-record.js';
import { config, order, request, T0 } from '../support/builders.js';

const viaJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

/** Every order at one fill chance, the request at a higher one: the value rankings run, and the steal pays. */
const valuator: Valuator = (() => {
  const write = (p: number, out: Float64Array): void => {
    out[VAL_P] = p;
    out[VAL_P_NEXT_BAR] = p / 3;
    out[VAL_RETURN] = 0.004;
    out[VAL_SIGMA] = 0.01;
  };
  return {
    valueOrder: (_o, _now, out) => write(0.3, out),
    valueRequest: (_r, _now, out) => write(0.9, out),
  };
})();

/**
 * Equity 4,000 without PDT (stocks hold 50%): three orders of 1,000 margin, AAPL's pending cancel in saga
 * s-1. NVDA needs 1,500: short by 500, it looks at every candidate.
 */
function inputBesidePending(ranking: VictimRanking): DecideInput {
  const orders = [
    order({ id: 'a', symbol: 'AAPL', price: 101, pendingCancelBy: 's-1' }),
    order({ id: 'm', symbol: 'MSFT', price: 101 }),
    order({ id: 'x', symbol: 'TSLA', price: 101, external: true }),
  ];
  return {
    now: T0,
    sessionOpen: true,
    account: { equity: 4_000, patternDayTrader: false },
    positions: [],
    orders,
    history: new StealHistory(config({ victimRanking: ranking })),
    request: request({ symbol: 'NVDA', qty: 30, price: 100.1, forecastPnl: 5 }),
    valuator,
  };
}

function decisionBesidePending(ranking: VictimRanking): Decision {
  return decide(inputBesidePending(ranking), config({ victimRanking: ranking }));
}

const reasons = (record: unknown): Record<string, string | null> =>
  Object.fromEntries((record as { candidates: CandidateRecord[] }).candidates.map((c) => [c.id, c.reason]));

describe('a stored decision record with a pending cancel', () => {
  it.each<VictimRanking>(['distance', 'expectedValue'])(
    'reads back with reason pending-cancel, alone and by reference (%s)',
    (ranking) => {
      const d = decisionBesidePending(ranking);
      expect(d.victims).toEqual(['m']);
      const readable = viaJson(decisionRecord(d));
      expect(reasons(readable)).toEqual({ a: 'pending-cancel', m: null, x: 'external' });
      expect(readStoredRecord(viaJson(storedRecord(d)))).toEqual(readable);
      // The service's writer: the second record of the same book refers to the first row's columns.
      const writer = new StoredRecordWriter();
      const rows = new Map<number, unknown>();
      for (const id of [1, 2]) {
        const draft = writer.record(d);
        rows.set(id, viaJson(draft.record));
        draft.written(id);
      }
      expect(JSON.stringify(rows.get(2))).toContain('sameAs');
      expect(readStoredRecord(rows.get(2), (row) => rows.get(row))).toEqual(readable);
    },
  );

  it.each<VictimRanking>(['distance', 'expectedValue'])(
    'names the saga that is cancelling the order, in every form (%s)',
    (ranking) => {
      const d = decisionBesidePending(ranking);
      const sagas = (record: unknown): Record<string, string | undefined> =>
        Object.fromEntries(
          (record as { candidates: CandidateRecord[] }).candidates.map((c) => [c.id, c.cancelledBy]),
        );
      const readable = viaJson(decisionRecord(d));
      expect(sagas(readable)).toEqual({ a: 's-1', m: undefined, x: undefined });
      expect(sagas(readStoredRecord(viaJson(storedRecord(d))))).toEqual({
        a: 's-1',
        m: undefined,
        x: undefined,
      });
      const writer = new StoredRecordWriter();
      const rows = new Map<number, unknown>();
      for (const id of [1, 2]) {
        const draft = writer.record(d);
        rows.set(id, viaJson(draft.record));
        draft.written(id);
      }
      // Every column of the second row is a reference, and the saga still reads back.
      expect(sagas(readStoredRecord(rows.get(2), (row) => rows.get(row)))).toEqual(sagas(readable));
      // A book with no pending cancel stores nothing for it.
      const quiet = decide(
        { ...inputBesidePending(ranking), orders: inputBesidePending(ranking).orders.slice(1) },
        config({ victimRanking: ranking }),
      );
      expect(JSON.stringify(storedRecord(quiet))).not.toContain('cancelledBy');
    },
  );

  it('keeps the stored codes of the older reasons: the new one is appended', () => {
    expect(INELIGIBLE_REASONS).toEqual([
      null,
      'external',
      'not-entry',
      'probe',
      'same-symbol',
      'no-price',
      'protected-distance',
      'too-young',
      'cooldown',
      'fight-pnl',
      'protected-fill-probability',
      'no-estimate',
      'pending-cancel',
    ]);
  });

  it('reads a record stored before pending-cancel existed with the reasons it was written with', () => {
    expect(reasons(readStoredRecord(STORED_BEFORE))).toEqual({
      x: 'external',
      e: null,
      t: 'not-entry',
      p: 'protected-distance',
      n: 'no-estimate',
      f: 'protected-fill-probability',
    });
  });
});

/**
 * A record as the service stored it before `pending-cancel` existed (reason bytes 1, 0, 2, 6, 11, 10):
 * an expectedValue block with an external order, an exit, an order protected by distance, one without a
 * valuation and one likely to fill within the next bar.
 */
const STORED_BEFORE: unknown = {
  format: 'decision-columns-b64/2',
  time: 1736953200000,
  request: {
    symbol: 'NVDA',
    assetClass: 'stock',
    side: 'buy',
    limitPrice: 100,
    qty: 30,
    price: 100.1,
    forecastPnl: 0,
    cryptoRank: null,
  },
  action: 'block',
  reason: 'steal-not-worth',
  tier: 'stock-normal',
  tolerance: 0.0066,
  distance: 0.0009999999999999432,
  forceImmediate: false,
  readyToSteal: true,
  requesterCooling: false,
  sessionOpen: true,
  requirement: 0.5,
  equity: 6000,
  capacity: 6000,
  usedBefore: 5000,
  usedAfter: 5000,
  marginNeeded: 1500,
  marginFree: 1000,
  shortfall: 500,
  replaces: null,
  victims: [],
  freedMargin: 0,
  fight: false,
  dryRun: false,
  ranking: 'expectedValue',
  requestValue: {
    probability: 0.3,
    nextBarProbability: 0.1,
    expectedReturn: 0.004,
    sigma: 0.01,
    notional: 3000,
    expectedValue: 3.5999999999999996,
  },
  stealTest: {
    stealerValue: 3.5999999999999996,
    stealerCost: 0,
    victimsValue: 2.4,
    victimsNotional: 2000,
    hysteresis: 0.5,
    factor: 1.5,
    costPerNotional: 0.0005,
    lhs: 3.5999999999999996,
    rhs: 4.6,
    passed: false,
  },
  candidates: {
    id: ['x', 'e', 't', 'p', 'n', 'f'],
    symbol: ['AAPL', 'MSFT', 'TSLA', 'AMD', 'NFLX', 'META'],
    side: '000000',
    role: '001000',
    ranked: [1],
    distance: 'exSuR+F6hD97FK5H4XqEP3sUrkfheoQ/9qjx0k1iQD97FK5H4XqEP3sUrkfheoQ/',
    forecastPnl: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    margin: 'AAAAAABAj0AAAAAAAECPQAAAAAAAAAAAAAAAAABAj0AAAAAAAECPQAAAAAAAQI9A',
    placedAt: 'AADwOKRGeUIAAPA4pEZ5QgAA8DikRnlCAADwOKRGeUIAAPA4pEZ5QgAA8DikRnlC',
    reason: 'AQACBgsK',
    value: {
      volatility: 'AAAAAAAA+H97FK5H4XqEPwAAAAAAAPh/AAAAAAAA+H8AAAAAAAD4f3sUrkfheoQ/',
      fillProbability: 'AAAAAAAA+H8zMzMzMzPTPwAAAAAAAPh/AAAAAAAA+H8AAAAAAAD4f83MzMzMzOw/',
      nextBarFillProbability: 'AAAAAAAA+H+amZmZmZm5PwAAAAAAAPh/AAAAAAAA+H8AAAAAAAD4f5qZmZmZmek/',
      expectedReturn: 'AAAAAAAA+H/8qfHSTWJwPwAAAAAAAPh/AAAAAAAA+H8AAAAAAAD4f/yp8dJNYnA/',
      expectedValue: 'AAAAAAAA+H8zMzMzMzMDQAAAAAAAAPh/AAAAAAAA+H8AAAAAAAD4f87MzMzMzBxA',
      density: 'AAAAAAAA+H9hMlUwKqljPwAAAAAAAPh/AAAAAAAA+H8AAAAAAAD4f5PLf0i/fX0/',
    },
  },
};
