/**
 * A seeded synthetic market for demos without data: three cryptos trading 24/7 and two stocks trading the
 * NYSE regular session only, hourly, over one fixed year. Never a stand-in for real data: every output built
 * on it is labelled synthetic (the series' source, the result's `synthetic: true`, the CLI banner).
 *
 * Model: log prices follow a Brownian motion on a 15-minute grid, with
 * - a shared market factor (correlation ~0.6), so capacity contention between symbols looks like markets do;
 * - a two-state regime (calm / stressed) switching as a Markov chain, with higher volatility and negative
 *   drift when stressed: trends and volatility clusters give the forecaster something to find and to lose;
 * - an intraday volatility and volume pattern (crypto busiest in the European/US overlap, stocks U-shaped);
 * hourly OHLC are read off the grid (so high/low bracket open/close by construction), stock bars at 09:30,
 * 10:30 … like the session bars of real hourly stock files, the last one short on early closes.
 */
import { createHash } from 'node:crypto';
import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { AssetClass } from '../core/types.js';
import { Rng } from '../optimizer/de/rng.js';
import type { BarSeries, LoadResult, QualityReport } from '../marketdata/index.js';
import { findGaps, missingBarsOf } from '../marketdata/quality.js';

export interface SyntheticAsset {
  symbol: string;
  assetClass: AssetClass;
  price: number;
  /** Annualised volatility in the calm regime. */
  vol: number;
  /** Loading on the market factor (−1..1). */
  beta: number;
  /** Typical volume per hour. */
  volume: number;
}

/** Symbols carry a SYN- prefix so that no trade or decision of a synthetic run can pass for a real one. */
export const SYNTHETIC_ASSETS: readonly SyntheticAsset[] = [
  { symbol: 'SYN-BTC', assetClass: 'crypto', price: 42_000, vol: 0.55, beta: 0.8, volume: 900 },
  { symbol: 'SYN-ETH', assetClass: 'crypto', price: 2_300, vol: 0.7, beta: 0.8, volume: 9_000 },
  { symbol: 'SYN-SOL', assetClass: 'crypto', price: 95, vol: 0.95, beta: 0.7, volume: 120_000 },
  { symbol: 'SYN-MEGA', assetClass: 'stock', price: 180, vol: 0.3, beta: 0.6, volume: 4_000_000 },
  { symbol: 'SYN-INDEX', assetClass: 'stock', price: 470, vol: 0.16, beta: 0.75, volume: 9_000_000 },
];

export interface SyntheticOptions {
  seed?: number;
  /** First bar, UTC midnight; default 2024-01-01. */
  from?: string;
  days?: number;
  calendar: ExchangeCalendar;
}

export const DEFAULT_SYNTHETIC_SEED = 1;
const STEP_MS = 15 * 60_000;
const STEPS_PER_HOUR = 4;
const HOUR_MS = 3_600_000;
const STEPS_PER_YEAR = 365 * 24 * STEPS_PER_HOUR;
/** Regimes: volatility multiplier and annual drift; switching odds per 15-minute step. */
const REGIMES = [
  { volMult: 1, drift: 0.25, leave: 1 / (STEPS_PER_HOUR * 24 * 40) },
  { volMult: 2.1, drift: -0.9, leave: 1 / (STEPS_PER_HOUR * 24 * 9) },
] as const;

/** Intraday volatility/volume shape by UTC hour: crypto busiest 13-20 UTC (Europe + US overlap). */
function cryptoShape(hourUtc: number): number {
  return 1 + 0.45 * Math.cos((2 * Math.PI * (hourUtc - 16)) / 24);
}

/** Log-price paths on the 15-minute grid for every asset (one shared regime chain and market factor). */
function paths(rng: Rng, steps: number, start: number): Float64Array[] {
  const out = SYNTHETIC_ASSETS.map((a) => {
    const p = new Float64Array(steps + 1);
    p[0] = Math.log(a.price);
    return p;
  });
  let regime = 0;
  for (let i = 0; i < steps; i++) {
    const r = REGIMES[regime] as (typeof REGIMES)[number];
    if (rng.uniform() < r.leave) regime = 1 - regime;
    const hour = new Date(start + i * STEP_MS).getUTCHours();
    const shape = cryptoShape(hour);
    const market = rng.normal(0, 1);
    SYNTHETIC_ASSETS.forEach((a, k) => {
      const sigma = (a.vol * r.volMult * shape) / Math.sqrt(STEPS_PER_YEAR);
      const z = a.beta * market + Math.sqrt(1 - a.beta * a.beta) * rng.normal(0, 1);
      const drift = (r.drift - 0.5 * a.vol * a.vol) / STEPS_PER_YEAR;
      const path = out[k] as Float64Array;
      path[i + 1] = (path[i] as number) + drift + sigma * z;
    });
  }
  return out;
}

