import { describe, expect, it } from 'vitest';
import { MemoryBroker, type MemoryBrokerFaults } from '../../src/brokers/memory.js';
import type { OpenOrder, Position } from '../../src/core/types.js';
import { harness, type Book, type Harness } from '../support/arbitraries.js';
import { order, request } from '../support/builders.js';
import { expectLedgerIsVenue, ticks, UpdateChannel, usedMargin } from './venue-truth.js';

/**
 * The steal saga against a venue that behaves like Alpaca: cumulative fills, answers lost after the call took
 * effect, stream updates before the answer, repeated or reordered, and `done_for_day`. The base situation is
 * the one of saga-faults.test.ts: equity 2,000 without PDT (stocks hold 50%); AAPL (10% away) and MSFT (5%
 * away) each hold 1,000; NVDA asks for 10 × 100 = 500, so AAPL is the victim.
 */
const aapl = (partial: Partial<OpenOrder> = {}): OpenOrder =>
  order({ id: 'aapl', symbol: 'AAPL', price: 110, ...partial });
const msft = (): OpenOrder => order({ id: 'msft', symbol: 'MSFT', price: 105 });
const nvda = request({ symbol: 'NVDA', price: 100.1 });
const tsla = request({ symbol: 'TSLA', qty: 20, price: 100.1 });

function book(orders: OpenOrder[], positions: Position[] = []): Book {
  return { equity: 2_000, patternDayTrader: false, sessionOpen: true, orders, positions };
}

const run = (orders: OpenOrder[], faults: MemoryBrokerFaults = {}, positions: Position[] = []) =>
  harness({ book: book(orders, positions), faults });

const stolen = (h: Harness): string[][] => h.coordinator.history.all().map((e) => [e.thief, e.victim]);
const states = (h: Harness): string[] => h.journal.transitions.map((t) => t.state);

/** Lose the answer of the first `call` for each id (the call still takes effect at the venue). */
function loseFirst(call: 'cancel' | 'place', times = 1): MemoryBrokerFaults['loseAnswer'] {
  const lost = new Map<string, number>();
  return (c, id) => {
    const n = lost.get(id) ?? 0;
    if (c !== call || n >= times) return false;
    lost.set(id, n + 1);
    return true;
  };
}

describe('cumulative fills (Alpaca reports filled_qty as a running total)', () => {
  const aaplPosition: Position = { symbol: 'AAPL', assetClass: 'stock', qty: 8, price: 100 };

  it('a partly filled victim read back after a restart keeps its size and fill; its fill is not added again', async () => {
    // AAPL was placed for 20, 8 filled before the restart: 12 still open, a position of 8.
    const h = await run([aapl({ qty: 12, filledQty: 8 }), msft()], {}, [aaplPosition]);
    expect(h.coordinator.ledger.placed('aapl')).toBe(20);
    expect(h.coordinator.ledger.filled('aapl')).toBe(8);
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('stole');
    // One victim, one decision: the cancel's cumulative 8 is the fill the ledger already had.
    expect(out.cancelled).toEqual(['aapl']);
    expect(out.decisions).toHaveLength(1);
    expect(h.broker.calls.cancel).toBe(1);
    expect(h.coordinator.ledger.position('AAPL')?.qty).toBe(8);
    expect(usedMargin(h)).toBeCloseTo(400 + 1_000 + 500, 9);
    await expectLedgerIsVenue(h);
  });

  it('the memory venue reports a cancel’s fill as the cumulative quantity, like Alpaca', async () => {
    const broker = new MemoryBroker({
      account: { equity: 2_000, patternDayTrader: false },
      orders: [aapl()],
      faults: { partialFillBeforeCancel: () => 3 },
    });
    broker.fillOrder('aapl', 99, 5);
    expect((await broker.openOrders())[0]).toMatchObject({ qty: 15, filledQty: 5 });
    expect(await broker.cancel('aapl')).toMatchObject({ status: 'cancelled', filledQty: 8 });
    expect(await broker.positions()).toMatchObject([{ symbol: 'AAPL', qty: 8 }]);
  });

  it('a fill the coordinator missed is counted once when the cancel reports it cumulatively', async () => {
    const h = await run([aapl(), msft()], { partialFillBeforeCancel: (o) => (o.id === 'aapl' ? 3 : null) });
    h.broker.fillOrder('aapl', 100, 5); // its stream update is lost
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.cancelled).toEqual(['aapl']);
    expect(h.coordinator.ledger.position('AAPL')?.qty).toBe(8);
    await expectLedgerIsVenue(h);
  });
});

