/**
 * Sagas a crash interrupted and the restart's recovery ended. Their decision rows carry the outcome the recovery
 * gave (they kept `outcome: null` in `GET /v1/decisions`, also after another restart, while `GET /v1/sagas/{id}`
 * said aborted), and no saga is shown ended without an outcome, also while the recovery goes on (one it had
 * ended showed `state: aborted, outcome: null` until every other recovered saga had ended). And a steal counts
 * once its stealer reached the venue, in the recovery as in a running saga (src/coordinator/steal-record.ts): a
 * victim confirmed cancelled whose stealer was never placed leaves no steal and no cooldown; one whose stealer
 * the recovery found at the venue does. Equity 10,000; every order is a crypto buy at limit 100.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sagaEnded, type SagaView } from '../../src/service/views.js';
import { advisoryService, closedAfterEachTest, readyRequest, restingOrder, type Harness } from './fixture.js';

const held = closedAfterEachTest();
const DEADLINE = 30_000;

function start(dir: string, now?: number): Harness {
  const h = advisoryService({ equity: 10_000, dir, deadlineMs: DEADLINE, ...(now ? { now } : {}) });
  held.open.push(h);
  return h;
}

/** kill -9 once what was answered is on disk, then a new process over the same store. */
async function killAndRestart(h: Harness): Promise<Harness> {
  await h.service.durable();
  h.store.close();
  held.open.splice(held.open.indexOf(h), 1);
  const again = start(h.dir, h.timers.now());
  await nextTurn(); // the recovery ends what it can at once, and asks the bots for the rest
  return again;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Status {
  recovering: boolean;
  sagas: SagaView[];
  cooling: { symbol: string }[];
}
const status = (h: Harness) => h.service.status() as unknown as Status;

/** Each saga's decision rows (a saga's request is the only one of its symbol): their outcomes. */
function decisionOutcomes(h: Harness, symbols: readonly string[]): Record<string, (string | null)[]> {
  const rows = h.service.decisionsSince(0, 1_000);
  return Object.fromEntries(
    symbols.map((s) => [s, rows.filter((r) => r.symbol === s).map((r) => r.outcome)]),
  );
}

function steals(h: Harness): { thief: string; victim: string }[] {
  const db = new Database(h.store.path, { readonly: true });
  try {
    return db.prepare('SELECT thief, victim FROM steals ORDER BY id').all() as {
      thief: string;
      victim: string;
    }[];
  } finally {
    db.close();
  }
}

/**
 * Five resting orders of 2,000 each fill the account; each of `n` requests of 2,000 steals one of them (the
 * farthest from its limit first), its saga waiting for that victim's cancel. Returns the sagas in order.
 */
async function sagasWaiting(
  h: Harness,
  n: number,
): Promise<{ sagaId: string; symbol: string; victim: string }[]> {
  await h.service.ready;
  for (let i = 0; i < 5; i++)
    h.service.event({ kind: 'placed', order: restingOrder(`v${i}`, `V${i}/USD`, 2_000, 0.2 - 0.02 * i) });
  const out = [];
  for (let i = 0; i < n; i++) {
    const symbol = `S${i}/USD`;
    const answer = await h.service.request(readyRequest(symbol, 2_000));
    expect(answer.action).toBe('steal');
    out.push({ sagaId: answer.saga!.sagaId, symbol, victim: answer.victims[0]! });
  }
  return out;
}

/** No saga is shown ended without an outcome; an ended one's decision row carries that outcome. */
function expectOutcomesShown(h: Harness, sagas: readonly { sagaId: string; symbol: string }[]): void {
  const rows = decisionOutcomes(
    h,
    sagas.map((s) => s.symbol),
  );
  for (const { sagaId, symbol } of sagas) {
    const view = h.service.sagaView(sagaId)!;
    if (!sagaEnded(view.state)) continue;
    expect(view.outcome, `${sagaId} ${view.state}`).not.toBeNull();
    expect(rows[symbol], `${symbol}'s decision`).toEqual([view.outcome]);
  }
}

describe('sagas the recovery ended', () => {
  it('give their decisions their outcome, and show it while the recovery goes on and after another restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-recovered-outcomes-'));
    held.dirs.push(dir);
    const first = start(dir);
    const [a, b] = await sagasWaiting(first, 2);
    // a's victim is confirmed cancelled (its saga now waits for its placement, never made); b's cancel is out.
    const placing = await first.service.report(a!.sagaId, {
      kind: 'cancelled',
      orderId: a!.victim,
      filledQty: 0,
    });
    expect(placing.waitingFor).toEqual([expect.objectContaining({ kind: 'place' })]);

    const h = await killAndRestart(first);
    expect(status(h).recovering).toBe(true); // it waits for b's cancel
    // a ended at once: its order never reached the venue. Before: state aborted, outcome null, until b ended.
    expect(h.service.sagaView(a!.sagaId)).toMatchObject({ state: 'aborted', outcome: 'aborted' });
    expect(decisionOutcomes(h, [a!.symbol, b!.symbol])).toEqual({
      [a!.symbol]: ['aborted'],
      [b!.symbol]: [null],
    });
    expect(status(h).sagas.find((s) => s.sagaId === b!.sagaId)?.waitingFor).toEqual([
      expect.objectContaining({ kind: 'cancel', orderId: b!.victim }),
    ]);

    await h.service.report(b!.sagaId, { kind: 'cancelled', orderId: b!.victim, filledQty: 0 });
    await h.service.ready;
    expect(h.service.sagaView(b!.sagaId)).toMatchObject({ state: 'aborted', outcome: 'aborted' });
    // Before: both null, as GET /v1/decisions showed them.
    expect(decisionOutcomes(h, [a!.symbol, b!.symbol])).toEqual({
      [a!.symbol]: ['aborted'],
      [b!.symbol]: ['aborted'],
    });
    // Victims cancelled, stealers never placed: no steal, no cooldown (the steal counts once its stealer
    // reached the venue). Each watcher asks again and places into the margin its victim freed.
    expect(steals(h)).toEqual([]);
    expect(status(h).cooling).toEqual([]);
    expect((await h.service.request(readyRequest(a!.symbol, 2_000))).action).toBe('place');

    await h.close();
    held.open.length = 0;
    const again = start(dir, h.timers.now());
    await again.service.ready;
    expect(decisionOutcomes(again, [a!.symbol, b!.symbol])).toEqual({
      // The new request's saga waited for its placement when the service stopped: compensated.
      [a!.symbol]: ['aborted', 'compensated'],
      [b!.symbol]: ['aborted'],
    });
    expect(again.service.sagaView(a!.sagaId)?.outcome).toBe('aborted');
  });

  it('count a steal, with its cooldown, when the recovery finds the stealer at the venue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-recovered-steal-'));
    held.dirs.push(dir);
    const [a] = await sagasWaiting(start(dir), 1);
    const h = await killAndRestart(held.open[0]!);
    // The bot placed a's order before the restart's recovery asked anything (its report crossed the crash).
    h.service.event({
      kind: 'placed',
      order: Object.assign(restingOrder('x-a', a!.symbol, 2_000, 0.001), { clientOrderId: a!.sagaId }),
    });
    const done = await h.service.report(a!.sagaId, { kind: 'cancelled', orderId: a!.victim, filledQty: 0 });
    expect(done).toMatchObject({ state: 'done', outcome: 'stole', orderId: 'x-a' });
    expect(decisionOutcomes(h, [a!.symbol])).toEqual({ [a!.symbol]: ['stole'] });
    expect(steals(h)).toEqual([{ thief: a!.symbol, victim: 'V0/USD' }]);
    expect(status(h).cooling.map((c) => c.symbol)).toEqual(['V0/USD']);
  });

  it('never show one ended without its outcome, however the bots answer the recovery (seed 808)', async () => {
    // Per saga: its victim's cancel confirmed before the kill or not; then, asked again by the recovery, the
    // bot confirms it, refuses it, or lets its deadline pass.
    const plan = fc.array(
      fc.record({
        before: fc.boolean(),
        after: fc.constantFrom('cancelled' as const, 'cancel-rejected' as const, 'deadline' as const),
      }),
      { minLength: 1, maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(plan, async (plans) => {
        const dir = mkdtempSync(join(tmpdir(), 'worksteal-recovered-any-'));
        held.dirs.push(dir);
        const first = start(dir);
        const sagas = await sagasWaiting(first, plans.length);
        for (const [i, p] of plans.entries())
          if (p.before)
            await first.service.report(sagas[i]!.sagaId, {
              kind: 'cancelled',
              orderId: sagas[i]!.victim,
              filledQty: 0,
            });
        let h = await killAndRestart(first);
        for (let step = 0; status(h).recovering && step < 10; step++) {
          expectOutcomesShown(h, sagas);
          const waiting = status(h).sagas.find((s) => s.waitingFor.length > 0);
          if (!waiting) {
            await nextTurn();
            continue;
          }
          const i = sagas.findIndex((s) => s.sagaId === waiting.sagaId);
          const victim = sagas[i]!.victim;
          const after = plans[i]!.after;
          if (after === 'deadline') h.timers.advance(DEADLINE);
          else
            await h.service.report(
              waiting.sagaId,
              after === 'cancelled'
                ? { kind: 'cancelled', orderId: victim, filledQty: 0 }
                : { kind: 'cancel-rejected', orderId: victim, reason: 'too late' },
            );
          await nextTurn();
        }
        await h.service.ready;
        expectOutcomesShown(h, sagas);
        for (const s of sagas) expect(h.service.sagaView(s.sagaId)?.outcome).toBe('aborted');
        expect(steals(h)).toEqual([]); // no stealer reached the venue
        await h.close();
        held.open.length = 0;
        h = start(dir, h.timers.now());
        await h.service.ready;
        expectOutcomesShown(h, sagas);
        await h.close();
        held.open.length = 0;
      }),
      { seed: 808, numRuns: 25 },
    );
  });
});
