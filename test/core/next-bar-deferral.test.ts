import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config/presets.js';
import { ReturnShrinker } from '../../src/core/fill/returns.js';
import { fillValuator } from '../../src/core/fill/valuator.js';
import { decide } from '../../src/core/policy/decide.js';
import type { Decision } from '../../src/core/policy/decision.js';
import { candidateColumns, VALUE_FIELDS, type ValueField } from '../../src/core/policy/record.js';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import type { Valuator } from '../../src/core/policy/valuation.js';
import type { EntryRequest } from '../../src/core/types.js';
import { CapacityLedger } from '../../src/coordinator/ledger.js';
import { trainedModel } from '../support/trained-model.js';

/**
 * decide() lets the valuator leave the next-bar chances below the protection threshold for later (the
 * calibration's tail: an exponential each, about half the rows after a bar close). Nothing may show it: the
 * decision must be the one a valuator that leaves nothing makes, and every valuation column the decision
 * keeps (records, explain) must hold the very same numbers, bit for bit.
 */

const HOUR = 3_600_000;
const START = Date.parse('2024-03-04T00:00:00Z');
/** A Tuesday, 15:00 UTC: the stock's session is open, so both classes have next-bar chances. */
const NOW = Date.parse('2024-03-19T15:00:00Z');
const CLASSES = ['crypto', 'stock'] as const;
const SYMBOLS = ['BTCUSD', 'AAPL'] as const;

interface Resting {
  symbol: number;
  side: 'buy' | 'sell';
  distance: number;
  hours: number;
}

const restingArb: fc.Arbitrary<Resting> = fc.record({
  symbol: fc.nat({ max: 1 }),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  distance: fc.constantFrom(0.001, 0.004, 0.01, 0.03, 0.06, 0.12),
  hours: fc.constantFrom(0.5, 3, 24, 72),
});

/** The valuator as decide() sees it, but one that never leaves a chance for later. */
function leavingNothing(v: Valuator): Valuator {
  return {
    valueRequest: (r, now, out) => v.valueRequest(r, now, out),
    valueOrder: (o, now, out) => v.valueOrder(o, now, out),
    valueOrders: (orders, rows, count, now, out, stamps) =>
      v.valueOrders!(orders, rows, count, now, out, stamps),
  };
}

function decideOn(book: readonly Resting[], seed: number, protection: number, keep: boolean) {
  const model = trainedModel(seed, START, NOW);
  const returns = new ReturnShrinker({ assetClasses: CLASSES });
  returns.record(0, 0.004);
  returns.record(1, 0.002);
  const validity = new Map<string, number>();
  const valuator = fillValuator({
    model,
    returns,
    symbolIndex: new Map(SYMBOLS.map((s, i) => [s, i])),
    orderValidUntil: (o) => validity.get(o.id) ?? Number.NaN,
    orderValidityFixed: true,
    requestValidUntil: (_r, now) => now + 24 * HOUR,
  });
  let deferred = 0;
  // Counts what the batch left for later, then hands its answer on unchanged.
  const counting: Valuator = {
    ...valuator,
    valueOrders(orders, rows, count, now, out, stamps, deferBelow) {
      const completion = valuator.valueOrders!(orders, rows, count, now, out, stamps, deferBelow);
      for (let k = 0; k < count; k++) if (out.nextBarProbability[rows[k]!]! < 0) deferred++;
      return completion;
    },
  };
  const ledger = new CapacityLedger({ equity: 0, patternDayTrader: false }, 0);
  let margin = 0;
  book.forEach((b, k) => {
    const id = `o${k}`;
    const symbol = SYMBOLS[b.symbol]!;
    const limit = 100 * (b.side === 'buy' ? 1 - b.distance : 1 + b.distance);
    validity.set(id, NOW - HOUR + b.hours * HOUR);
    ledger.addOrder({
      id,
      symbol,
      assetClass: CLASSES[b.symbol]!,
      side: b.side,
      role: 'entry',
      limitPrice: limit,
      qty: 10,
      price: 100,
      forecastPnl: 1,
      placedAt: NOW - HOUR,
      probe: false,
      external: false,
    });
    margin += b.symbol === 1 ? (10 * limit) / 2 : 10 * limit;
  });
  const request: EntryRequest = {
    symbol: 'BTCUSD',
    assetClass: 'crypto',
    side: 'buy',
    limitPrice: 100,
    qty: 10,
    price: 100.05,
    forecastPnl: 5,
    cryptoRank: null,
  };
  const decision = decide(
    {
      now: NOW,
      sessionOpen: true,
      account: { equity: margin, patternDayTrader: false },
      positions: [],
      orders: ledger.orders,
      columns: ledger.columns,
      history: new StealHistory(DEFAULT_CONFIG),
      request,
      valuator: keep ? counting : leavingNothing(valuator),
    },
    {
      ...DEFAULT_CONFIG,
      victimRanking: 'expectedValue',
      protectionFillProbability: protection,
      minOrderAgeSec: 0,
    },
  );
  return { decision, deferred };
}

