import Database from 'better-sqlite3';
import { join } from 'node:path';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { VictimRanking, WorkstealConfig as Config } from '../../src/core/config/schema.js';
import { launchReplay } from '../../src/live/launch.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { feeRates, slippageRate } from '../../src/sim/costs.js';
import { simulate } from '../../src/sim/engine.js';

/**
 * The two drivers of one session (README "Architecture"): `run --broker replay` (polling at each bar close
 * and end-of-day event) and `simulate`, on the same bars, config and signals, reduced to what must be equal:
 * decisions, fills, what the valuation learned, daily equity and counters
 * (test/live/replay-equals-simulate*.test.ts).
 *
 * The one difference that remains is one of venue, not of rule: the simulator closes what is still open at
 * the end of the data ('end-of-data' trades, a market exit: slippage and the taker fee); a replay leaves it open
 * at the last close. Those trades are not compared, and the last day's equity is compared before their exit
 * costs.
 */

/** The mixed set: 3 crypto + 2 stocks (AAPL with pre- and after-market bars, SPY's bars at :30). */
export const MIXED_FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  'polygon-spy-peachy88/SPY_hourly.csv',
];

export interface Window {
  from: number;
  to: number;
}

/** Two weeks of the mixed set with US session closes that deleverage. */
export const PAIR_WINDOW: Window = {
  from: Date.parse('2024-03-04T00:00:00Z'),
  to: Date.parse('2024-03-18T00:00:00Z'),
};

/** The config of both drivers: 30,000 of equity, 45% orders, 2 bps of slippage, plus `sim` and other values. */
export function pairConfig(
  ranking: VictimRanking,
  stateDb: string,
  sim: Record<string, unknown> = {},
  values: Record<string, unknown> = {},
): Config {
  return resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          patternDayTrader: true,
          victimRanking: ranking,
          sim: { slippageBps: 2, orderFraction: 0.45, initialEquity: 30_000, ...sim },
          live: { initialEquity: 30_000, orderFraction: 0.45, pollSec: 3600, stateDb },
          ...values,
        },
      },
    ],
  }).config;
}

const DAY = 86_400_000;

export interface Run {
  /** Decisions and end-of-day actions in order: time, symbol, action, reason, victims. */
  decisions: string[];
  /** Every fill: time, symbol, side, what it was (entry, take-profit, exit), price, quantity. */
  fills: string[];
  /** Equity at the end of each UTC day that has a step. */
  equity: Map<number, number>;
  counts: Counts;
  /** The closed trades the valuation learned from (symbol, net PnL, entry notional), in order. */
  learned: string[];
  /** How many trades closed for each exit reason (the simulator's; empty for a replay). */
  exits: Record<string, number>;
  /** How many orders the venue let lapse, by role (the replay's store; empty for the simulator). */
  expired: Record<string, number>;
}

export interface Counts {
  places: number;
  steals: number;
  blocks: number;
  waits: number;
  deleverageCancels: number;
  deleverageTrims: number;
}

const iso = (t: number): string => new Date(t).toISOString();
/** What both drivers count alike, from the simulator's counters or the replay runtime's (one shape). */
const countsOf = (c: Omit<Counts, 'blocks'> & { blocks: Record<string, number> }): Counts => ({
  places: c.places,
  steals: c.steals,
  blocks: Object.values(c.blocks).reduce((a, b) => a + b, 0),
  waits: c.waits,
  deleverageCancels: c.deleverageCancels,
  deleverageTrims: c.deleverageTrims,
});
const trained = (symbol: string, pnl: number, entryNotional: number): string =>
  `${symbol} ${pnl.toFixed(6)} ${entryNotional.toFixed(6)}`;
const fill = (t: number, symbol: string, side: string, role: string, price: number, qty: number): string =>
  `${iso(t)} ${symbol} ${side} ${role} ${price.toFixed(6)} ${qty.toFixed(6)}`;

