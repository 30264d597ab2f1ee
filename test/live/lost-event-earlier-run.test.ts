/**
 * An order placed by a process that was then killed works on at the venue. When the venue ends it (a late
 * rejection) and that event falls in a stream gap of the next process, the reconcile the gap asks for settles
 * its row too: before, only this run's rows were looked at, and the earlier run's row stayed `open` in the store
 * until the next start (found by the live money model with another seed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import { ManualTimers, readyRequest } from '../service/fixture.js';
import { restingBook, settle, startProcess, type Process } from '../support/money-venue.js';

const dirs: string[] = [];
const processes: Process[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) {
    await p.service.close();
    p.store.close();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('an earlier run’s order ended at the venue while its event was lost in a gap', () => {
  it('has its row settled by the reconcile the gap asks for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-lost-earlier-'));
    dirs.push(dir);
    const timers = new ManualTimers();
    const venue = new MemoryBroker({
      account: { equity: 10_000, patternDayTrader: false },
      orders: restingBook(),
      now: () => timers.now(),
    });
    const first = startProcess(dir, venue, timers);
    await first.service.ready;
    const answer = await first.service.request(readyRequest('S9/USD', 500));
    expect(answer.action).toBe('place');
    const placed = (await venue.openOrders()).find((o) => o.symbol === 'S9/USD')!;
    // kill -9: no stop record; the order works on at the venue.
    first.connection.dead = true;
    await first.service.durable();
    first.store.close();

    const second = startProcess(dir, venue, timers);
    processes.push(second);
    await second.service.ready;
    expect(second.store.orderByOrderId(placed.id)?.status).toBe('open');
    // The venue rejects it late; the event falls in a stream gap and the stream says `resync`.
    second.connection.loseEvent = () => true;
    venue.endOrder(placed.id, 'rejected');
    await settle();
    await second.service.request(readyRequest('S8/USD', 100)); // a request reads the broker before deciding
    await settle();
    // Before: still `open`, a working order the venue no longer holds.
    expect(second.store.orderByOrderId(placed.id)?.status).toBe('rejected');
    expect(second.store.unsettledOrders().map((r) => r.orderId)).not.toContain(placed.id);
  });
});
