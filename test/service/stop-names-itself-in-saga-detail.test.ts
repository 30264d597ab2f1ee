/**
 * A stop ends the sagas still waiting as at their deadline, but says it was the stop: SIGTERM 0.2 s after a
 * request ended its saga with "no report of the cancel of … within 40 s", which never happened.
 */
import { describe, expect, it } from 'vitest';
import { advisoryService, closedAfterEachTest, readyRequest, restingOrder } from './fixture.js';

const { dirs } = closedAfterEachTest();

describe('a stop with sagas waiting for their bots', () => {
  it("names the stop and its signal in each saga's detail, not a deadline", async () => {
    const h = advisoryService({ equity: 10_000, deadlineMs: 40_000 });
    dirs.push(h.dir);
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 8_000) });
    const steal = await h.service.request(readyRequest('BTC/USD', 3_000)); // waits for the cancel of eth-1
    const place = await h.service.request(readyRequest('SOL/USD', 1_000)); // waits for its placement
    expect(steal.saga?.waitingFor[0]?.kind).toBe('cancel');
    expect(place.saga?.waitingFor[0]?.kind).toBe('place');
    h.timers.advance(200);
    await h.service.close('SIGTERM');
    const stole = h.service.tables.saga(steal.saga!.sagaId)!;
    const placed = h.service.tables.saga(place.saga!.sagaId)!;
    h.store.close();
    expect(stole.state).toBe('aborted');
    expect(stole.detail).toBe(
      'cancel of eth-1 rejected: the service stopped (SIGTERM) before the cancel of eth-1 was reported; ' +
        'it still counts as open',
    ); // before: "no report of the cancel of eth-1 within 40 s; it still counts as open"
    expect(placed.state).toBe('compensated');
    expect(placed.detail).toBe(
      `the service stopped (SIGTERM) before the placement of ${place.saga!.clientOrderId} was reported`,
    );
  });
});