export async function replayRun(series: BarSeries[], cfg: Config, w: Window): Promise<Run> {
  const time = new DecisionTime(new AcceleratedClock(w.from, 1e9), w.from);
  const session = await launchReplay({
    config: cfg,
    env: {},
    log: new Logger([new MemorySink()]),
    series,
    from: w.from,
    to: w.to,
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
  const expired = db
    .prepare("SELECT role, COUNT(*) AS n FROM orders WHERE run_id = ? AND status = 'expired' GROUP BY role")
    .all(runId) as { role: string; n: number }[];
  db.close();
  return {
    expired: Object.fromEntries(expired.map((e) => [e.role, e.n])),
    learned: learned.map((t) => trained(t.symbol, t.pnl, t.entry_notional)),
    decisions: decisions.map(
      (d) =>
        `${iso(d.time)} ${d.symbol} ${d.action} ${d.reason} ${(JSON.parse(d.victim_symbols) as string[]).length}`,
    ),
    fills: orders.map((o) => fill(o.updated_at, o.symbol, o.side, o.role, o.fill_price, o.filled_qty)).sort(),
    equity,
    counts: countsOf(c),
    exits: {},
  };
}

export function simulatedRun(series: BarSeries[], cfg: Config, w: Window): Run {
  const out = simulate({ series, config: cfg, calendar: nyseCalendar(), from: w.from, to: w.to });
  const fees = feeRates(cfg.sim);
  const assetClass = new Map(series.map((s) => [s.symbol, s.assetClass]));
  /** The exit costs of the end-of-data trades (fee and slippage), so the marks are those of the replay. */
  let endOfDataCosts = 0;
  const slip = slippageRate(cfg.sim);
  const c = out.counters;
  const fills: string[] = [];
  const exits: Record<string, number> = {};
  const entries = new Map<string, { t: number; symbol: string; side: string; price: number; qty: number }>();
  for (const t of out.trades) {
    exits[t.exitReason] = (exits[t.exitReason] ?? 0) + 1;
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
      // The exit left at the last close moved against the position by the slippage: undo it.
      const lastClose = t.side === 'buy' ? t.exitPrice / (1 - slip) : t.exitPrice / (1 + slip);
      endOfDataCosts += Math.abs(t.qty * t.exitPrice) * fees[assetClass.get(t.symbol)!].taker;
      endOfDataCosts += Math.abs(t.qty * (lastClose - t.exitPrice));
      continue;
    }
    const role = t.exitReason === 'take-profit' ? 'take-profit' : 'exit';
    fills.push(fill(t.exitTime, t.symbol, t.side === 'buy' ? 'sell' : 'buy', role, t.exitPrice, t.qty));
  }
  for (const e of entries.values()) fills.push(fill(e.t, e.symbol, e.side, 'entry', e.price, e.qty));
  const equity = new Map<number, number>();
  for (const row of out.equity) equity.set(Math.floor(row.time / DAY), row.equity);
  const lastDay = Math.max(...equity.keys());
  equity.set(lastDay, equity.get(lastDay)! + endOfDataCosts);
  // The valuation learns a trade at the step after it closed: the last step's trades teach nothing.
  const lastStep = Math.max(...out.decisions.map((d) => d.time), ...out.equity.map((e) => e.time));
  return {
    learned:
      cfg.victimRanking === 'distance'
        ? []
        : out.trades
            .filter((t) => t.exitReason !== 'end-of-data' && t.exitTime < lastStep)
            .map((t) => trained(t.symbol, t.pnl, t.qty * t.entryPrice)),
    decisions: out.decisions.map(
      (d) => `${iso(d.time)} ${d.symbol} ${d.action} ${d.reason} ${d.victims.length}`,
    ),
    fills: fills.sort(),
    equity,
    counts: countsOf(c),
    exits,
    expired: {},
  };
}

/** The state database of one replay under `dir`. */
export const stateDbIn = (dir: string, name: string): string => join(dir, `${name}.sqlite`);
