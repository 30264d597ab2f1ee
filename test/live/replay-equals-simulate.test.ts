import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { launchReplay } from '../../src/live/launch.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import type { VictimRanking } from '../../src/core/config/schema.js';
import { feeRates } from '../../src/sim/costs.js';
import { simulate } from '../../src/sim/engine.js';
import { loadReal } from '../support/marketdata.js';

/**
 * DESIGN §5: one set of rules. `run --broker replay` (polling at each bar close and end-of-day event) and
 * `simulate` on the same bars, config and signals make the same decisions, fills, trades and daily equity.
 * Mixed set, 3 crypto + 2 stocks (AAPL with pre- and after-market bars, SPY's bars at :30), two weeks with US
 * session closes that deleverage (2024-03-04 → 2024-03-18), the default time stop and fees (maker and taker by
 * asset class, entries holding their taker fee back), 2 bps of slippage on market exits.
 *
 * Differences that remain, each a difference of venue (DESIGN §5, "Replay and simulation"):
 * - Stop-loss (`sim.stopLossPct`, off by default, so not exercised here): the simulator fills a stop intrabar
 *   at min(stop, open) like a resting stop order; live, the exit watcher sees the stop reached when the bar
 *   closes and leaves by a market order at the next tradable open (the Broker port has no stop orders).
 * - The simulator closes what is still open at the end of the data ('end-of-data' trades); a replay leaves
 *   it open. Those trades are not compared, and the last day's equity is compared before their exit fees.
 *
 * Both the seed's distance ranking and the value ranking (`expectedValue`) are run: the value ranking's
 * decisions depend on the fill model fed from the bars and on the realised returns of the closed trades,
 * which the replay learns from its own fills (src/live/runtime-trades.ts) as the simulator does from its
 * portfolio.
 */
const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  'polygon-spy-peachy88/SPY_hourly.csv',
];
const FROM = Date.parse('2024-03-04T00:00:00Z');
const TO = Date.parse('2024-03-18T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'worksteal-replay-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (victimRanking: VictimRanking) =>
  resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          patternDayTrader: true,
          victimRanking,
          sim: { slippageBps: 2, orderFraction: 0.45, initialEquity: 30_000 },
          live: {
            initialEquity: 30_000,
            orderFraction: 0.45,
            pollSec: 3600,
            stateDb: join(dir, `${victimRanking}.sqlite`),
          },
        },
      },
    ],
  }).config;

const DAY = 86_400_000;

interface Run {
  /** Decisions and end-of-day actions in order: time, symbol, action, reason, victims. */
  decisions: string[];
  /** Every fill: time, symbol, side, what it was (entry, take-profit, exit), price, quantity. */
  fills: string[];
  /** Equity at the end of each UTC day that has a step. */
  equity: Map<number, number>;
  counts: Counts;
  /** The closed trades the valuation learned from (symbol, net PnL, entry notional), in order. */
  learned: string[];
}

interface Counts {
  places: number;
  steals: number;
  blocks: number;
  waits: number;
  deleverageCancels: number;
  deleverageTrims: number;
}

const iso = (t: number): string => new Date(t).toISOString();
const trained = (symbol: string, pnl: number, entryNotional: number): string =>
  `${symbol} ${pnl.toFixed(6)} ${entryNotional.toFixed(6)}`;
const fill = (t: number, symbol: string, side: string, role: string, price: number, qty: number): string =>
  `${iso(t)} ${symbol} ${side} ${role} ${price.toFixed(6)} ${qty.toFixed(6)}`;

async function replay(series: BarSeries[], ranking: VictimRanking): Promise<Run> {
  const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
  const cfg = config(ranking);
  const session = await launchReplay({
    config: cfg,
    env: {},
    log: new Logger([new MemorySink()]),
    series,
    from: FROM,
    to: TO,
    http: false,
    time,
  });
  await session.runtime.run();
  await session.runtime.stop('end-of-data', false);
  const c = session.runtime.counters;
  const history = session.runtime.status().series;
  await session.close();
  const equity = new Map<number, number>();
  history.time.forEach((t, i) => equity.set(Math.floor((t * 1000) / DAY), history.equity[i]!));
  const db = new Database(cfg.live.stateDb, { readonly: true });
  const runId = (db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number }).id;
  const decisions = db
    .prepare(
      'SELECT time, symbol, action, reason, victim_symbols FROM decisions WHERE run_id = ? ORDER BY id',
    )
    .all(runId) as { time: number; symbol: string; action: string; reason: string; victim_symbols: string }[];
  const orders = db
    .prepare(
      'SELECT updated_at, symbol, side, role, fill_price, filled_qty FROM orders WHERE run_id = ? AND filled_qty > 0',
    )
    .all(runId) as {
    updated_at: number;
    symbol: string;
    side: string;
    role: string;
    fill_price: number;
    filled_qty: number;
  }[];
  // What the valuation learned, as the store keeps it for the next run (src/live/runtime-valuation.ts).
  const learned = db
    .prepare('SELECT symbol, pnl, entry_notional FROM trade_returns WHERE run_id = ? ORDER BY id')
    .all(runId) as { symbol: string; pnl: number; entry_notional: number }[];
  db.close();
  return {
    learned: learned.map((t) => trained(t.symbol, t.pnl, t.entry_notional)),
    decisions: decisions.map(
      (d) =>
        `${iso(d.time)} ${d.symbol} ${d.action} ${d.reason} ${(JSON.parse(d.victim_symbols) as string[]).length}`,
    ),
    fills: orders.map((o) => fill(o.updated_at, o.symbol, o.side, o.role, o.fill_price, o.filled_qty)).sort(),
    equity,
    counts: {
      places: c.places,
      steals: c.steals,
      blocks: Object.values(c.blocks).reduce((a, b) => a + b, 0),
      waits: c.waits,
      deleverageCancels: c.deleverageCancels,
      deleverageTrims: c.deleverageTrims,
    },
  };
}

