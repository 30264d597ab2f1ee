/**
 * The service's decision log: every decision is one row of the store's `decisions` table, committed before
 * the answer to its request leaves (another connection sees it at once), with its request's outcome.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { actLikeABot, advisoryService, readyRequest, restingOrder, type Harness } from './fixture.js';

let open: Harness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

interface Row {
  symbol: string;
  action: string;
  outcome: string | null;
  latency_ms: number | null;
}

/** The decision rows as a second connection sees them: only what is committed. */
function committedDecisions(h: Harness): Row[] {
  const db = new Database(h.store.path, { readonly: true });
  try {
    return db.prepare('SELECT symbol, action, outcome, latency_ms FROM decisions ORDER BY id').all() as Row[];
  } finally {
    db.close();
  }
}

describe('the decision log of the service', () => {
  it('has each decision committed before its answer, with the outcome once the request ends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 100, max: 6_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 4 }),
        async (needs, resting) => {
          const h = advisoryService({ equity: 10_000 });
          open.push(h);
          // Protected resting orders (0.1% from their limits): a request that does not fit is blocked.
          for (let i = 0; i < resting; i++)
            h.service.event({ kind: 'placed', order: restingOrder(`r${i}`, `R${i}/USD`, 1_500, 0.001) });
          for (const [i, need] of needs.entries()) {
            const symbol = `S${i}/USD`;
            const before = committedDecisions(h).length;
            const first = await h.service.request(readyRequest(symbol, need));
            const mine = committedDecisions(h).slice(before);
            // On disk when the answer is out: one row for the one decision of a request that settled or
            // waits for the bot (this book never makes the saga decide again).
            expect(mine.map((r) => [r.symbol, r.action])).toEqual([[symbol, first.action]]);
            if (first.status !== 'waiting-for-bot') {
              expect(mine[0]!.outcome).toBe(first.status);
              expect(mine[0]!.latency_ms).not.toBeNull();
            } else expect(mine[0]!.outcome).toBeNull();
            const end = await actLikeABot(h.service, first);
            const after = committedDecisions(h).slice(before);
            expect(after.map((r) => r.outcome)).toEqual([end.outcome]);
          }
        },
      ),
      { numRuns: 25, seed: 1404 },
    );
  });
});
