/**
 * Orders the coordinator does not place itself (a take-profit: `recordExitOrder`) and cancels outside a steal
 * (an expired signal, an exit re-armed: `applyCancel`), with the venue's order stream delivered as a network
 * does (early, late, twice, out of order). docs/library.md: an update for an order not in the ledger yet is
 * kept until the order is added. After any sequence, once every update is in, the ledger is the venue's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CancelResult } from '../../src/coordinator/broker.js';
import type { MemoryBrokerFaults } from '../../src/brokers/memory.js';
import type { OpenOrder, Position } from '../../src/core/types.js';
import { harness, rng, type Book, type Harness } from '../support/arbitraries.js';
import { expectLedgerIsVenue, UpdateChannel } from './venue-truth.js';

const T0 = Date.UTC(2024, 2, 12, 15);

/** A long position of 10 AAPL and 10 MSFT, a resting entry for NVDA; equity leaves room for all. */
function book(): Book {
  const positions: Position[] = [
    { symbol: 'AAPL', assetClass: 'stock', qty: 10, price: 100 },
    { symbol: 'MSFT', assetClass: 'stock', qty: 10, price: 100 },
  ];
  const orders: OpenOrder[] = [
    {
      id: 'nvda',
      symbol: 'NVDA',
      assetClass: 'stock',
      side: 'buy',
      role: 'entry',
      limitPrice: 95,
      qty: 10,
      price: 100,
      forecastPnl: 10,
      placedAt: T0,
      probe: false,
      external: false,
    },
  ];
  return { equity: 100_000, patternDayTrader: false, sessionOpen: true, orders, positions };
}

let tpSeq = 0;

/** A take-profit placed by the caller, then recorded in the ledger (as the live exit watcher does). */
async function placeTakeProfit(h: Harness, symbol: string, qty: number): Promise<string | null> {
  const terms = {
    symbol,
    assetClass: 'stock' as const,
    side: 'sell' as const,
    role: 'take-profit' as const,
    limitPrice: 105,
    qty,
  };
  const placed = await h.broker.placeLimit({ clientOrderId: `tp-${++tpSeq}`, ...terms });
  if (!placed.ok) return null;
  h.coordinator.recordExitOrder({
    id: placed.orderId,
    ...terms,
    price: null,
    forecastPnl: 0,
    placedAt: h.clock.now(),
    probe: false,
    external: false,
  });
  return placed.orderId;
}

/** A cancel outside a steal as the runtime sends it: a lost answer is sent again (it reports how it closed). */
async function cancelOwn(h: Harness, orderId: string): Promise<CancelResult> {
  let result: CancelResult;
  try {
    result = await h.broker.cancel(orderId);
  } catch {
    result = await h.broker.cancel(orderId);
  }
  h.coordinator.applyCancel(orderId, result);
  return result;
}

describe('a take-profit whose fill races its place answer', () => {
  it.each([
    ['wholly', undefined],
    ['partly', 4],
  ] as const)('filled %s before the answer: applied once the order is recorded', async (_, part) => {
    let channel: UpdateChannel | null = null;
    const faults: MemoryBrokerFaults = {
      beforeAnswer: (call, id) => {
        if (call !== 'place') return;
        h.broker.fillOrder(id, 105, part);
        channel!.deliver(); // the stream is faster than the REST answer
      },
    };
    const h = await harness({ book: book(), faults, now: T0 });
    channel = new UpdateChannel(h.broker, h);
    const id = await placeTakeProfit(h, 'AAPL', 10);
    expect(id).not.toBeNull();
    expect(channel.fates).toContain('early');
    await expectLedgerIsVenue(h);
    expect(h.coordinator.ledger.position('AAPL')?.qty).toBe(part === undefined ? undefined : 6);
  });
});

