/**
 * The service stopped (SIGTERM) while a saga waits for its bot: the saga ends as at its deadline, and its
 * outcome is written before the store closes. Before, the outcome arrived after the store had closed: the
 * process crashed at exit ("The database connection is not open") and the decision kept no outcome.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { advisoryService, readyRequest } from './fixture.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('stopping with a saga waiting for its bot', () => {
  it('ends the saga and writes its outcome before the store closes', async () => {
    const h = advisoryService({ equity: 10_000 });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
      expect(answer.status).toBe('waiting-for-bot');
      await h.service.close('SIGTERM');
      h.store.close();
      await tick();
      await tick();
      const db = new Database(h.store.path, { readonly: true });
      const rows = db.prepare('SELECT outcome FROM decisions').all();
      const saga = db.prepare('SELECT state FROM sagas').get() as { state: string };
      db.close();
      expect(rows).toEqual([{ outcome: 'compensated' }]); // before: null
      expect(saga.state).toBe('compensated');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      rmSync(h.dir, { recursive: true, force: true });
    }
  });
});
