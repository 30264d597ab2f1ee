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

  it('answers requests that arrive together only once all their decisions are committed (one commit)', async () => {
    await fc.assert(
      // Each needs more than the 5,500 left free and every resting order is protected: each is blocked at
      // once (a request that places would hold the coordinator until its bot reports).
      fc.asyncProperty(
        fc.array(fc.integer({ min: 6_000, max: 9_000 }), { minLength: 2, maxLength: 8 }),
        async (needs) => {
          const h = advisoryService({ equity: 10_000 });
          open.push(h);
          for (let i = 0; i < 3; i++)
            h.service.event({ kind: 'placed', order: restingOrder(`r${i}`, `R${i}/USD`, 1_500, 0.001) });
          await h.service.durable();
          const before = committedDecisions(h).length;
          // Sent in one turn, as concurrent bots' requests arrive: each answer finds its own row on disk.
          const seen = await Promise.all(
            needs.map((need, i) =>
              h.service
                .request(readyRequest(`S${i}/USD`, need))
                .then(() => committedDecisions(h).slice(before)),
            ),
          );
          for (const [i, rows] of seen.entries()) expect(rows.map((r) => r.symbol)).toContain(`S${i}/USD`);
          expect(seen.at(-1)!.map((r) => r.outcome)).toEqual(needs.map(() => 'blocked'));
        },
      ),
      { numRuns: 15, seed: 1205 },
    );
  });

  it('stores the repeated book once and reads every decision back in full from any page', async () => {
    const h = advisoryService({ equity: 10_000 });
    open.push(h);
    const place = (i: number): void =>
      void h.service.event({ kind: 'placed', order: restingOrder(`r${i}`, `R${i}/USD`, 400, 0.001) });
    for (let i = 0; i < 20; i++) place(i);
    const explained: unknown[] = [];
    const details: (string | null)[] = [];
    for (let i = 0; i < 8; i++) {
      // The book changes once in the middle: its columns are stored in full again, then repeat.
      if (i === 4) place(20);
      h.timers.advance(1_000);
      const answer = await h.service.request(readyRequest(`S${i}/USD`, 5_000), true);
      expect(answer.status).toBe('blocked');
      explained.push(JSON.parse(JSON.stringify(answer.decision)));
      details.push(answer.detail);
    }
    const sizes = (
      h.store.db.prepare('SELECT length(record) AS n FROM decisions ORDER BY id').all() as { n: number }[]
    ).map((r) => r.n);
    // The first decision of each book holds the candidates in full, the next ones refer to it.
    for (const i of [1, 2, 3, 5, 6, 7]) expect(sizes[i]! * 2).toBeLessThan(sizes[0]!);
    expect(sizes[4]!).toBeGreaterThan(sizes[0]!);
    const all = h.service.decisionsSince(0, 100);
    expect(all.map((d) => d.record)).toEqual(explained);
    // Each row keeps the reason in words that the request's answer gave.
    expect(all.map((d) => d.detail)).toEqual(details);
    expect(details.every((d) => d?.startsWith('short of '))).toBe(true);
    // A page that starts after the rows it refers to reads them on its own.
    for (let k = 1; k < all.length; k++)
      expect(h.service.decisionsSince(Date.parse(all[k]!.time), 100)).toEqual(all.slice(k));
  });
});
