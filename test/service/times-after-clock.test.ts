/**
 * A time a bot sends after the service's clock (an event's or a saga report's `asOf`, a placed order's
 * `placedAt`) is taken as the clock's time, by one rule for every kind (src/service/event-times.ts), and the
 * answer says so. Before, only quotes were held to it: a position snapshot dated a year ahead was taken as
 * dated, every correctly dated snapshot after it was refused as "older than the one held", and the position
 * stayed frozen, across a restart too; a fill dated ahead counted beyond every snapshot; an order "placed" a
 * year ahead stayed younger than `minOrderAgeSec`, never a victim. Every order is a crypto buy at limit 100.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderEventSchema, type OrderEventBody } from '../../src/service/reports.js';
import {
  advisoryService,
  closedAfterEachTest,
  foldReports,
  readyRequest,
  restingOrder,
  T0,
  type Harness,
} from './fixture.js';
import { stealV1 } from './steal-setup.js';

const held = closedAfterEachTest();
const YEAR = 365 * 86_400_000;
const iso = (t: number): string => new Date(t).toISOString();

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-times-after-clock-'));
  held.dirs.push(dir);
  return dir;
}

function start(options: { dir?: string; now?: number; config?: Record<string, unknown> } = {}): Harness {
  const h = advisoryService({ equity: 10_000, ...options });
  held.open.push(h);
  return h;
}

/** An order event as the HTTP layer passes it on (parsed by the schema). */
const send = (h: Harness, body: unknown) => h.service.event(orderEventSchema.parse(body) as OrderEventBody);

const snapshot = (symbol: string, qty: number, asOf: number) => ({
  kind: 'position',
  symbol,
  assetClass: 'crypto',
  qty,
  price: 5,
  asOf,
});

/** The position as the status, the coordinator's ledger and the stored reports folded again each hold it. */
function position(h: Harness, symbol: string) {
  const rows = (h.service.status() as { positions: { symbol: string; qty: number }[] }).positions;
  return {
    status: rows.find((p) => p.symbol === symbol)?.qty ?? 0,
    ledger: h.service.coordinator.ledger.position(symbol)?.qty ?? 0,
    book: foldReports(h, 10_000).positions.find((p) => p.symbol === symbol)?.qty ?? 0,
  };
}

const note = (field: string, sent: number, now: number, ahead: string): string =>
  `; ${field} ${sent} (${iso(sent)}) is after the service's clock (${iso(now)}): taken as ${iso(now)}. ` +
  `The bot's clock runs ${ahead} ahead of the service's (or the service's runs behind): set both from NTP and ` +
  "send the venue's own timestamp";

