import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import type { OpenOrder, Side } from '../../src/core/types.js';
import { DEFAULT_SIZING } from '../../src/session/sizing.js';
import { EntryWatcher, type WatchedSignal } from '../../src/session/watchers.js';
import { config, order } from '../support/builders.js';

/**
 * The entry watcher and the coordinator name the same order as a symbol's entry (src/core/policy/
 * symbol-entry.ts). When they did not (the watcher took the first of our entries on a symbol, a request
 * replaced the last), a symbol with two entries of ours was cancelled and placed again at every poll: the
 * request replaced the one placed the poll before and the one the watcher looked at stayed. Whatever rests
 * on the symbol, polls with one signal that holds now change the book at most once, and never touch an
 * external order (another program's, or another run's: src/live/tracked-broker.ts).
 */
const T0 = Date.parse('2025-01-15T15:00:00Z');
const MIN = 60_000;
const account = { equity: 1_000_000, patternDayTrader: false };

interface Resting {
  side: Side;
  key: 'now' | 'old' | null;
  external: boolean;
}

const restingArb = fc.record({
  side: fc.constantFrom<Side>('buy', 'sell'),
  key: fc.constantFrom<'now' | 'old' | null>('now', 'old', null),
  external: fc.boolean(),
});

async function polls(resting: Resting[], side: Side, count: number) {
  let now = T0;
  const orders: OpenOrder[] = resting.map((r, i) =>
    order({ id: `r${i}`, symbol: 'AAPL', side: r.side, external: r.external, placedAt: T0 - (i + 1) * MIN }),
  );
  const keys = new Map<string, string | null>(orders.map((o, i) => [o.id, resting[i]!.key]));
  const broker = new MemoryBroker({ account, orders, now: () => now });
  const c = new Coordinator({
    config: config({ minOrderAgeSec: 0 }),
    clock: { now: () => now },
    calendar: { isRegularSession: () => true },
    account,
  });
  await c.reconcile(broker);
  const signal: WatchedSignal = {
    key: 'now',
    side,
    entry: side === 'buy' ? 99.95 : 100.05,
    takeProfit: side === 'buy' ? 110 : 90,
    edge: 0.1,
    expectedPnl: null,
    validUntil: T0 + 24 * 60 * MIN,
  };
  const w = new EntryWatcher('AAPL', 'stock', 0, T0);
  const touched: string[] = [];
  let placed = 0;
  for (let i = 1; i <= count; i++) {
    now = T0 + i * MIN;
    const plan = w.plan({
      ledger: c.ledger,
      now,
      quotes: new Map([['AAPL', { bid: 100, ask: 100, time: now }]]),
      orderFraction: 0.01,
      sizing: DEFAULT_SIZING,
      margin: DEFAULT_CONFIG.margin,
      signal: () => signal,
      signalKeyOf: (id) => keys.get(id) ?? null,
      stockEntriesClosed: false,
    });
    if (plan.cancel) {
      touched.push(plan.cancel.orderId);
      c.applyCancel(plan.cancel.orderId, await broker.cancel(plan.cancel.orderId));
    }
    if (!plan.request) continue;
    const outcome = await c.submit(plan.request.request, broker);
    if (outcome.decision.replaces) touched.push(outcome.decision.replaces);
    if (outcome.orderId === null) throw new Error(`not placed: ${outcome.status} ${outcome.decision.reason}`);
    placed++;
    keys.set(outcome.orderId, plan.request.signal.key);
  }
  return { placed, touched, external: orders.filter((o) => o.external).map((o) => o.id) };
}

describe("a symbol's entry, as the watcher and a request both name it", () => {
  it('two entries of ours on one symbol, the last placed for the signal now: nothing is cancelled or placed', async () => {
    const r = await polls(
      [
        { side: 'buy', key: 'old', external: false },
        { side: 'buy', key: 'now', external: false },
      ],
      'buy',
      5,
    );
    expect(r).toMatchObject({ placed: 0, touched: [] });
  });

  it('two entries of ours, neither for the signal now: one replacement, then the book holds', async () => {
    const r = await polls(
      [
        { side: 'buy', key: 'old', external: false },
        { side: 'buy', key: null, external: false },
      ],
      'buy',
      5,
    );
    expect(r.placed).toBe(1);
  });

  it('whatever rests, polls on one signal place at most once and never touch an external order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(restingArb, { maxLength: 4 }),
        fc.constantFrom<Side>('buy', 'sell'),
        async (resting, side) => {
          const r = await polls(resting, side, 6);
          expect(r.placed).toBeLessThanOrEqual(1);
          for (const id of r.external) expect(r.touched).not.toContain(id);
          // Each of ours is cancelled or replaced at most once: no order is chased poll after poll.
          expect(new Set(r.touched).size).toBe(r.touched.length);
        },
      ),
      { seed: 20261208, numRuns: 300 },
    );
  });
});