describe('answers lost after the call took effect', () => {
  it('a lost cancel answer: the cancel counts once, the steal is recorded once, the next request goes on', async () => {
    const h = await run([aapl(), msft()], { loseAnswer: loseFirst('cancel') });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('stole');
    expect(out.cancelled).toEqual(['aapl']);
    expect(stolen(h)).toEqual([['NVDA', 'AAPL']]);
    // AAPL's 1,000 is free once, not held and freed both: MSFT 1,000 + NVDA 500.
    expect(usedMargin(h)).toBeCloseTo(1_500, 9);
    await expectLedgerIsVenue(h);
    const next = await h.coordinator.submit(tsla, h.broker);
    expect(next.status).toBe('stole');
    expect(next.decision.victims).toEqual(['msft']);
    expect(stolen(h)).toEqual([
      ['NVDA', 'AAPL'],
      ['TSLA', 'MSFT'],
    ]);
    await expectLedgerIsVenue(h);
  });

  it('a cancel answer lost twice: the request fails, and the next one starts from the venue’s state', async () => {
    const h = await run([aapl(), msft()], { loseAnswer: loseFirst('cancel', 2) });
    await expect(h.coordinator.submit(nvda, h.broker)).rejects.toThrow(/answer to cancel aapl was lost/);
    const next = await h.coordinator.submit(nvda, h.broker);
    // AAPL is gone at the venue: its margin is free, nothing is cancelled, nothing is "not open".
    expect(next.status).toBe('placed');
    expect(h.broker.calls.cancel).toBe(2);
    await expectLedgerIsVenue(h);
  });

  it('a lost place answer: the coordinator looks the client order id up and counts the order', async () => {
    const h = await run([aapl(), msft()], { loseAnswer: loseFirst('place') });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('stole');
    expect(out.orderId).toBe('m1');
    expect(h.broker.calls.placeLimit).toBe(1); // looked up, never sent again
    expect(stolen(h)).toEqual([['NVDA', 'AAPL']]);
    await expectLedgerIsVenue(h);
    // TSLA needs 1,000 with 500 free: it must steal MSFT, not place into NVDA's margin.
    const next = await h.coordinator.submit(tsla, h.broker);
    expect(next.status).toBe('stole');
    expect(usedMargin(h)).toBeLessThanOrEqual(h.coordinator.ledger.capacity(h.config.bufferPct) + 1e-9);
    await expectLedgerIsVenue(h);
  });

  it('a lost place answer that filled meanwhile: the look-up brings the fill', async () => {
    const h = await run([aapl(), msft()], {
      loseAnswer: loseFirst('place'),
      beforeAnswer: (call, id) => (call === 'place' ? h.broker.fillOrder(id, 99.9) : undefined),
    });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('stole');
    expect(h.coordinator.ledger.position('NVDA')?.qty).toBe(10);
    await expectLedgerIsVenue(h);
  });

  it('a place that never reached the venue: compensated, nothing counted', async () => {
    const h = await run([aapl(), msft()], {
      delay: async (call) => {
        if (call === 'place') throw new Error('connection refused');
      },
    });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('compensated');
    expect(out.detail).toMatch(/no such order/);
    expect(usedMargin(h)).toBeCloseTo(1_000, 9);
    await expectLedgerIsVenue(h);
  });

  it('a lost place answer at a venue without a look-up: the venue’s state is read, nothing over-commits', async () => {
    const h = await harness({
      book: book([aapl(), msft()]),
      faults: { loseAnswer: loseFirst('place') },
      broker: (o) => Object.assign(new MemoryBroker(o), { orderByClientId: undefined }),
    });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('aborted');
    expect(out.detail).toMatch(/answer to placing .* was lost/);
    expect(states(h)).toEqual(['requested', 'victims-cancelled', 'aborted']);
    await expectLedgerIsVenue(h);
    expect(usedMargin(h)).toBeCloseTo(1_500, 9);
  });
});

