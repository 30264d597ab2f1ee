/**
 * A victim that filled during its cancel, told to the saga dated (`asOf`) when the bot also sends dated position
 * snapshots. A snapshot taken after the fill and delivered before the saga's report already holds the fill: it
 * counts once. Before, saga reports carried no `asOf` (a dated order event answering a saga lost its date) and
 * the fill counted again beside the snapshot, in the book and in the coordinator's ledger. Equity 10,000 at 1x;
 * every order is a crypto buy at limit 100, so margin = quantity × 100. (position-snapshots.test.ts: the same
 * crossings outside a saga.)
 */
import { describe, expect, it } from 'vitest';
import { orderEventSchema, sagaReportSchema, type OrderEventBody } from '../../src/service/reports.js';
import { advisoryService, closedAfterEachTest, foldReports, T0, type Harness } from './fixture.js';
import { stealV1 } from './steal-setup.js';

const { open } = closedAfterEachTest();
const at = (seconds: number): number => T0 + seconds * 1_000;
const send = (h: Harness, body: unknown) => h.service.event(orderEventSchema.parse(body) as OrderEventBody);

/** SOL/USD's position as the status, the coordinator's ledger and the stored reports folded again hold it. */
const solPosition = (h: Harness) => {
  const held = (h.service.status() as { positions: { symbol: string; qty: number }[] }).positions;
  return {
    status: held.find((p) => p.symbol === 'SOL/USD')?.qty ?? 0,
    ledger: h.service.coordinator.ledger.position('SOL/USD')?.qty ?? 0,
    book: foldReports(h, 10_000).positions.find((p) => p.symbol === 'SOL/USD')?.qty ?? 0,
  };
};

/** A fresh service whose saga steals v1 and waits for its cancel (steal-setup.ts). */
async function stealing(): Promise<{ h: Harness; sagaId: string }> {
  // The service's clock an hour after the venue's times below: a report arrives after what it tells.
  const h = advisoryService({ equity: 10_000, now: T0 + 3_600_000 });
  open.push(h);
  return { h, sagaId: (await stealV1(h)).sagaId };
}

const snapshot = (qty: number, asOf: number) => ({
  kind: 'position',
  symbol: 'SOL/USD',
  assetClass: 'crypto',
  qty,
  price: 100,
  asOf,
});

describe('a victim’s fill told to its saga, dated, beside dated snapshots', () => {
  it('a cancel report dated inside a newer snapshot counts its fill once', async () => {
    const { h, sagaId } = await stealing();
    send(h, snapshot(10, at(3))); // v1 filled 10 at 2 s; the snapshot at 3 s holds them
    const report = sagaReportSchema.parse({ kind: 'cancelled', orderId: 'v1', filledQty: 10, asOf: at(2) });
    await h.service.report(sagaId, report);
    // Before: 20 (the snapshot's 10 and the fill's 10 again).
    expect(solPosition(h)).toEqual({ status: 10, ledger: 10, book: 10 });
  });

  it('a whole fill reported dated inside a newer snapshot counts once', async () => {
    const { h, sagaId } = await stealing();
    send(h, snapshot(30, at(3)));
    const report = sagaReportSchema.parse({
      kind: 'filled',
      orderId: 'v1',
      filledQty: 30,
      fillPrice: 100,
      asOf: at(2),
    });
    const answer = await h.service.report(sagaId, report);
    expect(answer.report.applied).toBe(true);
    expect(solPosition(h)).toEqual({ status: 30, ledger: 30, book: 30 });
  });

  it('a dated cancel order event that answers the saga keeps its date', async () => {
    const { h } = await stealing();
    send(h, snapshot(10, at(3)));
    const answer = send(h, { kind: 'cancelled', orderId: 'v1', filledQty: 10, fillPrice: 100, asOf: at(2) });
    expect(answer.detail).toMatch(/which waited for this cancel/);
    await new Promise((resolve) => setImmediate(resolve)); // the saga moves on
    expect(solPosition(h)).toEqual({ status: 10, ledger: 10, book: 10 });
  });

  it('a fill dated after the snapshot still counts, and the saga goes on as before', async () => {
    const { h, sagaId } = await stealing();
    send(h, snapshot(4, at(1)));
    const report = sagaReportSchema.parse({ kind: 'cancelled', orderId: 'v1', filledQty: 10, asOf: at(2) });
    const answer = await h.service.report(sagaId, report);
    expect(solPosition(h)).toEqual({ status: 14, ledger: 14, book: 14 });
    // v1 filled beyond what it had at the decision: the saga decides again (now v2), as for an undated report.
    expect(answer).toMatchObject({ earlierVictims: ['v1'], waitingFor: [{ kind: 'cancel', orderId: 'v2' }] });
  });

  it('a dated report after the saga’s deadline counts as the dated order event it stands for', async () => {
    const { h, sagaId } = await stealing();
    h.timers.advance(30_000); // the bot never confirmed in time: the saga ends, v1 still counts as open
    await new Promise((resolve) => setImmediate(resolve));
    send(h, snapshot(10, at(3)));
    const report = sagaReportSchema.parse({ kind: 'cancelled', orderId: 'v1', filledQty: 10, asOf: at(2) });
    const answer = await h.service.report(sagaId, report);
    expect(answer.report).toMatchObject({ applied: true });
    expect(answer.report.detail).toMatch(/counted as a "cancelled" order event/);
    expect(solPosition(h)).toEqual({ status: 10, ledger: 10, book: 10 });
  });

  it('an undated saga report counts as it arrives, as before asOf existed', async () => {
    const { h, sagaId } = await stealing();
    send(h, snapshot(10, at(3)));
    const answer = await h.service.report(sagaId, { kind: 'cancelled', orderId: 'v1', filledQty: 10 });
    expect(answer).toMatchObject({ earlierVictims: ['v1'], waitingFor: [{ kind: 'cancel', orderId: 'v2' }] });
    expect(solPosition(h)).toEqual({ status: 20, ledger: 20, book: 20 });
  });
});
