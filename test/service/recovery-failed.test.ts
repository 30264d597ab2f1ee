/**
 * A start whose crash recovery fails (the broker cannot be asked about an order an earlier run left working)
 * decides nothing: the ledger may not be the broker's. Before, each request answered 500 "internal error";
 * now it is a 503 naming why and what to do, and `serve` stops (exit 1) so that a supervisor starts it again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { untilStopped } from '../../src/cli/commands/serve.js';
import type { VenueOrder } from '../../src/ports/venue.js';
import { ServiceUnavailable } from '../../src/service/views.js';
import { capturingLog, executingService, MemoryVenue, readyRequest, T0 } from './fixture.js';

/** A broker that cannot be reached for the venue's word on an order. */
class UnreachableVenue extends MemoryVenue {
  override async orderByClientId(): Promise<VenueOrder | null> {
    throw new Error('connect ECONNREFUSED 127.0.0.1:443');
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const start = (dir: string, broker: MemoryVenue) => executingService(dir, broker);

describe('a start whose crash recovery fails', () => {
  it('answers every request 503 naming why, and decides nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-recovery-failed-'));
    dirs.push(dir);
    const venue = () =>
      new MemoryVenue({ account: { equity: 10_000, patternDayTrader: false }, now: () => T0 });
    // An earlier run was killed while an order was on its way: its row is still `sending`.
    const first = start(dir, venue());
    await first.service.ready;
    first.store.recordOrder(
      {
        clientOrderId: 'ws-old-e1',
        orderId: null,
        symbol: 'BTC/USD',
        assetClass: 'crypto',
        side: 'buy',
        role: 'entry',
        limitPrice: 100,
        qty: 1,
        takeProfit: null,
        forecastPnl: 0,
        signalKey: null,
        placedAt: T0,
        status: 'sending',
      },
      T0,
    );
    await first.service.close();
    first.store.close();

    const broker = new UnreachableVenue({
      account: { equity: 10_000, patternDayTrader: false },
      now: () => T0,
    });
    const again = start(dir, broker);
    await expect(again.service.ready).rejects.toThrow(ServiceUnavailable);
    const answer = again.service.request(readyRequest('ETH/USD', 1_000));
    await expect(answer).rejects.toThrow(ServiceUnavailable);
    await expect(answer).rejects.toThrow(
      'crash recovery failed at start (connect ECONNREFUSED 127.0.0.1:443); nothing is decided until ' +
        'worksteal serve is started again, and it recovers again from the store',
    );
    expect(broker.calls.placeLimit).toBe(0);
    await again.service.close();
    again.store.close();
  });

  it('stops serve (why: recovery-failed, logged with the cause); a ready service waits for a signal', async () => {
    const { log, lines } = capturingLog();
    const never = new Promise<string>(() => undefined);
    const cause = new ServiceUnavailable('crash recovery failed at start (connect ECONNREFUSED)');
    expect(await untilStopped(Promise.reject(cause), never, log)).toBe('recovery-failed');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', event: 'recovery-failed', message: cause.message }),
    ]);
    expect(await untilStopped(Promise.resolve(), Promise.resolve('SIGTERM'), log)).toBe('SIGTERM');
  });
});
