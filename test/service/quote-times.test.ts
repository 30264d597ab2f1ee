/**
 * How old a price is, in `serve` (docs/service.md "How old a price is"): a quote may say when the venue made it
 * (`asOf`); GET /v1/status shows each symbol's last quote and when it was made, and the time beside every order
 * and position its price marks; /metrics has the time as a gauge; a quote made before the one held changes
 * nothing (a late quote would put an older price back), and a time ahead of the service's clock is taken as
 * the clock's. Advisory mode keeps all of it across a restart (the stored quotes are replayed); executing mode
 * holds it from its start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdvisoryBook } from '../../src/service/book.js';
import { heldReportConflict } from '../../src/service/report-checks.js';
import {
  advisoryService,
  closedAfterEachTest,
  executingService,
  foldReports,
  MemoryVenue,
  restingOrder,
  T0,
  type Harness,
} from './fixture.js';

const held = closedAfterEachTest();
const MIN = 60_000;
const iso = (t: number): string => new Date(t).toISOString();

function advisory(dir?: string, now?: number): Harness {
  const h = advisoryService({ equity: 10_000, ...(dir ? { dir } : {}), ...(now ? { now } : {}) });
  held.open.push(h);
  return h;
}

type StatusRow = { id?: string; symbol: string; price: number; quoteTime: string | null };

function status(h: { service: Harness['service'] }) {
  const s = h.service.status() as {
    orders: StatusRow[];
    positions: StatusRow[];
    quotes: { symbol: string; bid: number; ask: number; time: string }[];
  };
  return { orders: s.orders, positions: s.positions, quotes: s.quotes };
}

/** The gauge's value per symbol, as /metrics serves it. */
async function gauge(h: Harness): Promise<Record<string, number>> {
  const text = await h.metrics.text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^worksteal_quote_made_timestamp_seconds\{symbol="([^"]+)"\} (\S+)$/gm))
    out[m[1]!] = Number(m[2]);
  return out;
}

describe('quote times in advisory mode', () => {
  it('shows when each quote was made, refuses an older one, and keeps them across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-quote-times-'));
    held.dirs.push(dir);
    const h = advisory(dir);
    await h.service.ready;
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000) });
    h.service.event({ kind: 'position', symbol: 'BTC/USD', assetClass: 'crypto', qty: 0.05, price: 60_000 });

    // Nothing quoted yet: no quotes, and no time beside the rows.
    expect(status(h).quotes).toEqual([]);
    expect(status(h).orders.map((o) => o.quoteTime)).toEqual([null]);

    // A dated quote: its own time. An undated one: when it arrived.
    const eth = h.service.event({ kind: 'quote', symbol: 'ETH/USD', bid: 104, ask: 105, asOf: T0 - 5 * MIN });
    expect(eth.applied).toBe(true);
    h.timers.advance(MIN);
    expect(h.service.event({ kind: 'quote', symbol: 'BTC/USD', bid: 61_000, ask: 61_010 }).applied).toBe(
      true,
    );
    const s = status(h);
    expect(s.quotes).toEqual([
      { symbol: 'BTC/USD', bid: 61_000, ask: 61_010, time: iso(T0 + MIN) },
      { symbol: 'ETH/USD', bid: 104, ask: 105, time: iso(T0 - 5 * MIN) },
    ]);
    expect(s.orders).toMatchObject([{ id: 'eth-1', price: 105, quoteTime: iso(T0 - 5 * MIN) }]);
    expect(s.positions).toMatchObject([{ symbol: 'BTC/USD', price: 61_005, quoteTime: iso(T0 + MIN) }]);
    expect(await gauge(h)).toEqual({ 'BTC/USD': (T0 + MIN) / 1000, 'ETH/USD': (T0 - 5 * MIN) / 1000 });

    // A quote made before the one held changes nothing, and is not stored.
    const reports = h.service.tables.reports().length;
    const late = h.service.event({ kind: 'quote', symbol: 'ETH/USD', bid: 90, ask: 91, asOf: T0 - 6 * MIN });
    expect(late.applied).toBe(false);
    expect(late.detail).toBe(
      `quote: this quote of ETH/USD was made at ${iso(T0 - 6 * MIN)}, before the one held (bid 104, ask 105, ` +
        `made at ${iso(T0 - 5 * MIN)}); nothing changed`,
    );
    expect(h.service.tables.reports()).toHaveLength(reports);
    expect(status(h).orders).toMatchObject([{ price: 105, quoteTime: iso(T0 - 5 * MIN) }]);

    // A time ahead of the service's clock is taken as the clock's: it cannot outrank the quotes after it.
    h.service.event({ kind: 'quote', symbol: 'ETH/USD', bid: 106, ask: 107, asOf: T0 + 60 * MIN });
    expect(status(h).quotes[1]).toEqual({ symbol: 'ETH/USD', bid: 106, ask: 107, time: iso(T0 + MIN) });
    h.timers.advance(MIN);
    h.service.event({ kind: 'quote', symbol: 'ETH/USD', bid: 108, ask: 109, asOf: T0 + 2 * MIN - 1_000 });
    expect(status(h).orders).toMatchObject([{ price: 109, quoteTime: iso(T0 + 2 * MIN - 1_000) }]);
    const before = status(h);
    await h.close();
    held.open.length = 0;

    // A new process over the same store: the same quotes, the same times, the same refusal.
    const again = advisory(dir, T0 + 3 * MIN);
    await again.service.ready;
    expect(status(again)).toEqual(before);
    expect(await gauge(again)).toEqual({
      'BTC/USD': (T0 + MIN) / 1000,
      'ETH/USD': (T0 + 2 * MIN - 1_000) / 1000,
    });
    const stale = again.service.event({ kind: 'quote', symbol: 'BTC/USD', bid: 1, ask: 1.01, asOf: T0 });
    expect(stale).toMatchObject({ applied: false, detail: expect.stringMatching(/before the one held/) });
  });
});

