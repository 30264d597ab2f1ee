import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { OrderEvent } from '../../src/ports/venue.js';
import { LiveMetrics } from '../../src/live/metrics.js';
import { ReplayBroker, ReplayMarketData } from '../../src/live/replay-broker.js';
import { Runtime } from '../../src/live/runtime.js';
import type { LiveSignal, SignalSource } from '../../src/live/signals-source.js';
import { LiveStore } from '../../src/live/store.js';
import { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';

/**
 * The run loop killed at any poll of a trading day and started again at any time before the next open: the
 * end-of-day deleveraging still brings stock margin within the overnight requirement (DESIGN §3). A kill is
 * the store closed without its stop record and the runtime dropped; the venue lives on.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-loop-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HALF_HOUR = 1_800_000;
const OPEN = Date.parse('2024-03-05T14:30:00Z');
const CLOSE = Date.parse('2024-03-05T21:00:00Z');
const NEXT_OPEN = Date.parse('2024-03-06T14:30:00Z');
const SYMBOLS = ['AAA', 'BBB', 'CCC'];

/** Flat half-hour stock bars at 100 over two sessions; the low dips to 99 at bar `dip` (CCC's entry fills). */
function bars(symbol: string, dip: number): BarSeries {
  const times: number[] = [];
  for (const [open, close] of [
    [OPEN, CLOSE],
    [NEXT_OPEN, NEXT_OPEN + CLOSE - OPEN],
  ] as const)
    for (let t = open; t < close; t += HALF_HOUR) times.push(t);
  const n = times.length;
  const flat = (v: number) => new Float64Array(n).fill(v);
  const low = flat(99.8);
  if (dip >= 0) low[dip] = 99;
  return {
    symbol,
    assetClass: 'stock',
    intervalMs: HALF_HOUR,
    time: Float64Array.from(times),
    open: flat(100),
    high: flat(100.2),
    low,
    close: flat(100),
    volume: flat(1000),
    source: { path: `${symbol}.csv`, sha256: '', layout: 'test', timezone: 'UTC' },
  };
}

/** One buy signal for CCC, valid all day: a resting stock entry the window must cancel. */
class FixedSignals implements SignalSource {
  async refresh(): Promise<void> {}
  current(symbol: string): LiveSignal | null {
    if (symbol !== 'CCC') return null;
    return {
      key: 'CCC-1',
      side: 'buy',
      entry: 99.6,
      takeProfit: 102,
      expectedPnl: 100,
      edge: 102 / 99.6 - 1,
      validUntil: Number.POSITIVE_INFINITY,
    };
  }
  consume(): void {}
  close(): void {}
}

/** A replay broker whose process can die: from then on its runtime hears no order event. */
class KillableBroker extends ReplayBroker {
  private readonly listeners: (() => void)[] = [];
  constructor(venue: BarVenue) {
    super(venue);
    // A venue that outlives the process, as a broker's does (a replay's own name makes each run its own world).
    (this as { name: string }).name = 'restartable';
  }
  override onOrderEvent(listener: (event: OrderEvent) => void): () => void {
    const off = super.onOrderEvent(listener);
    this.listeners.push(off);
    return off;
  }
  kill(): void {
    for (const off of this.listeners.splice(0)) off();
  }
}

let runs = 0;

/**
 * A pattern-day-trader account holding 250,000 of stock on 85,000 of equity (AAA bought at 110, BBB at 100):
 * within 4x intraday, 125,000 of margin at 2x overnight. Killed after the poll at `killAt`, started again at
 * `restartAt` (after the close) for one poll.
 */
async function killAndRestart(killAt: number, restartAt: number, until = restartAt, dip = -1) {
  const name = `run${runs++}`;
  const db = join(dir, `${name}.sqlite`);
  const config = resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          sim: { feesBps: 0 },
          live: { initialEquity: 100_000, orderFraction: 0.1, pollSec: 900, stateDb: db },
        },
      },
    ],
  }).config;
  const calendar = nyseCalendar();
  let time = new DecisionTime(new AcceleratedClock(OPEN, 1e9), OPEN);
  const venue = new BarVenue({
    series: SYMBOLS.map((symbol) => bars(symbol, symbol === 'CCC' ? dip : -1)),
    calendar,
    cash: config.live.initialEquity,
    feeRate: 0,
    patternDayTrader: true,
    margin: config.margin,
    now: () => time.now(),
  });
  for (const [symbol, qty, price] of [
    ['AAA', 1500, 110],
    ['BBB', 1000, 100],
  ] as const) {
    const placed = venue.place({
      clientOrderId: `seed-${symbol}`,
      symbol,
      side: 'buy',
      role: 'entry',
      limitPrice: price,
      qty,
    });
    if (!placed.ok) throw new Error(placed.reason);
    venue.fillNow(placed.order.id, price);
  }
  const runtime = (runTag: string, broker: KillableBroker, store: LiveStore, start: number, end: number) =>
    new Runtime({
      config,
      broker,
      marketData: new ReplayMarketData(venue),
      signals: new FixedSignals(),
      time,
      calendar,
      store,
      metrics: new LiveMetrics(),
      log: new Logger([new MemorySink()]),
      symbols: SYMBOLS.map((symbol) => ({ symbol, assetClass: 'stock' as const })),
      runTag,
      start,
      end,
    });
  const first = new LiveStore(db);
  const killed = new KillableBroker(venue);
  const before = runtime(`${name}a`, killed, first, OPEN, killAt);
  await before.start();
  expect(await before.run()).toBe('end');
  killed.kill(); // no stop record, and the venue keeps whatever rests there
  first.close();
  time = new DecisionTime(new AcceleratedClock(restartAt, 1e9), restartAt);
  const second = new LiveStore(db);
  const after = runtime(`${name}b`, new KillableBroker(venue), second, restartAt, until);
  await after.start();
  expect(await after.run()).toBe('end');
  await after.stop('end-of-data', false);
  second.close();
  return venue;
}

