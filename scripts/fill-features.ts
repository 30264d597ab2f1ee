/**
 * Research driver (not shipped): what, known when an entry is requested, predicts what its fill earns?
 *
 * Runs `simulate --benchmark <set>` (default config) with stealing on and off, joins every closed trade to the
 * decision that placed its entry and to the bars, and writes one record per trade with features known at
 * entry-request time (plus two known only at the fill, marked as such). Then, for each feature, the net return
 * per fill (pnl after fees / entry notional) by quintile, mean ± SE, in the first and second half of the set's
 * range, separately.
 *
 *   npx tsx scripts/fill-features.ts [out.json]       # crypto and mixed, stealing on and off
 *
 * Extra config layers come from the environment as for the CLI (WORKSTEAL_*).
 */
import { writeFileSync } from 'node:fs';
import { loadCalendar } from '../src/io/load-calendar.js';
import { loadConfig } from '../src/io/load-config.js';
import { BENCHMARK_SETS, benchmarkFiles, type BenchmarkSetName } from '../src/marketdata/benchmark-sets.js';
import { loadMany, type BarSeries } from '../src/marketdata/index.js';
import { simulate, type DecisionRow } from '../src/sim/engine.js';

const HOUR = 3_600_000;
/** Bars in the trailing volatility estimate (a week of hourly bars). */
const VOL_BARS = 168;

export interface TradeFeatures {
  set: string;
  stealing: boolean;
  symbol: string;
  assetClass: string;
  entryTime: number;
  placedAt: number;
  /** pnl after fees over entry notional. */
  r: number;
  kind: 'steal' | 'force' | 'place';
  usSession: boolean;
  hourUtc: number;
  edge: number;
  zOrigin: number;
  depthOrigin: number;
  zPlace: number;
  agePlaceH: number;
  sigmaH: number;
  fillChance: number;
  ret24: number;
  tpUpside: number;
  /** Known only at the fill: hours from the signal's creation to the fill, and from placement to the fill. */
  ageFillH: number;
  waitFillH: number;
}

function lastBarClosedBy(s: BarSeries, t: number): number {
  // Largest j with open + interval ≤ t (hourly bars: the bar that closed at or before t).
  let lo = 0;
  let hi = s.time.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s.time[mid]! + s.intervalMs <= t) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Standard deviation of the log close-to-close returns of the VOL_BARS bars up to j. */
function trailingSigma(s: BarSeries, j: number): number {
  if (j < VOL_BARS) return Number.NaN;
  let sum = 0;
  let sq = 0;
  for (let k = j - VOL_BARS + 1; k <= j; k++) {
    const x = Math.log(s.close[k]! / s.close[k - 1]!);
    sum += x;
    sq += x * x;
  }
  const m = sum / VOL_BARS;
  return Math.sqrt(Math.max(0, sq / VOL_BARS - m * m));
}

/** What the simulator knew of an entry order when it placed it. */
interface Placed {
  createdAt: number;
  validUntil: number;
  entry: number;
  takeProfit: number;
  limit: number;
  price: number;
  cryptoRank: number | null;
}

async function runSet(set: BenchmarkSetName, stealing: boolean): Promise<TradeFeatures[]> {
  const resolved = await loadConfig({
    flags: stealing ? [] : [{ source: '--no-stealing', values: { stealingEnabled: false } }],
    env: process.env,
  });
  const config = resolved.config;
  const fc = config.sim.forecaster;
  const loaded = await loadMany(benchmarkFiles(set).files, { symbols: config.symbols, onBadData: 'refuse' });
  const series = loaded.map((l) => l.series);
  const calendar = await loadCalendar();
  const placed = new Map<string, Placed>();
  const output = simulate({
    series,
    config,
    calendar,
    from: Date.parse(BENCHMARK_SETS[set].from),
    to: Date.parse(BENCHMARK_SETS[set].to),
    onEntryPlaced: (id, w, req) => {
      const sig = w.signal!;
      placed.set(id, {
        createdAt: sig.createdAt,
        validUntil: sig.validUntil,
        entry: sig.entry,
        takeProfit: sig.takeProfit,
        limit: req.limitPrice,
        price: req.price,
        cryptoRank: req.cryptoRank,
      });
    },
  });
  const bySymbol = new Map(series.map((s) => [s.symbol, s]));
  const placedBy = new Map<string, DecisionRow>();
  for (const d of output.decisions) if (d.orderId !== null) placedBy.set(d.orderId, d);
  const out: TradeFeatures[] = [];
  let left = 0;
  for (const t of output.trades) {
    const d = placedBy.get(t.entryOrderId);
    const p = placed.get(t.entryOrderId);
    const s = bySymbol.get(t.symbol)!;
    const notional = t.qty * t.entryPrice;
    if (!d || !p || !(notional > 0)) {
      left++;
      continue;
    }
    const req = d.value?.request ?? null;
    const placedAt = d.time;
    const io = lastBarClosedBy(s, p.createdAt);
    const ip = lastBarClosedBy(s, placedAt);
    const co = s.close[io]!;
    const cp = s.close[ip]!;
    const so = trailingSigma(s, io);
    const sp = trailingSigma(s, ip);
    const remainingBars = Math.max(1, (p.validUntil - placedAt) / s.intervalMs);
    const usSession = calendar.isRegularSession(placedAt);
    // The core values a request only to steal or to force it (decide.ts): a valued place was forced.
    const forced = d.action === 'place' && req !== null;
    out.push({
      set,
      stealing,
      symbol: t.symbol,
      assetClass: s.assetClass,
      entryTime: t.entryTime,
      placedAt,
      r: t.pnl / notional,
      kind: d.action === 'steal' ? 'steal' : forced ? 'force' : 'place',
      usSession,
      hourUtc: new Date(placedAt).getUTCHours(),
      edge: p.takeProfit / p.entry - 1,
      zOrigin: Math.log(co / p.limit) / (so * Math.sqrt(fc.validBars)),
      depthOrigin: Math.log(co / p.limit),
      zPlace: Math.log(p.price / p.limit) / (sp * Math.sqrt(remainingBars)),
      agePlaceH: (placedAt - p.createdAt) / HOUR,
      sigmaH: sp,
      fillChance: req?.fillProbability ?? Number.NaN,
      ret24: ip >= 24 ? Math.log(cp / s.close[ip - 24]!) : Number.NaN,
      tpUpside: Math.log(p.takeProfit / p.price),
      ageFillH: (t.entryTime - p.createdAt) / HOUR,
      waitFillH: (t.entryTime - placedAt) / HOUR,
    });
  }
  process.stderr.write(
    `${set} stealing ${stealing ? 'on' : 'off'}: ${output.trades.length} trades, final equity ${output.finalEquity.toFixed(2)}, steals ${output.counters.steals}, ${out.length} joined, ${left} left out\n`,
  );
  return out;
}

async function main(): Promise<void> {
  const all: TradeFeatures[] = [];
  for (const set of ['crypto', 'mixed'] as const) {
    for (const stealing of [true, false]) all.push(...(await runSet(set, stealing)));
  }
  const path = process.argv[2] ?? '.cache/fill-features.json';
  writeFileSync(path, JSON.stringify(all));
  process.stderr.write(`wrote ${all.length} records to ${path}\n`);
}

if (process.argv[1]?.endsWith('fill-features.ts')) await main();