function simulated(series: BarSeries[], ranking: VictimRanking): Run {
  const cfg = config(ranking);
  const out = simulate({ series, config: cfg, calendar: nyseCalendar(), from: FROM, to: TO });
  const fees = feeRates(cfg.sim);
  const assetClass = new Map(series.map((s) => [s.symbol, s.assetClass]));
  /** The exit fees of the end-of-data trades (at the last price, so the marks are those of the replay). */
  let endOfDataFees = 0;
  const c = out.counters;
  const fills: string[] = [];
  const entries = new Map<string, { t: number; symbol: string; side: string; price: number; qty: number }>();
  for (const t of out.trades) {
    const e = entries.get(t.entryOrderId);
    if (e) e.qty += t.qty;
    else
      entries.set(t.entryOrderId, {
        t: t.entryTime,
        symbol: t.symbol,
        side: t.side,
        price: t.entryPrice,
        qty: t.qty,
      });
    if (t.exitReason === 'end-of-data') {
      endOfDataFees += Math.abs(t.qty * t.exitPrice) * fees[assetClass.get(t.symbol)!].taker;
      continue;
    }
    const role = t.exitReason === 'take-profit' ? 'take-profit' : 'exit';
    fills.push(fill(t.exitTime, t.symbol, t.side === 'buy' ? 'sell' : 'buy', role, t.exitPrice, t.qty));
  }
  for (const e of entries.values()) fills.push(fill(e.t, e.symbol, e.side, 'entry', e.price, e.qty));
  const equity = new Map<number, number>();
  for (const row of out.equity) equity.set(Math.floor(row.time / DAY), row.equity);
  const lastDay = Math.max(...equity.keys());
  equity.set(lastDay, equity.get(lastDay)! + endOfDataFees);
  // The valuation learns a trade at the step after it closed: the last step's trades teach nothing.
  const lastStep = Math.max(...out.decisions.map((d) => d.time), ...out.equity.map((e) => e.time));
  return {
    learned:
      ranking === 'distance'
        ? []
        : out.trades
            .filter((t) => t.exitReason !== 'end-of-data' && t.exitTime < lastStep)
            .map((t) => trained(t.symbol, t.pnl, t.qty * t.entryPrice)),
    decisions: out.decisions.map(
      (d) => `${iso(d.time)} ${d.symbol} ${d.action} ${d.reason} ${d.victims.length}`,
    ),
    fills: fills.sort(),
    equity,
    counts: {
      places: c.places,
      steals: c.steals,
      blocks: Object.values(c.blocks).reduce((a, b) => a + b, 0),
      waits: c.waits,
      deleverageCancels: c.deleverageCancels,
      deleverageTrims: c.deleverageTrims,
    },
  };
}

const runs = new Map<VictimRanking, Promise<{ sim: Run; live: Run }>>();
const both = (ranking: VictimRanking) => {
  let r = runs.get(ranking);
  if (!r) {
    r = (async () => {
      const series = (await loadReal(FILES)).map((l) => l.series);
      return { sim: simulated(series, ranking), live: await replay(series, ranking) };
    })();
    runs.set(ranking, r);
  }
  return r;
};

describe.each(['distance', 'expectedValue'] as const)('replay equals simulate (%s ranking)', (ranking) => {
  it('the window deleverages, time-stops and takes profits (the rules under test are exercised)', async () => {
    const { sim } = await both(ranking);
    expect(sim.counts.deleverageTrims + sim.counts.deleverageCancels).toBeGreaterThan(0);
    expect(sim.counts.steals).toBeGreaterThan(0);
    expect(sim.fills.some((f) => f.includes(' take-profit '))).toBe(true);
    expect(sim.fills.filter((f) => f.includes(' exit ')).length).toBeGreaterThan(2);
  }, 600_000);

  it('the same places, steals, blocks, waits and end-of-day actions', async () => {
    const { sim, live } = await both(ranking);
    expect(live.counts).toEqual(sim.counts);
  }, 600_000);

  it('the same decisions, in the same order', async () => {
    const { sim, live } = await both(ranking);
    expect(live.decisions).toEqual(sim.decisions);
  }, 600_000);

  it('the same fills: entries, take-profits, time stops and trims, at the same times and prices', async () => {
    const { sim, live } = await both(ranking);
    expect(live.fills).toEqual(sim.fills);
  }, 600_000);

  it('the same closed trades teach the valuation (the replay keeps them for its next run)', async () => {
    const { sim, live } = await both(ranking);
    if (ranking === 'expectedValue') expect(live.learned.length).toBeGreaterThan(0);
    expect(live.learned).toEqual(sim.learned);
  }, 600_000);

  it('the same equity at the end of every day', async () => {
    const { sim, live } = await both(ranking);
    expect([...live.equity.keys()]).toEqual([...sim.equity.keys()]);
    for (const [day, equity] of sim.equity) expect(live.equity.get(day)).toBeCloseTo(equity, 6);
  }, 600_000);
});
