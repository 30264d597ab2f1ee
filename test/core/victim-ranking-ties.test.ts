import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OpenOrder } from '../../src/core/types.js';
import { decideIn, order, request, T0 } from '../support/builders.js';

/**
 * Victim ranking (README "The rules in one table"): distance descending; ties by forecast PnL ascending, then
 * older first, then order id. Every resting order below holds 20 × 100 at 50% = 1,000 of margin and the
 * account is full, so a request of (20k − 10) × 100 is short by (k − ½) × 1,000 and takes exactly k victims.
 */
const HOUR = 3_600_000;

interface Spec {
  distance: number;
  forecastPnl: number;
  ageHours: number;
}

const specArb = fc.record({
  distance: fc.constantFrom(0.03, 0.05),
  forecastPnl: fc.constantFrom(0, 1, 2),
  ageHours: fc.constantFrom(1, 2, 3),
});

function book(specs: readonly Spec[]): OpenOrder[] {
  return specs.map((s, i) =>
    order({
      id: `o${String(i).padStart(2, '0')}`,
      symbol: `S${i}`,
      price: 100 * (1 + s.distance),
      forecastPnl: s.forecastPnl,
      placedAt: T0 - s.ageHours * HOUR,
    }),
  );
}

/** The ranking written again from the text. */
function ranked(orders: readonly OpenOrder[]): string[] {
  const dist = (o: OpenOrder) => Math.round(((o.price! - o.limitPrice) / o.limitPrice) * 1e9);
  return [...orders]
    .sort(
      (a, b) =>
        dist(b) - dist(a) ||
        a.forecastPnl - b.forecastPnl ||
        a.placedAt - b.placedAt ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map((o) => o.id);
}

describe('victim ranking ties (distance, then PnL, then age, then id)', () => {
  it('victims are the first k of: distance desc, PnL asc, older first, id — whatever the list order', () => {
    fc.assert(
      fc.property(
        fc.array(specArb, { minLength: 2, maxLength: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1_000 }),
        (specs, wanted, seed) => {
          const k = Math.min(wanted, specs.length);
          const orders = book(specs);
          // The list in some other order: the ranking, not the list, picks the victims.
          const shuffled = orders.map((o, i) => ({ o, key: (i * 7919 + seed) % 101 }));
          shuffled.sort((a, b) => a.key - b.key);
          const d = decideIn({
            equity: orders.length * 1_000,
            orders: shuffled.map((s) => s.o),
            request: request({ symbol: 'NVDA', price: 100.1, qty: 20 * k - 10 }),
          });
          expect(d.action).toBe('steal');
          expect(d.victims).toEqual(ranked(orders).slice(0, k));
        },
      ),
      { seed: 2929, numRuns: 300 },
    );
  });

  it('same distance and PnL: the older order goes first, even when its id sorts later', () => {
    const d = decideIn({
      equity: 2_000,
      orders: [
        order({ id: 'a-young', symbol: 'A', price: 105, placedAt: T0 - HOUR }),
        order({ id: 'z-old', symbol: 'Z', price: 105, placedAt: T0 - 2 * HOUR }),
      ],
      request: request({ symbol: 'NVDA', price: 100.1 }),
    });
    expect(d.victims).toEqual(['z-old']);
  });
});
