import { describe, expect, it } from 'vitest';
import type { MemoryBrokerFaults } from '../../src/brokers/memory.js';
import { harness, type Harness } from '../support/arbitraries.js';
import { request } from '../support/builders.js';
import { expectLedgerIsVenue, UpdateChannel } from './venue-truth.js';

/**
 * The ledger takes the venue's whole state (a reconcile: another saga's resync, or executing mode reading the
 * broker for the next request) while a placement's answer is still on its way. The venue already holds the
 * order then, and may already have filled or ended it: the reconcile counts its position, or finds it closed,
 * and the answer that comes after must not add it again as an open order (its margin held twice, a fill
 * applied on top of the position that already holds it).
 */
const nvda = request({ symbol: 'NVDA', price: 100.1 });

async function run(onPlaced: (h: Harness, orderId: string) => Promise<void> | void): Promise<Harness> {
  // The harness is made with the faults that call back into it.
  const made: { h?: Harness } = {};
  const faults: MemoryBrokerFaults = {
    beforeAnswer: async (call, id) => {
      if (call === 'place') await onPlaced(made.h!, id);
    },
  };
  made.h = await harness({
    book: { equity: 2_000, patternDayTrader: false, sessionOpen: true, orders: [], positions: [] },
    faults,
  });
  return made.h;
}

describe('a reconcile while a placement’s answer is on its way', () => {
  it('the order filled before the reconcile: its position counts once, no open order is left behind', async () => {
    const h = await run(async (h, id) => {
      h.broker.fillOrder(id, 100);
      await h.coordinator.reconcile(h.broker);
    });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('placed');
    expect(h.coordinator.ledger.orders).toEqual([]);
    expect(h.coordinator.ledger.position('NVDA')?.qty).toBe(10);
    await expectLedgerIsVenue(h);
  });

  it('its fill also came as an update before the answer: the fill is not added to the reconciled position', async () => {
    // The channel listens to the harness that run() makes, so it is set once run() has made it.
    const early: { channel?: UpdateChannel } = {};
    const h = await run(async (h, id) => {
      h.broker.fillOrder(id, 100);
      early.channel!.deliver(); // early: the ledger does not know the order yet
      await h.coordinator.reconcile(h.broker);
    });
    early.channel = new UpdateChannel(h.broker, h);
    await h.coordinator.submit(nvda, h.broker);
    expect(h.coordinator.ledger.position('NVDA')?.qty).toBe(10);
    await expectLedgerIsVenue(h);
  });

  it('the venue ended the order before the reconcile: no open order holds margin for it', async () => {
    const h = await run(async (h, id) => {
      h.broker.endOrder(id, 'expired');
      await h.coordinator.reconcile(h.broker);
    });
    await h.coordinator.submit(nvda, h.broker);
    expect(h.coordinator.ledger.orders).toEqual([]);
    await expectLedgerIsVenue(h);
  });

  it('the order is open and partly filled at the reconcile: it is held once with its fill', async () => {
    const h = await run(async (h, id) => {
      h.broker.fillOrder(id, 100, 4);
      await h.coordinator.reconcile(h.broker);
    });
    await h.coordinator.submit(nvda, h.broker);
    expect(h.coordinator.ledger.filled('m1')).toBe(4);
    await expectLedgerIsVenue(h);
  });
});
