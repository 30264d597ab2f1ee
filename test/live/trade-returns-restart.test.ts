import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { VictimRanking } from '../../src/core/config/schema.js';
import type { OrderRole, Side } from '../../src/core/types.js';
import type { RuntimeOptions } from '../../src/live/runtime-options.js';
import { LiveValuation } from '../../src/live/runtime-valuation.js';
import { LiveStore } from '../../src/live/store.js';
import type { OrderEvent } from '../../src/ports/venue.js';

/**
 * What the value rankings learned from closed trades (the realised returns per fill) survives a restart: each
 * trade is stored as it teaches the valuation, and the next run against the same venue learns the trades that
 * closed before its start again (src/live/runtime-valuation.ts). A replay of a period never learns that
 * period's own trades, and another venue's trades teach nothing.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-trade-returns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SYMBOLS = [
  { symbol: 'SOL/USD', assetClass: 'crypto' as const },
  { symbol: 'AAPL', assetClass: 'stock' as const },
];
const HOUR = 3_600_000;
const T0 = Date.parse('2025-01-06T15:00:00Z');

let files = 0;
const freshPath = (): string => join(dir, `store-${files++}.sqlite`);

function liveValuation(store: LiveStore, victimRanking: VictimRanking = 'expectedValue'): LiveValuation {
  const { config } = resolveConfig({ layers: [{ source: 'test', values: { victimRanking } }] });
  // The parts of the runtime's options the valuation reads; it fetches no bars in these tests.
  const options = { config, calendar: nyseCalendar(), symbols: SYMBOLS, barMs: HOUR, store };
  return new LiveValuation(options as unknown as RuntimeOptions, () => null);
}

let orderIds = 0;
function fill(symbol: number, side: Side, role: OrderRole, qty: number, price: number): OrderEvent {
  const s = SYMBOLS[symbol]!;
  return {
    kind: 'fill',
    order: {
      id: `o${++orderIds}`,
      clientOrderId: `c${orderIds}`,
      symbol: s.symbol,
      assetClass: s.assetClass,
      side,
      role,
      limitPrice: price,
      qty,
      filledQty: qty,
      fillPrice: price,
      status: 'filled',
      placedAt: 0,
    },
  };
}

/** One round trip of a symbol: an entry and its take-profit (a gain or a loss), `hours` after the last. */
interface RoundTrip {
  symbol: number;
  side: Side;
  entry: number;
  move: number;
  qty: number;
  hours: number;
}

const tradeArb: fc.Arbitrary<RoundTrip> = fc.record({
  symbol: fc.constantFrom(0, 1),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  entry: fc.double({ min: 1, max: 500, noNaN: true }),
  move: fc.double({ min: -0.1, max: 0.1, noNaN: true }),
  qty: fc.double({ min: 0.1, max: 100, noNaN: true }),
  hours: fc.integer({ min: 1, max: 48 }),
});

/** Run the trades through a valuation, each taught at its time; answers the times. */
function trade(v: LiveValuation, trades: RoundTrip[]): number[] {
  let at = T0;
  return trades.map((t) => {
    at += t.hours * HOUR;
    const exit = t.side === 'buy' ? 'sell' : 'buy';
    v.onOrderEvent(fill(t.symbol, t.side, 'entry', t.qty, t.entry));
    v.onOrderEvent(fill(t.symbol, exit, 'take-profit', t.qty, t.entry * (1 + t.move)));
    v.teachClosedTrades(at);
    return at;
  });
}

const learned = (v: LiveValuation): number[][] =>
  SYMBOLS.map((_, i) => [v.session.returns.trades(i), v.session.returns.expectedReturn(i)]);

describe('realised returns across a restart', () => {
  it('a restarted run learns exactly the trades that closed before its start, nothing else', () => {
    fc.assert(
      fc.property(fc.array(tradeArb, { minLength: 1, maxLength: 12 }), fc.nat(), (trades, cutSeed) => {
        const path = freshPath();
        const first = new LiveStore(path);
        first.startRun('first', 'alpaca', T0, {});
        const before = liveValuation(first);
        expect(before.restoreReturns(T0)).toBe(0);
        const times = trade(before, trades);
        first.close();

        // A restart after all of them learns them all again: the same estimates, bit for bit.
        const again = new LiveStore(path);
        const end = times.at(-1)! + HOUR;
        again.startRun('second', 'alpaca', end, {});
        const restarted = liveValuation(again);
        expect(restarted.restoreReturns(end)).toBe(trades.length);
        expect(learned(restarted)).toEqual(learned(before));
        again.close();

        // A run starting earlier (a replay of the same period) learns only what closed before its start.
        const cut = times[cutSeed % times.length]!;
        const earlier = new LiveStore(path);
        earlier.startRun('third', 'alpaca', cut, {});
        const partial = liveValuation(earlier);
        const scratch = new LiveStore(freshPath());
        const upTo = liveValuation(scratch);
        trade(
          upTo,
          trades.filter((_, k) => times[k]! < cut),
        );
        scratch.close();
        expect(partial.restoreReturns(cut)).toBe(times.filter((t) => t < cut).length);
        expect(learned(partial)).toEqual(learned(upTo));
        earlier.close();
      }),
      { seed: 14, numRuns: 40 },
    );
  });

  it("another venue's trades teach nothing, and under the distance ranking nothing is stored or learned", () => {
    const path = freshPath();
    const alpaca = new LiveStore(path);
    alpaca.startRun('a', 'alpaca', T0, {});
    const v = liveValuation(alpaca);
    trade(v, [{ symbol: 0, side: 'buy', entry: 100, move: 0.05, qty: 1, hours: 1 }]);
    expect(v.session.returns.trades(0)).toBe(1);
    alpaca.close();

    const replay = new LiveStore(path);
    replay.startRun('r', 'replay', T0 + 10 * HOUR, {});
    const other = liveValuation(replay);
    expect(other.restoreReturns(T0 + 10 * HOUR)).toBe(0);
    expect(other.session.returns.trades(0)).toBe(0);
    replay.close();

    const plain = new LiveStore(path);
    plain.startRun('d', 'alpaca', T0 + 20 * HOUR, {});
    const distance = liveValuation(plain, 'distance');
    expect(distance.restoreReturns(T0 + 20 * HOUR)).toBe(0);
    trade(distance, [{ symbol: 1, side: 'buy', entry: 100, move: 0.05, qty: 1, hours: 1 }]);
    const rows = plain.db.prepare('SELECT COUNT(*) AS n FROM trade_returns').get() as { n: number };
    expect(rows.n).toBe(1);
    plain.close();

    // A venue's fill at a price that is not a number teaches nothing and stores nothing (no NULL, no throw).
    const odd = new LiveStore(path);
    odd.startRun('n', 'alpaca', T0 + 30 * HOUR, {});
    const nan = liveValuation(odd);
    nan.onOrderEvent(fill(0, 'buy', 'entry', 1, 100));
    nan.onOrderEvent(fill(0, 'sell', 'take-profit', 1, Number.NaN));
    expect(() => nan.teachClosedTrades(T0 + 31 * HOUR)).not.toThrow();
    expect(nan.session.returns.trades(0)).toBe(0);
    const after = odd.db.prepare('SELECT COUNT(*) AS n FROM trade_returns').get() as { n: number };
    expect(after.n).toBe(1);
    odd.close();
  });
});
