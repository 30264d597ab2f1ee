/**
 * A saga's outcome outlives a restart: `GET /v1/sagas/<id>` said `outcome: "stole"` before a restart and null
 * after it. And a stop says in the log how the sagas it ended ended.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  actLikeABot,
  advisoryService,
  capturingLog,
  readyRequest,
  restingOrder,
  closedAfterEachTest,
} from './fixture.js';

const { open, dirs } = closedAfterEachTest();

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-outcome-restart-'));
  dirs.push(dir);
  return dir;
}

describe('saga outcomes across a restart', () => {
  it('a saga that stole still says stole, and one a stop ended says compensated; the stop is logged', async () => {
    const dir = folder();
    const log = capturingLog();
    const first = advisoryService({ equity: 10_000, dir, log: log.log });
    open.push(first);
    await first.service.ready;
    first.service.event({ kind: 'placed', order: restingOrder('eth', 'ETH/USD', 8_000) });
    const steal = await actLikeABot(
      first.service,
      await first.service.request(readyRequest('BTC/USD', 3_000)),
    );
    expect(steal.outcome).toBe('stole');
    const stole = steal.first.saga!.sagaId;
    const waiting = await first.service.request(readyRequest('SOL/USD', 1_000));
    expect(waiting.status).toBe('waiting-for-bot');
    const stopped = waiting.saga!.sagaId;
    expect(first.service.sagaView(stole)?.outcome).toBe('stole');
    await first.service.close('SIGTERM');
    first.store.close();
    open.length = 0;
    expect(log.lines.filter((l) => l.event === 'stopped')).toEqual([
      expect.objectContaining({
        level: 'info',
        reason: 'SIGTERM',
        store: join(dir, 's.sqlite'),
        sagasEnded: [{ sagaId: stopped, state: 'compensated', outcome: 'compensated' }],
      }),
    ]);

    const again = advisoryService({ equity: 10_000, dir });
    open.push(again);
    await again.service.ready;
    expect(again.service.sagaView(stole)).toMatchObject({ state: 'done', outcome: 'stole' }); // before: null
    expect(again.service.sagaView(stopped)).toMatchObject({ state: 'compensated', outcome: 'compensated' });
  });

  it('a saga whose outcome was not stored (an older version) answers the one its state gives, never null', async () => {
    const dir = folder();
    const first = advisoryService({ equity: 10_000, dir });
    open.push(first);
    await first.service.ready;
    first.service.event({ kind: 'placed', order: restingOrder('eth', 'ETH/USD', 6_000) });
    first.service.event({ kind: 'placed', order: restingOrder('sol-old', 'SOL/USD', 1_000) });
    const stole = await actLikeABot(
      first.service,
      await first.service.request(readyRequest('BTC/USD', 6_000)),
    );
    // A request for SOL/USD replaces its resting order: the saga cancels it, then places (no victim).
    const replaced = await actLikeABot(
      first.service,
      await first.service.request(readyRequest('SOL/USD', 1_000)),
    );
    expect([stole.outcome, replaced.first.replaces, replaced.outcome]).toEqual([
      'stole',
      'sol-old',
      'placed',
    ]);
    const stopped = (await first.service.request(readyRequest('ADA/USD', 500))).saga!.sagaId;
    await first.close();
    open.length = 0;
    // As a version before the outcomes were stored left the store.
    const db = new Database(join(dir, 's.sqlite'));
    db.prepare("DELETE FROM events WHERE kind = 'saga-outcome'").run();
    db.close();

    const again = advisoryService({ equity: 10_000, dir });
    open.push(again);
    await again.service.ready;
    const outcome = (sagaId: string) => again.service.sagaView(sagaId)?.outcome;
    // Before: null for each.
    expect(outcome(stole.first.saga!.sagaId)).toBe('stole');
    expect(outcome(replaced.first.saga!.sagaId)).toBe('placed'); // its cancel was the replaced order's
    expect(outcome(stopped)).toBe('compensated');
  });
});
