/**
 * Advisory mode through the service object (the HTTP layer is tested on its own): many bots at once, one
 * authority over capacity, and sagas that wait for the bots' reports with a deadline.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  actLikeABot,
  advisoryService,
  capacityView,
  foldReports,
  readyRequest,
  restingOrder,
  type Harness,
} from './fixture.js';

let open: Harness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});
const start = (o: Parameters<typeof advisoryService>[0] = {}): Harness => {
  const h = advisoryService(o);
  open.push(h);
  return h;
};

describe('advisory service, several concurrent clients', () => {
  it('serializes decisions: no victim chosen twice, no freed margin spent twice, ledger = the reports', async () => {
    let steals = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            margin: fc.integer({ min: 500, max: 3000 }),
            away: fc.double({ min: 0.01, max: 0.2, noNaN: true }),
          }),
          {
            minLength: 2,
            maxLength: 6,
          },
        ),
        fc.array(fc.integer({ min: 300, max: 4000 }), { minLength: 2, maxLength: 8 }),
        async (resting, needs) => {
          const equity = 10_000;
          const h = advisoryService({ equity });
          try {
            let held = 0;
            resting.forEach((r, i) => {
              if (held + r.margin > equity) return;
              held += r.margin;
              h.service.event({
                kind: 'placed',
                order: restingOrder(`r${i}`, `R${i}/USD`, r.margin, r.away, i),
              });
            });
            // Every client at once; each acts on what its own saga asks of it.
            const ends = await Promise.all(
              needs.map(async (need, i) =>
                actLikeABot(h.service, await h.service.request(readyRequest(`S${i}/USD`, need))),
              ),
            );
            const victims = ends.flatMap((e) => e.first.victims);
            steals += ends.filter((e) => e.outcome === 'stole').length;
            expect(new Set(victims).size, `victims ${victims.join(',')}`).toBe(victims.length);
            const cancels = h.service.tables.reports().filter((r) => r.event.kind === 'cancelled');
            const cancelled = cancels.map((r) => (r.event as { orderId: string }).orderId);
            expect(new Set(cancelled).size).toBe(cancelled.length);
            const status = h.service.status() as { marginUsed: number; marginCapacity: number };
            expect(status.marginUsed).toBeLessThanOrEqual(status.marginCapacity + 1e-6);
            for (const e of ends) expect(['done', null]).toContain(e.state);
            expect(capacityView(h.service.coordinator.ledger.snapshot())).toEqual(
              capacityView(foldReports(h, equity)),
            );
          } finally {
            await h.close();
          }
        },
      ),
      { seed: 1414, numRuns: 25 },
    );
    expect(steals, 'the generated cases must include steals').toBeGreaterThan(10);
  });

  it('a saga whose bot never confirms ends aborted at its deadline, its victim still holding margin', async () => {
    const h = start({ equity: 10_000, deadlineMs: 30_000 });
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 8_000) });
    const before = h.service.status() as { marginUsed: number };
    const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
    expect(answer.status).toBe('waiting-for-bot');
    expect(answer.saga?.waitingFor).toEqual([expect.objectContaining({ kind: 'cancel', orderId: 'eth-1' })]);
    const sagaId = answer.saga!.sagaId;

    h.timers.advance(30_000); // the bot never reports
    await new Promise((r) => setImmediate(r));
    const saga = h.service.sagaView(sagaId)!;
    expect(saga.state).toBe('aborted');
    expect(saga.detail).toMatch(/no report of the cancel of eth-1 within 30 s; it still counts as open/);
    expect(saga.waitingFor).toEqual([]);
    const after = h.service.status() as { marginUsed: number; orders: { id: string }[] };
    expect(after.marginUsed).toBe(before.marginUsed);
    expect(after.orders.map((o) => o.id)).toEqual(['eth-1']);
    expect(h.service.coordinator.history.all()).toEqual([]); // nothing was stolen

    // The cancel, reported late, still frees the margin (once).
    await h.service.report(sagaId, { kind: 'cancelled', orderId: 'eth-1', filledQty: 0 });
    await h.service.report(sagaId, { kind: 'cancelled', orderId: 'eth-1', filledQty: 0 });
    expect((h.service.status() as { orders: unknown[] }).orders).toEqual([]);
    expect(capacityView(h.service.coordinator.ledger.snapshot())).toEqual(
      capacityView(foldReports(h, 10_000)),
    );
  });

  it('a placement never reported ends compensated: the cancel stands, the stealer holds nothing', async () => {
    const h = start({ equity: 10_000, deadlineMs: 5_000 });
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 8_000) });
    const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
    const saga = await h.service.report(answer.saga!.sagaId, {
      kind: 'cancelled',
      orderId: 'eth-1',
      filledQty: 0,
    });
    expect(saga.waitingFor).toEqual([expect.objectContaining({ kind: 'place' })]);
    h.timers.advance(5_000);
    await new Promise((r) => setImmediate(r));
    const end = h.service.sagaView(saga.sagaId)!;
    expect(end.state).toBe('compensated');
    expect(end.outcome).toBe('compensated');
    expect((h.service.status() as { marginUsed: number }).marginUsed).toBe(0);
  });

  it('a victim that filled during its cancel makes the saga decide again', async () => {
    const h = start({ equity: 10_000 });
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 8_000) });
    const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
    const saga = await h.service.report(answer.saga!.sagaId, {
      kind: 'filled',
      orderId: 'eth-1',
      filledQty: 80,
      fillPrice: 100,
    });
    // ETH is now a position holding 8,000: nothing left to steal from, so the request is blocked.
    expect(saga.outcome).toBe('blocked');
    expect(saga.state).toBe('aborted');
    expect(saga.detail).toBe('decided again: block (margin)');
    expect((h.service.status() as { positions: { symbol: string; qty: number }[] }).positions).toEqual([
      expect.objectContaining({ symbol: 'ETH/USD', qty: 80 }),
    ]);
    expect(capacityView(h.service.coordinator.ledger.snapshot())).toEqual(
      capacityView(foldReports(h, 10_000)),
    );
  });

  it('an order event repeated with the same event id counts once', () => {
    const h = start();
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 2_000) });
    const fill = { kind: 'fill' as const, eventId: 'f1', orderId: 'eth-1', filledQty: 5, fillPrice: 100 };
    expect(h.service.event(fill).applied).toBe(true);
    expect(h.service.event(fill).applied).toBe(false);
    expect(h.service.coordinator.ledger.position('ETH/USD')?.qty).toBe(5);
  });
});
