import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../src/brokers/alpaca/broker.js';
import type { AlpacaRest } from '../../src/brokers/alpaca/rest.js';
import type { AlpacaOrder, AlpacaStream, TradeUpdate } from '../../src/brokers/alpaca/stream.js';
import type { CancelResult } from '../../src/coordinator/broker.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { OrderEvent } from '../../src/ports/venue.js';

/**
 * A model of one Alpaca order's life on the trade_updates stream (partial fills, `done_for_day`, a pending
 * cancel, and one end: filled, canceled, expired, replaced or rejected), with a cancel of ours waiting on it.
 * The wire must hand on every fill at its cumulative quantity, never end the order before Alpaca does, and the
 * cancel must answer with the order's real end and fills (a replaced order's cancel is rejected: the replacing
 * order holds the margin).
 */
const QTY = 10;

type Working = { kind: 'partial'; qty: number; price: number } | { kind: 'done_for_day' | 'pending_cancel' };
type End = 'fill' | 'canceled' | 'expired' | 'replaced' | 'rejected';

/** Events whose order is still working, and the event and status of each end (Alpaca's names). */
const ENDS: Record<End, { event: string; status: string }> = {
  fill: { event: 'fill', status: 'filled' },
  canceled: { event: 'canceled', status: 'canceled' },
  expired: { event: 'expired', status: 'expired' },
  replaced: { event: 'replaced', status: 'replaced' },
  rejected: { event: 'rejected', status: 'rejected' },
};

const working: fc.Arbitrary<Working> = fc.oneof(
  fc.record({
    kind: fc.constant('partial' as const),
    qty: fc.integer({ min: 1, max: 3 }),
    price: fc.integer({ min: 95, max: 100 }),
  }),
  fc.constantFrom<Working>({ kind: 'done_for_day' }, { kind: 'pending_cancel' }),
);

/** The broker over a stream the test drives and a REST fake that knows the one order as it is now. */
function adapter(order: { current: AlpacaOrder }) {
  let push: (u: TradeUpdate) => void = () => {};
  const stream = {
    onUpdate: (l: (u: TradeUpdate) => void) => (push = l),
    onReconnect: () => {},
    close: () => {},
  } as unknown as AlpacaStream;
  const rest = {
    request: async (method: string, path: string) => {
      if (method === 'DELETE') return { status: 204, data: null };
      if (path === `/v2/orders/${order.current.id}`) return { status: 200, data: { ...order.current } };
      throw new Error(`unexpected ${method} ${path}`);
    },
  } as unknown as AlpacaRest;
  const broker = new AlpacaBroker({
    rest,
    stream,
    log: new Logger([new MemorySink()]),
    cancelPollMs: 3_600_000,
    cancelTimeoutMs: 3_600_000,
  });
  return { broker, push: (u: TradeUpdate) => push(u) };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('the Alpaca wire over any one order life', () => {
  it('hands on every fill at its cumulative quantity and answers the cancel with the real end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(working, { maxLength: 6 }),
        fc.constantFrom<End>('fill', 'canceled', 'expired', 'replaced', 'rejected'),
        async (steps, end) => {
          const order = {
            current: {
              id: 'o1',
              client_order_id: 'ws-abc-1',
              symbol: 'AAPL',
              asset_class: 'us_equity',
              side: 'buy',
              qty: String(QTY),
              filled_qty: '0',
              filled_avg_price: null,
              limit_price: '100',
              status: 'new',
              submitted_at: '2024-03-05T15:00:00Z',
            } as AlpacaOrder,
          };
          const { broker, push } = adapter(order);
          const events: OrderEvent[] = [];
          broker.onOrderEvent((e) => events.push(e));
          let answer: CancelResult | null = null;
          const cancel = broker.cancel('o1').then((r) => (answer = r));
          await flush();

          // The model: cumulative fills and their average price.
          let filled = 0;
          let cost = 0;
          const expectedFills: number[] = [];
          const send = (event: string, status: string) => {
            const avg = filled > 0 ? String(cost / filled) : null;
            order.current = { ...order.current, status, filled_qty: String(filled), filled_avg_price: avg };
            push({ event, order: { ...order.current } });
          };
          for (const s of steps) {
            if (s.kind === 'partial') {
              const qty = Math.min(s.qty, QTY - 1 - filled);
              if (qty <= 0) continue;
              filled += qty;
              cost += qty * s.price;
              expectedFills.push(filled);
              send('partial_fill', 'partially_filled');
            } else send(s.kind, s.kind);
            await flush();
            expect(answer, `the cancel ended while the order still works (${s.kind})`).toBeNull();
          }
          if (end === 'fill') {
            cost += (QTY - filled) * 100;
            filled = QTY;
            expectedFills.push(filled);
          }
          if (end === 'rejected' && filled > 0) return; // Alpaca rejects an order only before it trades
          send(ENDS[end].event, ENDS[end].status);
          await cancel;

          const fills = events.filter((e) => e.kind === 'fill' || e.kind === 'partial_fill');
          expect(fills.map((e) => ('order' in e ? e.order.filledQty : -1))).toEqual(expectedFills);
          for (const e of events)
            if (
              'order' in e &&
              e.kind !== 'fill' &&
              e.kind !== 'canceled' &&
              e.kind !== 'expired' &&
              e.kind !== 'rejected'
            )
              expect(e.order.status === 'open' || e.order.status === 'pending_cancel').toBe(true);
          const avg = filled > 0 ? cost / filled : undefined;
          if (end === 'fill') expect(answer).toEqual({ status: 'filled', filledQty: QTY, fillPrice: avg });
          else if (end === 'rejected') expect(answer).toMatchObject({ status: 'rejected' });
          // Replaced: not cancelled, the replacing order holds the margin (test/brokers/alpaca-replaced.test.ts).
          else if (end === 'replaced')
            expect(answer).toEqual({
              status: 'rejected',
              reason:
                "order o1 was replaced by another order at Alpaca during its cancel; the replacing order holds the margin, so the ledger takes the venue's state",
            });
          else
            expect(answer).toEqual(
              filled > 0
                ? { status: 'cancelled', filledQty: filled, fillPrice: avg }
                : { status: 'cancelled', filledQty: 0 },
            );
          await broker.close();
        },
      ),
      { seed: 20261205, numRuns: 300 },
    );
  });
});