/** The decision with its candidates as a record would keep them (the valuations read through the table). */
function kept(d: Decision) {
  const c = candidateColumns(d);
  const value = c?.value;
  const fields = value
    ? Object.fromEntries(
        (Object.keys(VALUE_FIELDS) as ValueField[]).map((f) => [f, Array.from(value[f], (x) => x ?? NaN)]),
      )
    : null;
  return {
    action: d.action,
    reason: d.reason,
    victims: d.victims,
    reasons: Array.from(c?.reason ?? []),
    fields,
  };
}

describe('next-bar chances left for later (fast-check, seed 2812)', () => {
  it('change no decision and no number a record keeps', () => {
    let deferred = 0;
    let steals = 0;
    fc.assert(
      fc.property(
        fc.array(restingArb, { minLength: 1, maxLength: 40 }),
        fc.nat({ max: 5 }),
        fc.constantFrom(0, 0.2, 0.5, 0.9),
        (book, seed, protection) => {
          const leaving = decideOn(book, seed, protection, true);
          const whole = decideOn(book, seed, protection, false);
          // Object.is per number (toEqual would let NaN and -0 pass for anything of the same kind).
          const a = kept(leaving.decision);
          const b = kept(whole.decision);
          expect({ ...a, fields: null }).toEqual({ ...b, fields: null });
          for (const f of Object.keys(b.fields ?? {}))
            expect(a.fields![f]!.every((x, i) => Object.is(x, b.fields![f]![i]))).toBe(true);
          deferred += leaving.deferred;
          if (leaving.decision.action === 'steal') steals++;
        },
      ),
      { seed: 2812, numRuns: 120 },
    );
    // The property is about something: chances were left for later, and some decisions stole.
    expect(deferred).toBeGreaterThan(50);
    expect(steals).toBeGreaterThan(5);
  });

  it('are in every copy of the columns a library user may make (spread, structuredClone, JSON)', () => {
    const book: Resting[] = [0.12, 0.06, 0.03, 0.01].flatMap((distance) =>
      [0, 1].map((symbol) => ({ symbol, side: 'buy' as const, distance, hours: 24 })),
    );
    const leaving = decideOn(book, 1, 0.5, true);
    const whole = decideOn(book, 1, 0.5, false);
    expect(leaving.deferred).toBeGreaterThan(0);
    const want = Array.from(whole.decision.candidates!.value!.nextBarProbability);
    const copies = [
      () => ({ ...leaving.decision.candidates!.value! }).nextBarProbability,
      () => structuredClone(leaving.decision.candidates!.value!).nextBarProbability,
    ];
    for (const copy of copies) expect(Array.from(copy()).every((x, i) => Object.is(x, want[i]))).toBe(true);
    const json = JSON.parse(JSON.stringify(leaving.decision.candidates!.value)) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(
      ['density', 'expectedReturn', 'expectedValue', 'nextBarProbability', 'probability', 'sigma'].sort(),
    );
  });
});
