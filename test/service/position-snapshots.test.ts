/**
 * A bot's `position` snapshots and its fill reports take different paths and may cross. Dated with `asOf` (the
 * venue's time), a snapshot taken before a fill and delivered after it does not set the position back, one taken
 * after a fill and delivered before it does not make the fill count twice, and one older than the snapshot held
 * changes nothing. Undated, each counts as it arrives (as before the field existed). broker-replay.test.ts meets
 * these among random deliveries; here each on its own. Every order is a crypto buy at limit 100.
 */
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

const { open } = closedAfterEachTest();
// The service's clock an hour after the venue's times below: a report arrives after what it tells (a time after
// the clock would be taken as the clock's, src/service/event-times.ts).
const start = (equity = 10_000): Harness => {
  const h = advisoryService({ equity, now: T0 + 3_600_000 });
  open.push(h);
  return h;
};
/** An order event as the HTTP layer passes it on (parsed by the schema). */
const send = (h: Harness, body: unknown) => h.service.event(orderEventSchema.parse(body) as OrderEventBody);
const position = (h: Harness, symbol: string) => {
  const held = (h.service.status() as { positions: { symbol: string; qty: number }[] }).positions;
  const ledger = h.service.coordinator.ledger.position(symbol)?.qty ?? 0;
  const book = foldReports(h, 10_000).positions.find((p) => p.symbol === symbol)?.qty ?? 0;
  return { status: held.find((p) => p.symbol === symbol)?.qty ?? 0, ledger, book };
};
const at = (seconds: number): number => T0 + seconds * 1_000;
const snapshot = (qty: number, asOf?: number) => ({
  kind: 'position',
  symbol: 'ETH/USD',
  assetClass: 'crypto',
  qty,
  price: 100,
  ...(asOf === undefined ? {} : { asOf }),
});
const fill = (orderId: string, filledQty: number, asOf?: number) => ({
  kind: 'fill',
  orderId,
  filledQty,
  fillPrice: 100,
  ...(asOf === undefined ? {} : { asOf }),
});