interface Builder {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

/** One bar from grid points [a, b]: OHLC read off the path, a little wick noise, volume from activity. */
function addBar(
  bld: Builder,
  rng: Rng,
  path: Float64Array,
  a: number,
  b: number,
  t: number,
  volScale: number,
): void {
  let hi = -Infinity;
  let lo = Infinity;
  let moves = 0;
  for (let i = a; i <= b; i++) {
    const v = path[i] as number;
    if (v > hi) hi = v;
    if (v < lo) lo = v;
    if (i > a) moves += Math.abs(v - (path[i - 1] as number));
  }
  const wick = Math.abs(rng.normal(0, 1)) * 0.0006;
  const round = (x: number): number => Math.round(x * 1e4) / 1e4;
  const open = round(Math.exp(path[a] as number));
  const close = round(Math.exp(path[b] as number));
  bld.time.push(t);
  bld.open.push(open);
  bld.close.push(close);
  bld.high.push(Math.max(open, close, round(Math.exp(hi + wick))));
  bld.low.push(Math.min(open, close, round(Math.exp(lo - wick))));
  bld.volume.push(Math.round(volScale * (0.6 + 120 * moves) * Math.exp(rng.normal(0, 0.3)) * 100) / 100);
}

function toLoadResult(
  asset: SyntheticAsset,
  bld: Builder,
  seed: number,
  calendar: ExchangeCalendar,
): LoadResult {
  const f = (xs: number[]): Float64Array => Float64Array.from(xs);
  const cols = {
    time: f(bld.time),
    open: f(bld.open),
    high: f(bld.high),
    low: f(bld.low),
    close: f(bld.close),
    volume: f(bld.volume),
  };
  const hash = createHash('sha256');
  for (const c of Object.values(cols)) hash.update(new Uint8Array(c.buffer));
  const path = `synthetic:${asset.symbol}`;
  const n = cols.time.length;
  // The loader's rule: a stock's nights, weekends and holidays are its exchange closed, not gaps.
  const gaps = findGaps(cols.time, n, HOUR_MS, missingBarsOf(asset.assetClass, calendar));
  const series: BarSeries = {
    symbol: asset.symbol,
    assetClass: asset.assetClass,
    intervalMs: HOUR_MS,
    ...cols,
    source: { path, sha256: hash.digest('hex'), layout: `synthetic (seed ${seed})`, timezone: 'UTC' },
  };
  const report: QualityReport = {
    path,
    rows: n,
    bars: n,
    first: n ? (cols.time[0] as number) : null,
    last: n ? (cols.time[n - 1] as number) : null,
    gaps,
    gapCount: gaps.length,
    duplicates: [],
    badRows: [],
    reordered: false,
    warnings: [],
    warningCount: 0,
  };
  return { series, report, fromCache: false };
}

/** The synthetic set, in memory, as the loader would return it. Same seed, same bars, on every machine. */
export function syntheticSet(options: SyntheticOptions): LoadResult[] {
  const seed = options.seed ?? DEFAULT_SYNTHETIC_SEED;
  const start = Date.parse(`${options.from ?? '2024-01-01'}T00:00:00Z`);
  const days = options.days ?? 366;
  const steps = days * 24 * STEPS_PER_HOUR;
  const rng = Rng.fromSeed(seed);
  const grid = paths(rng, steps, start);
  return SYNTHETIC_ASSETS.map((asset, k) => {
    const path = grid[k] as Float64Array;
    const bld: Builder = { time: [], open: [], high: [], low: [], close: [], volume: [] };
    if (asset.assetClass === 'crypto') {
      for (let h = 0; h < days * 24; h++) {
        const t = start + h * HOUR_MS;
        const scale = asset.volume * cryptoShape(new Date(t).getUTCHours());
        addBar(bld, rng, path, h * STEPS_PER_HOUR, (h + 1) * STEPS_PER_HOUR, t, scale);
      }
    } else {
      for (let d = 0; d < days; d++) {
        const day = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
        const session = options.calendar.sessionFor(day);
        if (!session) continue;
        for (let t = session.open; t < session.close; t += HOUR_MS) {
          const a = Math.round((t - start) / STEP_MS);
          const b = Math.min(Math.round((Math.min(t + HOUR_MS, session.close) - start) / STEP_MS), steps);
          if (b <= a) break;
          // U-shaped session volume: the open and the close are the busy hours.
          const frac = (t - session.open) / (session.close - session.open);
          const scale = (asset.volume / 7) * (1 + 2.2 * (frac - 0.5) ** 2 * 4);
          addBar(bld, rng, path, a, b, t, scale);
        }
      }
    }
    return toLoadResult(asset, bld, seed, options.calendar);
  });
}