describe('quote times in executing mode', () => {
  it('shows when each quote was made since the start and refuses an older one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-quote-times-x-'));
    held.dirs.push(dir);
    const broker = new MemoryVenue({ account: { equity: 10_000, patternDayTrader: false }, now: () => T0 });
    const { service, store } = executingService(dir, broker);
    try {
      await service.ready;
      expect(
        service.event({ kind: 'quote', symbol: 'SOL/USD', bid: 150, ask: 151, asOf: T0 - MIN }).applied,
      ).toBe(true);
      const older = service.event({
        kind: 'quote',
        symbol: 'SOL/USD',
        bid: 140,
        ask: 141,
        asOf: T0 - 2 * MIN,
      });
      expect(older).toMatchObject({
        applied: false,
        detail: expect.stringMatching(/^quote: this quote of SOL/),
      });
      expect(status({ service }).quotes).toEqual([
        { symbol: 'SOL/USD', bid: 150, ask: 151, time: iso(T0 - MIN) },
      ]);
    } finally {
      await service.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('quote times, any sequence (property)', () => {
  it("each symbol's held quote is the latest made, a refused one changes nothing, and the stored reports fold to the same", async () => {
    const step = fc.record({
      symbol: fc.constantFrom('ETH/USD', 'SOL/USD'),
      wait: fc.integer({ min: 0, max: 3 * MIN }),
      // Made up to ten minutes before it arrives, up to five after (a clock ahead), or undated.
      made: fc.option(fc.integer({ min: -10 * MIN, max: 5 * MIN }), { nil: undefined }),
      bid: fc.integer({ min: 90, max: 110 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const h = advisoryService({ equity: 10_000 });
        try {
          await h.service.ready;
          h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000) });
          const model = new Map<string, { bid: number; ask: number; time: number }>();
          for (const x of steps) {
            h.timers.advance(x.wait);
            const now = h.timers.now();
            const asOf = x.made === undefined ? undefined : now + x.made;
            const ask = x.bid + 1;
            const answer = h.service.event({ kind: 'quote', symbol: x.symbol, bid: x.bid, ask, asOf });
            const time = Math.min(asOf ?? now, now);
            const heldTime = model.get(x.symbol)?.time;
            expect(answer.applied).toBe(heldTime === undefined || time >= heldTime);
            if (answer.applied) model.set(x.symbol, { bid: x.bid, ask, time });
            const s = status(h);
            expect(s.quotes).toEqual(
              [...model]
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([symbol, q]) => ({ symbol, ...q, time: iso(q.time) })),
            );
            // The resting ETH buy is marked at the ask of the quote held, dated as it.
            const eth = model.get('ETH/USD');
            if (eth) expect(s.orders).toMatchObject([{ price: eth.ask, quoteTime: iso(eth.time) }]);
          }
          // What is stored folds into a book with the same prices (a restart's replay).
          expect(foldReports(h, 10_000)).toEqual(h.service.coordinator.ledger.snapshot());
          const book = new AdvisoryBook({ equity: 10_000, patternDayTrader: false }, heldReportConflict);
          for (const r of h.service.tables.reports()) book.apply(r.event, r.at);
          expect(book.quotes.view()).toEqual(status(h).quotes);
        } finally {
          await h.close();
        }
      }),
      { seed: 4242, numRuns: 25 },
    );
  });
});