describe('orders outside a saga, with the stream delivered early, late, twice and out of order', () => {
  it('a cancel acknowledged before the fill events it follows: late events change nothing', async () => {
    const h = await harness({ book: book(), now: T0 });
    const channel = new UpdateChannel(h.broker, h);
    h.broker.fillOrder('nvda', 95, 3);
    h.broker.fillOrder('nvda', 95, 2);
    const result = await cancelOwn(h, 'nvda');
    expect(result).toMatchObject({ status: 'cancelled', filledQty: 5 });
    // The remaining 5 hold no margin any more; the filled 5 are a position.
    expect(h.coordinator.ledger.hasOrder('nvda')).toBe(false);
    expect(h.coordinator.ledger.position('NVDA')?.qty).toBe(5);
    // The stream's fills arrive after the cancel's answer, newest first, each twice.
    channel.queued.reverse();
    channel.deliver(
      () => 0,
      () => true,
    );
    expect(new Set(channel.fates)).toEqual(new Set(['late']));
    await expectLedgerIsVenue(h);
  });

  it('a cancel that loses to a fill: the order is a position, nothing is left resting', async () => {
    const faults: MemoryBrokerFaults = { fillDuringCancel: (o) => o.limitPrice };
    const h = await harness({ book: book(), faults, now: T0 });
    const channel = new UpdateChannel(h.broker, h);
    const result = await cancelOwn(h, 'nvda');
    expect(result.status).toBe('filled');
    channel.deliver();
    await expectLedgerIsVenue(h);
    expect(h.coordinator.ledger.position('NVDA')?.qty).toBe(10);
  });

  type Step =
    | { t: 'tp'; symbol: 'AAPL' | 'MSFT'; qty: number; raceFill: 0 | 0.5 | 1 }
    | { t: 'cancel'; pick: number; fault: 'none' | 'partial' | 'filled' | 'lost' }
    | { t: 'fill'; pick: number; frac: 0.5 | 1 }
    | { t: 'deliver'; some: boolean };

  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      t: fc.constant('tp' as const),
      symbol: fc.constantFrom('AAPL' as const, 'MSFT' as const),
      qty: fc.integer({ min: 1, max: 5 }),
      raceFill: fc.constantFrom(0 as const, 0.5 as const, 1 as const),
    }),
    fc.record({
      t: fc.constant('cancel' as const),
      pick: fc.nat(),
      fault: fc.constantFrom('none' as const, 'partial' as const, 'filled' as const, 'lost' as const),
    }),
    fc.record({
      t: fc.constant('fill' as const),
      pick: fc.nat(),
      frac: fc.constantFrom(0.5 as const, 1 as const),
    }),
    fc.record({ t: fc.constant('deliver' as const), some: fc.boolean() }),
  );

  it('after any sequence, once every update is in, the ledger is the venue (seed 4141)', async () => {
    const fates = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 20 }),
        fc.integer(),
        async (steps, seed) => {
          const r = rng(seed);
          let raceFill = 0;
          let cancelFault: 'none' | 'partial' | 'filled' | 'lost' = 'none';
          const faults: MemoryBrokerFaults = {
            beforeAnswer: (call, id) => {
              if (call === 'place' && raceFill > 0)
                h.broker.fillOrder(id, 105, h.broker.openOrder(id)!.qty * raceFill);
              if (r() < 0.5) deliver(true);
            },
            partialFillBeforeCancel: (o) => (cancelFault === 'partial' ? o.qty / 2 : null),
            fillDuringCancel: (o) => (cancelFault === 'filled' ? o.limitPrice : null),
            loseAnswer: (call) => {
              if (call !== 'cancel' || cancelFault !== 'lost') return false;
              cancelFault = 'none';
              return true;
            },
          };
          const h = await harness({ book: book(), faults, now: T0 });
          const channel = new UpdateChannel(h.broker, h);
          const deliver = (some: boolean): void => {
            const keep = some ? channel.queued.filter(() => r() < 0.4) : [];
            channel.queued.splice(
              0,
              channel.queued.length,
              ...channel.queued.filter((u) => !keep.includes(u)),
            );
            channel.deliver(
              (n) => Math.floor(r() * n),
              () => r() < 0.3,
            );
            channel.queued.push(...keep);
          };
          const pickOpen = async (pick: number): Promise<OpenOrder | undefined> => {
            const open = await h.broker.openOrders();
            return open.length ? open[pick % open.length] : undefined;
          };
          for (const step of steps) {
            if (step.t === 'tp') {
              const held = (await h.broker.positions()).find((p) => p.symbol === step.symbol)?.qty ?? 0;
              const resting = (await h.broker.openOrders())
                .filter((o) => o.symbol === step.symbol && o.role === 'take-profit')
                .reduce((s, o) => s + o.qty, 0);
              if (held - resting < step.qty) continue; // never sell a long through to a short
              raceFill = step.raceFill;
              await placeTakeProfit(h, step.symbol, step.qty);
              raceFill = 0;
            } else if (step.t === 'cancel') {
              const o = await pickOpen(step.pick);
              if (!o) continue;
              cancelFault = step.fault;
              await cancelOwn(h, o.id);
              cancelFault = 'none';
            } else if (step.t === 'fill') {
              const o = await pickOpen(step.pick);
              if (o) h.broker.fillOrder(o.id, o.limitPrice, o.qty * step.frac);
            } else deliver(step.some);
          }
          deliver(false);
          for (const f of channel.fates) fates.add(f);
          await expectLedgerIsVenue(h);
        },
      ),
      { seed: 4141, numRuns: 200 },
    );
    expect([...fates].sort()).toEqual(['applied', 'early', 'late']);
  });
});
