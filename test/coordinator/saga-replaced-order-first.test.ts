import { describe, expect, it } from 'vitest';
import type { MemoryBrokerFaults } from '../../src/brokers/memory.js';
import type { OpenOrder } from '../../src/core/types.js';
import { brokerTruth, harness, type Harness } from '../support/arbitraries.js';
import { order, request } from '../support/builders.js';

/**
 * A steal that also replaces the requester's own resting order cancels that order first, then the victims in
 * rank order, each confirmed, and places only after all of them (README "The rules in one table": the need,
 * replacement). The replaced order is the symbol's own capacity: if its cancel fails, the saga stops before
 * any victim is lost.
 *
 * Equity 2,000 without PDT (stocks hold 50%): NVDA rests 10 × 100 (500), AAPL 20 × 100 (1,000) 10% away.
 * NVDA now asks for 30 × 100 (1,500): 500 free plus its own 500 leaves it 500 short, so AAPL is the victim.
 */
const own = (): OpenOrder => order({ id: 'own', symbol: 'NVDA', qty: 10, price: 100.1 });
const aapl = (): OpenOrder => order({ id: 'aapl', symbol: 'AAPL', price: 110 });
const nvda = request({ symbol: 'NVDA', qty: 30, price: 100.1 });

async function run(faults: MemoryBrokerFaults): Promise<{ h: Harness; calls: string[] }> {
  const h = await harness({
    book: {
      equity: 2_000,
      patternDayTrader: false,
      sessionOpen: true,
      orders: [own(), aapl()],
      positions: [],
    },
    faults,
  });
  const calls: string[] = [];
  const cancel = h.broker.cancel.bind(h.broker);
  const placeLimit = h.broker.placeLimit.bind(h.broker);
  h.broker.cancel = (id) => (calls.push(`cancel ${id}`), cancel(id));
  h.broker.placeLimit = (r) => (calls.push(`place ${r.symbol} ${r.qty}`), placeLimit(r));
  return { h, calls };
}

describe('steal saga: the replaced order is cancelled first', () => {
  it('cancel own, cancel victim, then place', async () => {
    const { h, calls } = await run({});
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.decision.replaces).toBe('own');
    expect(out.decision.victims).toEqual(['aapl']);
    expect(out.status).toBe('stole');
    expect(calls).toEqual(['cancel own', 'cancel aapl', 'place NVDA 30']);
  });

  it('the replaced order’s cancel is rejected: aborted before any victim is cancelled', async () => {
    const { h, calls } = await run({ rejectCancel: (id) => (id === 'own' ? 'locked' : null) });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('aborted');
    expect(out.cancelled).toEqual([]);
    expect(calls).toEqual(['cancel own']);
    const truth = await brokerTruth(h.broker);
    expect(truth.orders.map((o) => o.id).sort()).toEqual(['aapl', 'own']);
    expect(h.coordinator.history.all()).toEqual([]);
  });
});
