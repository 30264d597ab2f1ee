/**
 * Research (not shipped): where does stealing lose money when each steal, judged alone, gains?
 *
 * Simulates each 6-month window of a benchmark set (the windows `compare --benchmark <set>` uses, the same
 * window views and warm-up) with the default configuration, stealing on and off, and splits
 * PnL(on) − PnL(off) signal by signal (scripts/steal-decomposition-parts.ts): signals traded in both runs,
 * only with stealing on, only with it off, by their part in the run with stealing on (stealer, victim, other)
 * and by what became of them in the run where they did not trade; plus margin interest. Prints, per part, the
 * mean per window ± its standard error across windows and the sum over the windows, then per window the
 * total, the check that the parts add up to it, and the run's steal regret.
 *
 *   npx tsx scripts/steal-decomposition.ts [--benchmark crypto|mixed] [--replicates n] [--placebo]
 *
 * With --replicates n every window is run n times per side with the order size scaled by 1 + δ (the factors
 * of `compare --replicates`, src/compare/replicates.ts) and each window's numbers are the means over them.
 * With --placebo the run "on" is stealing off with the order size 0.2501 (the README's placebo, under "Is A
 * better than B?"): how large the parts grow when the two paths differ by nothing that matters.
 * Deterministic; reads the data in place from ../shared/marketdata (or WORKSTEAL_DATA).
 */
import type { WorkstealConfig } from '../src/core/config/schema.js';
import type { ExchangeCalendar } from '../src/core/calendar/index.js';
import { comparePlan } from '../src/compare/plan.js';
import { perturbOrderFraction, replicateDeltas } from '../src/compare/replicates.js';
import { loadCalendar } from '../src/io/load-calendar.js';
import { loadConfig } from '../src/io/load-config.js';
import { BENCHMARK_SETS, benchmarkFiles, type BenchmarkSetName } from '../src/marketdata/benchmark-sets.js';
import { loadMany, type BarSeries } from '../src/marketdata/index.js';
import type { Window } from '../src/optimizer/objective/folds.js';
import { warmUpBars, windowView } from '../src/optimizer/objective/window.js';
import { simulate } from '../src/sim/engine.js';
import { simulationRegret } from '../src/sim/run.js';
import {
  decompose,
  GROUPS,
  groupOf,
  OWN_ACCOUNT,
  partLabels,
  partName,
  SignalLog,
  type Decomposition,
  type TradeTally,
} from './steal-decomposition-parts.js';

/** One window's decomposition (the mean over its replicates) and the regret of its run with stealing on. */
interface WindowResult {
  window: Window;
  parts: number[];
  signals: number[];
  interest: number;
  total: number;
  residual: number;
  /** Signals asked for and never placed in the run where they did not trade, by its last decision on them. */
  neverPlaced: Map<string, { signals: number; pnl: number }>;
  steals: number;
  tradesOn: number;
  tradesOff: number;
  /** Trades by kind, summed over the replicates' mean: with stealing on (stealer, other) and off (all). */
  tradesBy: { onStealer: TradeTally; onOther: TradeTally; off: TradeTally };
  /** Fees with stealing on less fees with it off (inside the trades' PnL already). */
  feesDelta: number;
  netRegret: number;
  stealersMade: number;
  victimWouldHaveMade: number;
  victimsWouldHaveFilled: number;
  victims: number;
}

async function configOf(stealing: boolean): Promise<WorkstealConfig> {
  const flags = stealing ? [] : [{ source: '--no-stealing', values: { stealingEnabled: false } }];
  return (await loadConfig({ flags, env: process.env })).config;
}