describe('a time after the service’s clock', () => {
  it('dates a position snapshot at the clock: a correctly dated one after it is taken, also after a restart', async () => {
    const dir = folder();
    const h = start({ dir });
    await h.service.ready;
    const ahead = send(h, snapshot('FIL/USD', 16, T0 + YEAR));
    expect(ahead).toEqual({
      applied: true,
      detail: `position taken: FIL/USD 16 @ 5 as of ${iso(T0)}` + note('asOf', T0 + YEAR, T0, '365 days'),
    });
    h.timers.advance(1_000);
    // Before: refused, "older than the one held (as of 2026-06-07…)"; the position stayed 16.
    expect(send(h, snapshot('FIL/USD', 20, T0 + 1_000))).toEqual({
      applied: true,
      detail: `position taken: FIL/USD 20 @ 5 as of ${iso(T0 + 1_000)}`,
    });
    expect(position(h, 'FIL/USD')).toEqual({ status: 20, ledger: 20, book: 20 });
    // A snapshot older than the one held is still refused: the rule moves no time backwards.
    expect(send(h, snapshot('FIL/USD', 7, T0 + 500)).applied).toBe(false);

    // The year 5138 (an epoch in seconds × 1000 × 1000): taken as the clock's time too, and said.
    h.timers.advance(1_000);
    const far = send(h, snapshot('FIL/USD', 18, 99_999_999_999_999));
    expect(far.detail).toContain(`as of ${iso(T0 + 2_000)}; asOf 99999999999999 (5138-11-16T09:46:39.999Z)`);
    await h.close();
    held.open.length = 0;

    // The stored reports, replayed: the same times, so the next correctly dated snapshot is taken.
    const again = start({ dir, now: T0 + 60_000 });
    await again.service.ready;
    expect(position(again, 'FIL/USD')).toEqual({ status: 18, ledger: 18, book: 18 });
    expect(send(again, snapshot('FIL/USD', 3, T0 + 60_000)).applied).toBe(true);
    expect(position(again, 'FIL/USD')).toEqual({ status: 3, ledger: 3, book: 3 });
  });

  it('dates a fill at the clock: a snapshot taken after it holds it, counted once', () => {
    const h = start();
    send(h, { kind: 'placed', order: restingOrder('e1', 'ETH/USD', 3_000) });
    send(h, snapshot('ETH/USD', 0, T0 - 60_000));
    const fill = send(h, { kind: 'fill', orderId: 'e1', filledQty: 10, fillPrice: 100, asOf: T0 + YEAR });
    expect(fill.detail).toBe('order e1 open, 10 of 30 filled' + note('asOf', T0 + YEAR, T0, '365 days'));
    h.timers.advance(1_000);
    send(h, snapshot('ETH/USD', 10, T0 + 1_000)); // the venue's position after that fill
    // Before: the fill, dated a year after this snapshot, counted beyond it: 20.
    expect(position(h, 'ETH/USD')).toEqual({ status: 10, ledger: 10, book: 10 });
  });

  it('dates an order placed "in the future" at the clock: it ages, and may be stolen from', async () => {
    const h = start({ config: { minOrderAgeSec: 60 } });
    await h.service.ready;
    const placed = send(h, {
      kind: 'placed',
      order: Object.assign(restingOrder('eth-1', 'ETH/USD', 8_000), { placedAt: T0 + YEAR }),
    });
    expect(placed.detail).toBe(
      'order eth-1 taken: buy 80 ETH/USD @ 100, open' + note('order.placedAt', T0 + YEAR, T0, '365 days'),
    );
    h.timers.advance(120_000);
    // Before: still "younger" than 60 s for a year, so no victim: blocked.
    const steal = await h.service.request(readyRequest('BTC/USD', 3_000));
    expect(steal).toMatchObject({ action: 'steal', victims: ['eth-1'] });
  });

  it('dates a saga report at the clock, and its answer says so', async () => {
    const h = start();
    await h.service.ready;
    const saga = await stealV1(h);
    h.timers.advance(1_000);
    const answer = await h.service.report(saga.sagaId, {
      kind: 'cancelled',
      orderId: 'v1',
      filledQty: 0,
      asOf: T0 + 1_000 + 90 * 60_000,
    });
    expect(answer.report.detail).toBe(
      `answered saga ${saga.sagaId}, which waited for it` +
        note('asOf', T0 + 1_000 + 90 * 60_000, T0 + 1_000, '1.5 hours'),
    );
  });

  it('says nothing of a time at the clock; a lead of milliseconds is named in milliseconds', () => {
    const h = start();
    expect(send(h, snapshot('FIL/USD', 16, T0)).detail).toBe(
      `position taken: FIL/USD 16 @ 5 as of ${iso(T0)}`,
    );
    expect(send(h, { kind: 'quote', symbol: 'FIL/USD', bid: 5, ask: 5.01, asOf: T0 + 250 }).detail).toBe(
      'quote taken: FIL/USD bid 5, ask 5.01' + note('asOf', T0 + 250, T0, '250 ms'),
    );
  });

  it('holds the snapshot latest on the clock, whatever the times sent and however the clock moves (seed 5138)', async () => {
    const step = fc.record({
      wait: fc.integer({ min: 0, max: 300_000 }),
      // From ten minutes before the arrival to two years after it.
      lead: fc.integer({ min: -600_000, max: 2 * YEAR }),
      qty: fc.integer({ min: -50, max: 50 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const dir = folder();
        const h = start({ dir });
        await h.service.ready;
        // The model: a snapshot counts at min(asOf, arrival); one dated before the one held changes nothing.
        let model: { qty: number; at: number } | null = null;
        for (const s of steps) {
          h.timers.advance(s.wait);
          const now = h.timers.now();
          const at = Math.min(now + s.lead, now);
          const answer = send(h, snapshot('FIL/USD', s.qty, now + s.lead));
          const taken = model === null || at >= model.at;
          expect(answer.applied).toBe(taken);
          if (taken) model = { qty: s.qty, at };
          expect(position(h, 'FIL/USD')).toEqual({
            status: model!.qty,
            ledger: model!.qty,
            book: model!.qty,
          });
        }
        await h.close();
        held.open.length = 0;
        const again = start({ dir, now: T0 + 3 * YEAR });
        await again.service.ready;
        expect(position(again, 'FIL/USD').status).toBe(model!.qty);
        await again.close();
        held.open.length = 0;
      }),
      { seed: 5138, numRuns: 40 },
    );
  });
});