/** Overnight (2x) stock margin of the positions left once every resting trim has traded, against equity. */
function overnightExcess(venue: BarVenue): number {
  const held = new Map(venue.positions().map((p) => [p.symbol, p.qty]));
  for (const o of venue.openOrders())
    if (o.role === 'exit')
      held.set(o.symbol, (held.get(o.symbol) ?? 0) + (o.side === 'sell' ? -1 : 1) * (o.qty - o.filledQty));
  let notional = 0;
  for (const qty of held.values()) notional += Math.abs(qty) * 100;
  return notional * 0.5 - venue.account().equity;
}

describe('the run loop killed during a trading day and restarted before the next open', () => {
  it('still deleverages to the overnight requirement', async () => {
    const polls = Math.round((CLOSE - OPEN) / (15 * 60_000));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: polls - 1 }),
        fc.integer({ min: 0, max: Math.round((NEXT_OPEN - CLOSE) / (15 * 60_000)) - 1 }),
        async (killPoll, restartPoll) => {
          const venue = await killAndRestart(
            OPEN + killPoll * 15 * 60_000,
            CLOSE + restartPoll * 15 * 60_000,
          );
          // Before: 250,000 × 0.5 − 85,000 = 40,000 over; a trim of AAA (the loss) must rest or have traded.
          expect(overnightExcess(venue)).toBeLessThanOrEqual(1e-6);
        },
      ),
      { seed: 20261205, numRuns: 6, endOnFailure: true },
    );
  });

  it('neither loses nor doubles a take-profit: one rests for the filled entry, and one entry was placed', async () => {
    const poll = 15 * 60_000;
    const polls = Math.round((CLOSE - OPEN) / poll);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: polls - 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        async (killPoll, downPolls, dip) => {
          const killAt = OPEN + killPoll * poll;
          const restartAt = killAt + downPolls * poll;
          const venue = await killAndRestart(killAt, restartAt, CLOSE - 2 * poll, dip);
          const ccc = venue.allOrders().filter((o) => o.symbol === 'CCC');
          expect(ccc.filter((o) => o.role === 'entry').map((o) => o.status)).toEqual(['filled']);
          const held = venue.positions().find((p) => p.symbol === 'CCC')?.qty;
          const tps = venue.openOrders().filter((o) => o.symbol === 'CCC' && o.role === 'take-profit');
          expect(tps.map((o) => [o.side, o.qty, o.limitPrice])).toEqual([['sell', held, 102]]);
        },
      ),
      { seed: 20261205, numRuns: 8, endOnFailure: true },
    );
  });
});
