import { describe, expect, it } from 'vitest';
import { MemoryBroker, type MemoryBrokerFaults } from '../../src/brokers/memory.js';
import type { OpenOrder } from '../../src/core/types.js';
import { stolenVictims, stealerReachedVenue } from '../../src/coordinator/steal-record.js';
import { harness, type Harness } from '../support/arbitraries.js';
import { order, request } from '../support/builders.js';
import { expectLedgerIsVenue } from './venue-truth.js';

/**
 * A steal counts when its stealer reached the venue (src/coordinator/steal-record.ts), whichever way the saga
 * learns it. Here: the place answer is lost at a venue that cannot look an order up by its client order id,
 * so the saga ends `aborted` after reading the venue's whole state; the steal is recorded when that state
 * shows the stealer (open, partly filled or filled), and not when the order never arrived. The situation of
 * saga-venue.test.ts: equity 2,000 without PDT; AAPL and MSFT each hold 1,000; NVDA (10 × 100) steals AAPL.
 */
const aapl = (): OpenOrder => order({ id: 'aapl', symbol: 'AAPL', price: 110 });
const msft = (): OpenOrder => order({ id: 'msft', symbol: 'MSFT', price: 105 });
const nvda = request({ symbol: 'NVDA', price: 100.1 });

const stolen = (h: Harness): string[][] => h.coordinator.history.all().map((e) => [e.thief, e.victim]);

/** A venue without a look-up whose first place answer is lost; `faults` on top. */
async function withoutLookUp(faults: (h: () => Harness) => MemoryBrokerFaults): Promise<Harness> {
  let lost = false;
  const made: { h?: Harness } = {};
  const base = faults(() => made.h!);
  made.h = await harness({
    book: {
      equity: 2_000,
      patternDayTrader: false,
      sessionOpen: true,
      orders: [aapl(), msft()],
      positions: [],
    },
    faults: {
      ...base,
      loseAnswer: (call) => call === 'place' && !lost && (lost = true),
    },
    broker: (o) => Object.assign(new MemoryBroker(o), { orderByClientId: undefined }),
  });
  return made.h;
}

describe('a lost place answer at a venue without a look-up', () => {
  it('the order reached the venue and rests there: the steal is recorded', async () => {
    const h = await withoutLookUp(() => ({}));
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('aborted');
    expect(out.cancelled).toEqual(['aapl']);
    expect(h.broker.openOrder('m1')?.symbol).toBe('NVDA');
    expect(stolen(h)).toEqual([['NVDA', 'AAPL']]);
    expect(out.detail).toMatch(/holds the order: the steal is recorded/);
    await expectLedgerIsVenue(h);
  });

  it.each([
    ['filled', undefined],
    ['partly filled', 4],
  ] as const)('the order reached the venue and %s before the state was read: recorded', async (_, qty) => {
    const h = await withoutLookUp((get) => ({
      beforeAnswer: (call, id) => (call === 'place' ? get().broker.fillOrder(id, 99.9, qty) : undefined),
    }));
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('aborted');
    expect(h.coordinator.ledger.position('NVDA')?.qty).toBe(qty ?? 10);
    expect(stolen(h)).toEqual([['NVDA', 'AAPL']]);
    await expectLedgerIsVenue(h);
  });

  it('the order never reached the venue: the cancel stands, nothing is recorded', async () => {
    const h = await withoutLookUp(() => ({
      delay: async (call) => {
        if (call === 'place') throw new Error('connection refused');
      },
    }));
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('aborted');
    expect(out.cancelled).toEqual(['aapl']);
    expect(h.broker.openOrder('aapl')).toBeUndefined();
    expect(h.broker.calls.placeLimit).toBe(1);
    expect(h.coordinator.ledger.orders.map((o) => o.symbol)).toEqual(['MSFT']);
    expect(stolen(h)).toEqual([]);
    await expectLedgerIsVenue(h);
  });
});

describe('the rule', () => {
  it('a stealer the venue holds under any status but rejected reached it', () => {
    expect(stealerReachedVenue(null)).toBe(false);
    expect(stealerReachedVenue('rejected')).toBe(false);
    for (const s of ['open', 'pending_cancel', 'done_for_day', 'filled', 'canceled', 'expired'] as const)
      expect(stealerReachedVenue(s)).toBe(true);
  });

  it('only the victims confirmed cancelled count, and none without the stealer', () => {
    expect(stolenVictims('open', ['a', 'b', 'c'], ['replaced', 'a', 'c'])).toEqual(['a', 'c']);
    expect(stolenVictims('filled', [{ id: 'a' }], ['a'])).toEqual([{ id: 'a' }]);
    expect(stolenVictims('rejected', ['a'], ['a'])).toEqual([]);
    expect(stolenVictims(null, ['a'], ['a'])).toEqual([]);
  });
});