/** One side of one window, recorded by signal; the regret too (meaningful with stealing on). */
function runSide(series: BarSeries[], config: WorkstealConfig, calendar: ExchangeCalendar, w: Window) {
  const log = new SignalLog();
  const out = simulate({
    series,
    config,
    calendar,
    from: w.from,
    to: w.to,
    keepWaits: true,
    onEntryPlaced: log.onEntryPlaced,
  });
  return {
    record: log.record(out),
    regret: simulationRegret(config, series, out),
    steals: out.steals.length,
  };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function runWindow(
  all: readonly BarSeries[],
  configs: { on: WorkstealConfig; off: WorkstealConfig },
  calendar: ExchangeCalendar,
  w: Window,
  deltas: readonly number[],
): WindowResult {
  const series = all.map((s) => windowView(s, w, warmUpBars(configs.on.sim.forecaster)));
  const reps: { d: Decomposition; on: ReturnType<typeof runSide>; off: ReturnType<typeof runSide> }[] = [];
  for (const delta of deltas) {
    const on = runSide(series, perturbOrderFraction(configs.on, delta), calendar, w);
    const off = runSide(series, perturbOrderFraction(configs.off, delta), calendar, w);
    reps.push({ d: decompose(on.record, off.record), on, off });
  }
  const labels = partLabels();
  return {
    window: w,
    parts: labels.map((_, i) => mean(reps.map((r) => r.d.parts[i]!.pnl))),
    signals: labels.map((_, i) => mean(reps.map((r) => r.d.parts[i]!.signals))),
    interest: mean(reps.map((r) => r.d.interest)),
    total: mean(reps.map((r) => r.d.total)),
    residual: Math.max(...reps.map((r) => Math.abs(r.d.residual))),
    neverPlaced: meanTallies(reps.map((r) => r.d.neverPlaced)),
    steals: mean(reps.map((r) => r.on.steals)),
    tradesOn: mean(reps.map((r) => r.on.record.trades)),
    tradesOff: mean(reps.map((r) => r.off.record.trades)),
    tradesBy: {
      onStealer: meanTally(reps.map((r) => r.on.record.tradesBy.stealer)),
      onOther: meanTally(reps.map((r) => r.on.record.tradesBy.other)),
      off: meanTally(reps.map((r) => addTallies(r.off.record.tradesBy.stealer, r.off.record.tradesBy.other))),
    },
    feesDelta: mean(reps.map((r) => r.on.record.fees - r.off.record.fees)),
    netRegret: mean(reps.map((r) => r.on.regret.netRegret)),
    stealersMade: mean(reps.map((r) => r.on.regret.stealersMade)),
    victimWouldHaveMade: mean(reps.map((r) => r.on.regret.victimWouldHaveMade)),
    victimsWouldHaveFilled: mean(reps.map((r) => r.on.regret.victimsThatWouldHaveFilled)),
    victims: mean(reps.map((r) => r.on.regret.victimsEvaluated)),
  };
}

function addTallies(a: TradeTally, b: TradeTally): TradeTally {
  return {
    trades: a.trades + b.trades,
    pnl: a.pnl + b.pnl,
    notional: a.notional + b.notional,
    timeStops: a.timeStops + b.timeStops,
  };
}

/** Trade tallies of several paths (or windows, with `divide` 1) as their mean (or their sum). */
function meanTally(xs: readonly TradeTally[], divide = xs.length): TradeTally {
  const sum = xs.reduce(addTallies, { trades: 0, pnl: 0, notional: 0, timeStops: 0 });
  return {
    trades: sum.trades / divide,
    pnl: sum.pnl / divide,
    notional: sum.notional / divide,
    timeStops: sum.timeStops / divide,
  };
}

/** Tallies of several paths as their mean (a reason a path lacks counts as zero there). */
function meanTallies(
  maps: readonly Map<string, { signals: number; pnl: number }>[],
): Map<string, { signals: number; pnl: number }> {
  const out = new Map<string, { signals: number; pnl: number }>();
  for (const m of maps)
    for (const [k, v] of m) {
      const t = out.get(k) ?? { signals: 0, pnl: 0 };
      t.signals += v.signals / maps.length;
      t.pnl += v.pnl / maps.length;
      out.set(k, t);
    }
  return out;
}

const money = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Mean per window ± its standard error across windows, and the sum over the windows. */
function acrossWindows(xs: readonly number[]): string {
  const m = mean(xs);
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
  const se = sd / Math.sqrt(xs.length);
  return `${money(m)} ± ${money(se)} | ${money(m * xs.length)}`;
}

function printTable(set: string, replicates: number, results: readonly WindowResult[]): void {
  const n = results.length;
  console.log(
    `\n## ${set}: ${n} windows of 6 months, ${replicates} path(s) per window, PnL(on) − PnL(off)\n`,
  );
  console.log(
    '| part: traded | role with stealing on | what became of it in the other run | signals per window | mean per window ± SE | sum over windows |',
  );
  console.log('|---|---|---|---|---|---|');
  partLabels().forEach((p, i) => {
    const xs = results.map((r) => r.parts[i]!);
    const count = mean(results.map((r) => r.signals[i]!));
    if (count === 0) return;
    const [traded, role, missing] = partName(p).split(' | ');
    console.log(`| ${traded} | ${role} | ${missing ?? '—'} | ${count.toFixed(1)} | ${acrossWindows(xs)} |`);
  });
  console.log(`| interest | | | | ${acrossWindows(results.map((r) => r.interest))} |`);
  console.log(`| **total** | | | | ${acrossWindows(results.map((r) => r.total))} |`);
  const worst = Math.max(...results.map((r) => r.residual));
  console.log(`\nlargest |total − Σ parts| in any window and path: ${worst.toExponential(2)}`);
  printGroups(results);
  printTrades(results);
  printWindows(results);
}

/** The parts in groups: a steal's own account (its stealer and victim signals) and the knock-on rest. */
function printGroups(results: readonly WindowResult[]): void {
  const n = results.length;
  const labels = partLabels();
  console.log(
    '\n| group | signals per window (on only / off only / both) | mean per window ± SE | sum over windows |',
  );
  console.log('|---|---|---|---|');
  for (const g of GROUPS) {
    const idx = labels.flatMap((p, i) => (groupOf(p) === g ? [i] : []));
    const count = (traded: string): string =>
      mean(
        results.map((r) => idx.reduce((a, i) => a + (labels[i]!.traded === traded ? r.signals[i]! : 0), 0)),
      ).toFixed(1);
    const xs = results.map((r) => idx.reduce((a, i) => a + r.parts[i]!, 0));
    console.log(
      `| ${g} | ${count('on only')} / ${count('off only')} / ${count('both')} | ${acrossWindows(xs)} |`,
    );
  }
  console.log(`| interest | | ${acrossWindows(results.map((r) => r.interest))} |`);
  const ownIdx = labels.flatMap((p, i) => (OWN_ACCOUNT.includes(groupOf(p)) ? [i] : []));
  const own = results.map((r) => ownIdx.reduce((a, i) => a + r.parts[i]!, 0));
  console.log(`| **the steals' own account** (stealer and victim signals) | | ${acrossWindows(own)} |`);
  console.log(
    `| **knock-on** (every other signal, interest) | | ${acrossWindows(results.map((r, k) => r.total - own[k]!))} |`,
  );
  const stealerIdx = labels.flatMap((p, i) => (groupOf(p) === 'stealer signals' ? [i] : []));
  const rest = results.map((r) => r.total - stealerIdx.reduce((a, i) => a + r.parts[i]!, 0));
  console.log(
    `| **every signal but the stealers'** (victims included), interest | | ${acrossWindows(rest)} |`,
  );
  const reasons = meanTallies(results.map((r) => r.neverPlaced));
  console.log(
    '\nasked, never placed, by the last decision in the run where the signal did not trade (sums over windows):\n',
  );
  console.log('| run: last decision | signals | share of PnL(on) − PnL(off) |');
  console.log('|---|---|---|');
  for (const [k, v] of [...reasons].sort(([a], [b]) => (a < b ? -1 : 1)))
    console.log(`| ${k} | ${(v.signals * n).toFixed(1)} | ${money(v.pnl * n)} |`);
}

/** The runs' trades by kind, summed over the windows: how many, what they made, how they left. */
function printTrades(results: readonly WindowResult[]): void {
  console.log(
    '\n| trades (sums over windows) | trades | PnL | net return per notional | left by the time stop |',
  );
  console.log('|---|---|---|---|---|');
  const kinds = [
    ['stealing on, placed by a steal', 'onStealer'],
    ['stealing on, every other', 'onOther'],
    ['stealing on, all', 'onAll'],
    ['stealing off, all', 'off'],
  ] as const;
  for (const [label, kind] of kinds) {
    const of = (r: WindowResult): TradeTally =>
      kind === 'onAll' ? addTallies(r.tradesBy.onStealer, r.tradesBy.onOther) : r.tradesBy[kind];
    const t = meanTally(results.map(of), 1);
    const share = (100 * t.timeStops) / t.trades;
    console.log(
      `| ${label} | ${t.trades.toFixed(1)} | ${money(t.pnl)} | ${((100 * t.pnl) / t.notional).toFixed(3)}% | ${share.toFixed(0)}% |`,
    );
  }
}

/** Per window: steals, trades, fees, the run's steal regret and the difference the parts add up to. */
function printWindows(results: readonly WindowResult[]): void {
  console.log(
    '\n| window | steals | trades on / off | fees on − off | victims (would have filled) | stealers made | victims would have made | net regret | PnL(on) − PnL(off) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
  for (const r of results) {
    console.log(
      `| ${day(r.window.from)} → ${day(r.window.to)} | ${r.steals.toFixed(1)} | ${r.tradesOn.toFixed(1)} / ${r.tradesOff.toFixed(1)} | ${money(r.feesDelta)} | ${r.victims.toFixed(1)} (${r.victimsWouldHaveFilled.toFixed(1)}) | ${money(r.stealersMade)} | ${money(r.victimWouldHaveMade)} | ${money(r.netRegret)} | ${money(r.total)} |`,
    );
  }
  const sum = (f: (r: WindowResult) => number): number => results.reduce((a, r) => a + f(r), 0);
  const perWindow = (f: (r: WindowResult) => number): string =>
    acrossWindows(results.map(f)).split(' | ')[0]!;
  console.log(
    `| sum | ${sum((r) => r.steals).toFixed(1)} | ${sum((r) => r.tradesOn).toFixed(1)} / ${sum((r) => r.tradesOff).toFixed(1)} | ${money(sum((r) => r.feesDelta))} | ${sum((r) => r.victims).toFixed(1)} (${sum((r) => r.victimsWouldHaveFilled).toFixed(1)}) | ${money(sum((r) => r.stealersMade))} | ${money(sum((r) => r.victimWouldHaveMade))} | ${money(sum((r) => r.netRegret))} | ${money(sum((r) => r.total))} |`,
  );
  console.log(
    `| mean ± SE | | | ${perWindow((r) => r.feesDelta)} | | ${perWindow((r) => r.stealersMade)} | ${perWindow((r) => r.victimWouldHaveMade)} | ${perWindow((r) => r.netRegret)} | ${perWindow((r) => r.total)} |`,
  );
}

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  const set = argument('--benchmark', 'crypto');
  if (!(set in BENCHMARK_SETS)) throw new Error(`--benchmark ${set}: choose crypto or mixed`);
  const replicates = Number(argument('--replicates', '1'));
  const deltas = replicateDeltas(replicates);
  const name = set as BenchmarkSetName;
  const placebo = process.argv.includes('--placebo');
  const off = await configOf(false);
  // The placebo compares two runs that differ by nothing that matters (the README's placebo row): stealing
  // off on both sides, order size 0.2501 against 0.25.
  const on = placebo ? { ...off, sim: { ...off.sim, orderFraction: 0.2501 } } : await configOf(true);
  const configs = { on, off };
  const { files, missing } = benchmarkFiles(name);
  if (missing.length) throw new Error(`missing data files: ${missing.join(', ')} (set WORKSTEAL_DATA)`);
  const loaded = await loadMany(files, { symbols: configs.on.symbols, onBadData: 'refuse' });
  const series = loaded.map((l) => l.series);
  const calendar = await loadCalendar();
  const { windows } = comparePlan({
    series,
    window: { count: 6, unit: 'mo' },
    requested: { from: Date.parse(BENCHMARK_SETS[name].from), to: Date.parse(BENCHMARK_SETS[name].to) },
    seed: 1,
  });
  const results: WindowResult[] = [];
  for (const w of windows) {
    results.push(runWindow(series, configs, calendar, w, deltas));
    process.stderr.write(`${set}: window ${results.length}/${windows.length} done\n`);
  }
  printTable(
    placebo ? `${set}, placebo (stealing off, order size 0.2501 against 0.25)` : set,
    replicates,
    results,
  );
}

if (process.argv[1]?.endsWith('steal-decomposition.ts')) await main();