describe('order updates that race the answers', () => {
  it('a fill update that arrives before the place answer is kept and applied', async () => {
    const h: Harness = await run([aapl(), msft()], {
      beforeAnswer: (call, id) => {
        if (call !== 'place') return;
        h.broker.fillOrder(id, 99.9, 4);
        channel.deliver();
      },
    });
    const channel = new UpdateChannel(h.broker, h);
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('stole');
    expect(channel.fates).toContain('early');
    expect(h.coordinator.ledger.position('NVDA')?.qty).toBe(4);
    expect(h.coordinator.ledger.order('m1')?.qty).toBe(6);
    await expectLedgerIsVenue(h);
  });

  it('repeated and reordered updates are counted once', async () => {
    const h = await run([aapl(), msft()]);
    const channel = new UpdateChannel(h.broker, h);
    h.broker.fillOrder('aapl', 100, 5);
    h.broker.fillOrder('aapl', 100, 7);
    h.broker.fillOrder('msft', 100, 20);
    // Newest first, each one twice.
    channel.deliver(
      (n) => n - 1,
      () => true,
    );
    // MSFT's second 'filled' is late (the order is closed); AAPL is still open, so its repeats apply nothing.
    expect(channel.fates).toEqual(['applied', 'late', 'applied', 'applied', 'applied', 'applied']);
    await expectLedgerIsVenue(h);
    h.broker.fillOrder('aapl', 100, 8);
    channel.deliver();
    await expectLedgerIsVenue(h);
  });

  it('the victim’s cancel update arrives before the cancel answer: the steal is still recorded', async () => {
    const h = await run([aapl(), msft()], { beforeAnswer: () => channel.deliver() });
    const channel = new UpdateChannel(h.broker, h);
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('stole');
    expect(stolen(h)).toEqual([['NVDA', 'AAPL']]);
    await expectLedgerIsVenue(h);
  });
});

describe('done_for_day is not terminal', () => {
  it('an order done for the day keeps its margin and can fill the next day', async () => {
    const h = await run([aapl(), msft()]);
    const channel = new UpdateChannel(h.broker, h);
    h.broker.markDoneForDay('aapl');
    channel.deliver();
    expect(h.coordinator.ledger.hasOrder('aapl')).toBe(true);
    expect(usedMargin(h)).toBeCloseTo(2_000, 9);
    h.broker.nextDay(new Map([['aapl', 99]]));
    channel.deliver();
    expect(channel.fates).toEqual(['applied', 'applied', 'applied']);
    expect(h.coordinator.ledger.position('AAPL')?.qty).toBe(20);
    await expectLedgerIsVenue(h);
  });

  it('a victim done for the day: the stealer waits for the cancel, which the next day’s fill can win', async () => {
    const h = await run([aapl(), msft()]);
    h.broker.markDoneForDay('aapl');
    let settled = false;
    const pending = h.coordinator.submit(nvda, h.broker).finally(() => (settled = true));
    await ticks();
    expect(settled).toBe(false);
    expect(h.broker.calls.placeLimit).toBe(0);
    expect(h.broker.waitingForNextDay).toBe(1);
    h.broker.nextDay(new Map([['aapl', 99.5]]));
    const out = await pending;
    expect(out.filledDuringCancel).toEqual(['aapl']);
    expect(out.decisions.map((d) => d.victims)).toEqual([['aapl'], ['msft']]);
    expect(stolen(h)).toEqual([['NVDA', 'MSFT']]);
    await expectLedgerIsVenue(h);
  });
});
