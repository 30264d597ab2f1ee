/**
 * A victim's fill during its cancel and a dated position snapshot, crossed every way the bot can send them:
 * the snapshot taken before or after the fill, delivered before or after the report; the report to the saga, as
 * an order event that answers it, or to the saga after its deadline; none, part or all of the victim filled;
 * the service restarted mid-saga or not. Every case, not a sample (72 of them): once both are in, the position
 * is the venue's, in the status, in the coordinator's ledger and in the stored reports folded again, and the
 * victim is no longer open. saga-dated-fills.test.ts has the cases one by one. Equity 10,000 at 1x; every order
 * is a crypto buy at limit 100.
 */
import { describe, expect, it } from 'vitest';
import { orderEventSchema, sagaReportSchema, type OrderEventBody } from '../../src/service/reports.js';
import { advisoryService, closeAndRemove, foldReports, T0, type Harness } from './fixture.js';
import { stealV1 } from './steal-setup.js';

const at = (seconds: number): number => T0 + seconds * 1_000;
const VICTIM_QTY = 30;
/** When the victim filled (and its cancel took effect), venue time. */
const FILLED_AT = at(2);

interface Case {
  /** The snapshot is taken before the fill (at 1 s) or after it (at 3 s). */
  snapshotAfterFill: boolean;
  snapshotFirst: boolean;
  channel: 'saga report' | 'order event' | 'late saga report';
  filled: 0 | 0.5 | 1;
  restart: boolean;
}

function allCases(): Case[] {
  const out: Case[] = [];
  for (const snapshotAfterFill of [false, true])
    for (const snapshotFirst of [false, true])
      for (const channel of ['saga report', 'order event', 'late saga report'] as const)
        for (const filled of [0, 0.5, 1] as const)
          for (const restart of [false, true])
            out.push({ snapshotAfterFill, snapshotFirst, channel, filled, restart });
  return out;
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 6; i++) await new Promise((resolve) => setImmediate(resolve));
};
const send = (h: Harness, body: unknown) => h.service.event(orderEventSchema.parse(body) as OrderEventBody);

/** The victim's fill and the end of its cancel, as the case's channel tells them. */
async function report(h: Harness, sagaId: string, c: Case): Promise<void> {
  const qty = VICTIM_QTY * c.filled;
  if (c.channel === 'order event') {
    send(
      h,
      c.filled === 1
        ? { kind: 'fill', orderId: 'v1', filledQty: qty, fillPrice: 100, asOf: FILLED_AT }
        : { kind: 'cancelled', orderId: 'v1', filledQty: qty, fillPrice: 100, asOf: FILLED_AT },
    );
    return settle();
  }
  const body =
    c.filled === 1
      ? { kind: 'filled', orderId: 'v1', filledQty: qty, fillPrice: 100, asOf: FILLED_AT }
      : { kind: 'cancelled', orderId: 'v1', filledQty: qty, fillPrice: 100, asOf: FILLED_AT };
  await h.service.report(sagaId, sagaReportSchema.parse(body));
  await settle();
}

async function run(c: Case): Promise<{ status: number; ledger: number; book: number; v1Open: boolean }> {
  // The service's clock an hour after the venue's times: a report arrives after what it tells.
  let h = advisoryService({ equity: 10_000, now: T0 + 3_600_000 });
  try {
    const sagaId = (await stealV1(h)).sagaId; // v1 holds VICTIM_QTY
    if (c.restart) {
      await h.service.durable();
      h.store.close(); // a kill: no clean stop
      h = advisoryService({ equity: 10_000, dir: h.dir, now: h.timers.now() });
      await settle();
    }
    if (c.channel === 'late saga report') {
      h.timers.advance(30_000); // the saga's deadline: it ends, v1 still counts as open
      await settle();
    }
    const fill = VICTIM_QTY * c.filled;
    const snapshot = {
      kind: 'position',
      symbol: 'SOL/USD',
      assetClass: 'crypto',
      qty: c.snapshotAfterFill ? fill : 0,
      price: 100,
      asOf: c.snapshotAfterFill ? at(3) : at(1),
    };
    if (c.snapshotFirst) send(h, snapshot);
    await report(h, sagaId, c);
    if (!c.snapshotFirst) send(h, snapshot);
    await settle();
    const status = h.service.status() as {
      positions: { symbol: string; qty: number }[];
      orders: { id: string }[];
    };
    return {
      status: status.positions.find((p) => p.symbol === 'SOL/USD')?.qty ?? 0,
      ledger: h.service.coordinator.ledger.position('SOL/USD')?.qty ?? 0,
      book: foldReports(h, 10_000).positions.find((p) => p.symbol === 'SOL/USD')?.qty ?? 0,
      v1Open: status.orders.some((o) => o.id === 'v1'),
    };
  } finally {
    await closeAndRemove(h);
  }
}

describe('a victim’s dated fill and a dated snapshot, crossed every way', () => {
  it('leave the position the venue holds, once both are in', async () => {
    const wrong: string[] = [];
    for (const c of allCases()) {
      const truth = VICTIM_QTY * c.filled;
      const got = await run(c);
      const expected = { status: truth, ledger: truth, book: truth, v1Open: false };
      if (JSON.stringify(got) !== JSON.stringify(expected))
        wrong.push(`${JSON.stringify(c)}: ${JSON.stringify(got)}, the venue ${truth}`);
    }
    expect(wrong).toEqual([]);
  }, 60_000);
});