describe('dated position snapshots and fills, delivered crossed', () => {
  it('a snapshot taken before a fill and delivered after it keeps the fill', () => {
    const h = start();
    send(h, { kind: 'placed', order: restingOrder('e1', 'ETH/USD', 3_000) });
    send(h, fill('e1', 10, at(2)));
    const answer = send(h, snapshot(5, at(1))); // 5 held before the fill of 10 at 2 s
    // Before: the snapshot set the position to 5 and the fill of 10 was lost.
    expect(position(h, 'ETH/USD')).toEqual({ status: 15, ledger: 15, book: 15 });
    expect(answer.detail).toBe(
      'position taken: ETH/USD 5 @ 100 as of 2025-06-07T12:00:01.000Z; held as 15 with the fills dated after it',
    );
  });

  it('a snapshot taken after a fill and delivered before it does not count the fill twice', () => {
    const h = start();
    send(h, { kind: 'placed', order: restingOrder('e1', 'ETH/USD', 3_000) });
    send(h, snapshot(15, at(3))); // 5 held before, and e1's 10 filled at 2 s
    send(h, fill('e1', 10, at(2)));
    // Before: 25.
    expect(position(h, 'ETH/USD')).toEqual({ status: 15, ledger: 15, book: 15 });
    send(h, fill('e1', 30, at(4))); // the rest, after the snapshot: it counts
    expect(position(h, 'ETH/USD')).toEqual({ status: 35, ledger: 35, book: 35 });
  });

  it('an older cumulative fill dated inside the snapshot still says what the snapshot holds', () => {
    const h = start();
    send(h, { kind: 'placed', order: restingOrder('e1', 'ETH/USD', 3_000) });
    send(h, fill('e1', 25, at(3))); // delivered first: 25 of e1 filled by 3 s
    send(h, snapshot(10, at(2))); // at 2 s: 10 of them in the position
    expect(position(h, 'ETH/USD').status).toBe(35); // the 10 at 1 s is not reported yet: counted as after
    const older = send(h, fill('e1', 10, at(1)));
    expect(older.applied).toBe(true);
    expect(position(h, 'ETH/USD')).toEqual({ status: 25, ledger: 25, book: 25 });
  });

  it('an older cumulative fill delivered late, before a snapshot dated after it, keeps its date', () => {
    const h = start();
    send(h, { kind: 'placed', order: restingOrder('e1', 'ETH/USD', 3_000) });
    send(h, fill('e1', 25, at(4)));
    const older = send(h, fill('e1', 10, at(2))); // 10 of e1 by 2 s: older than the 25 applied
    expect(older.applied).toBe(true);
    expect(position(h, 'ETH/USD')).toEqual({ status: 25, ledger: 25, book: 25 });
    send(h, snapshot(10, at(3))); // at 3 s the position held e1's 10
    // Before: 35. The older fill was dropped as nothing new, and the snapshot's 10 counted again beyond it.
    expect(position(h, 'ETH/USD')).toEqual({ status: 25, ledger: 25, book: 25 });
    // What its reports already say is no news: a repeat of either changes and keeps nothing.
    expect(send(h, fill('e1', 10, at(2))).applied).toBe(false);
    expect(send(h, fill('e1', 5, at(3))).applied).toBe(false);
  });

  it('a snapshot older than the one held changes nothing', () => {
    const h = start();
    send(h, snapshot(7, at(5)));
    const answer = send(h, snapshot(3, at(4)));
    expect(answer).toEqual({
      applied: false,
      detail:
        'position: this snapshot of ETH/USD as of 2025-06-07T12:00:04.000Z is older than the one held (as of ' +
        '2025-06-07T12:00:05.000Z); nothing changed',
    });
    expect(position(h, 'ETH/USD')).toEqual({ status: 7, ledger: 7, book: 7 });
  });

  it('a snapshot dated before a fill of an order more than 1,000 filled orders back changes nothing', () => {
    const h = start(200_000);
    // 1,001 orders of ETH/USD fill 1 each, at 10 s, 11 s, …: the book keeps the last 1,000 apart.
    for (let i = 0; i <= 1_000; i++) {
      send(h, { kind: 'placed', order: restingOrder(`e${i}`, 'ETH/USD', 100) });
      send(h, fill(`e${i}`, 1, at(10 + i)));
    }
    expect(position(h, 'ETH/USD')).toEqual({ status: 1_001, ledger: 1_001, book: 1_001 });
    // The venue held 0 at 5 s, before every fill; taken, it would count e0's fill as its own and lose it.
    const answer = send(h, snapshot(0, at(5)));
    expect(answer).toEqual({
      applied: false,
      detail:
        'position: this snapshot of ETH/USD as of 2025-06-07T12:00:05.000Z is dated before a fill (as of ' +
        '2025-06-07T12:00:10.000Z) of an order more than 1,000 filled orders back, which the position already ' +
        'holds and this snapshot cannot be told apart from; nothing changed: send a newer snapshot',
    });
    expect(position(h, 'ETH/USD')).toEqual({ status: 1_001, ledger: 1_001, book: 1_001 });
    // One dated after that fill is taken, with the later fills beyond it.
    expect(send(h, snapshot(1, at(10.5))).applied).toBe(true);
    expect(position(h, 'ETH/USD')).toEqual({ status: 1_001, ledger: 1_001, book: 1_001 });
  });

  it('undated, each counts as it arrives: a snapshot replaces the position, a fill after it moves it', () => {
    const h = start();
    send(h, { kind: 'placed', order: restingOrder('e1', 'ETH/USD', 3_000) });
    send(h, fill('e1', 10));
    send(h, snapshot(5));
    expect(position(h, 'ETH/USD').status).toBe(5);
    send(h, fill('e1', 12));
    expect(position(h, 'ETH/USD')).toEqual({ status: 7, ledger: 7, book: 7 });
  });

  it("keeps the coordinator's ledger with the book when a saga's order filled before its placement report", async () => {
    const h = start(20_000);
    const answer = await h.service.request(readyRequest('ETH/USD', 3_000));
    const asked = answer.saga!.waitingFor[0]!;
    expect(asked.kind).toBe('place');
    send(h, fill('x1', 10, at(2))); // held: x1 is not reported placed yet
    send(h, snapshot(10, at(3))); // x1's fill is in it
    if (asked.kind === 'place')
      await h.service.report(answer.saga!.sagaId, {
        kind: 'placed',
        clientOrderId: asked.order.clientOrderId,
        orderId: 'x1',
      });
    expect(position(h, 'ETH/USD')).toEqual({ status: 10, ledger: 10, book: 10 });
  });
});
