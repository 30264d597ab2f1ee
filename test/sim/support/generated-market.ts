import fc from 'fast-check';
import { newYorkWallToUtc } from '../../../src/core/calendar/index.js';
import type { AssetClass } from '../../../src/core/types.js';
import type { BarSeries } from '../../../src/marketdata/index.js';
import type { ExternalSignal } from '../../../src/sim/signals/csv-signals.js';
import { rng } from '../../support/arbitraries.js';
import { series, type Bar } from '../../support/bars.js';

/**
 * Small generated markets for the honesty checks: a few symbols of seeded random walks over ten days around
 * a calendar edge (a DST change, Thanksgiving and its early close, July 4, Christmas Eve), stocks in the bar
 * layouts of the shared data (regular session only, 04:00–20:00 New York as Databento has, TSLA's half-hour
 * first bar) and one no venue has (every hour of every day), plus random entry signals, buys and sells.
 */

const H = 3_600_000;
const DAY = 86_400_000;

/** Ten days from these Mondays each cross an edge of the calendar. */
export const STARTS = ['2024-03-04', '2024-11-25', '2024-07-01', '2024-12-23', '2024-10-28'] as const;

export type StockLayout = 'regular' | 'extended' | 'half-hour-first' | 'every-hour';

export interface MarketSpec {
  start: (typeof STARTS)[number];
  days: number;
  symbols: { assetClass: AssetClass; layout: StockLayout; volatility: number; gapChance: number }[];
  signalsPerSymbol: number;
  seed: number;
}

export const marketSpecArb: fc.Arbitrary<MarketSpec> = fc.record({
  start: fc.constantFrom(...STARTS),
  days: fc.integer({ min: 4, max: 10 }),
  symbols: fc.array(
    fc.record({
      assetClass: fc.constantFrom<AssetClass>('crypto', 'stock', 'stock'),
      layout: fc.constantFrom<StockLayout>('regular', 'extended', 'half-hour-first', 'every-hour'),
      volatility: fc.constantFrom(0.002, 0.01, 0.03),
      gapChance: fc.constantFrom(0, 0, 0.1),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  signalsPerSymbol: fc.integer({ min: 1, max: 30 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

/** Bar open times of one symbol over the days from `start`. */
function openTimes(start: string, days: number, assetClass: AssetClass, layout: StockLayout): number[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  if (assetClass === 'crypto' || layout === 'every-hour')
    return Array.from({ length: days * 24 }, (_, i) => t0 + i * H);
  const out: number[] = [];
  for (let d = 0; d < days; d++) {
    const day = new Date(t0 + d * DAY).toISOString().slice(0, 10);
    const weekday = new Date(t0 + d * DAY).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const at = (hh: number, mm: number) => newYorkWallToUtc(day, hh, mm);
    if (layout === 'regular') for (let h = 9; h <= 15; h++) out.push(at(h, 30));
    else if (layout === 'extended') for (let h = 4; h <= 19; h++) out.push(at(h, 0));
    else {
      out.push(at(9, 30));
      for (let h = 10; h <= 15; h++) out.push(at(h, 0));
    }
  }
  return out;
}

export interface GeneratedMarket {
  series: BarSeries[];
  signals: ExternalSignal[];
}

export function generateMarket(spec: MarketSpec): GeneratedMarket {
  const random = rng(spec.seed);
  const all = spec.symbols.map((sym, k) => {
    const symbol = sym.assetClass === 'crypto' ? `C${k}USD` : `S${k}`;
    let p = 20 + random() * 200;
    const bars: Bar[] = [];
    for (const t of openTimes(spec.start, spec.days, sym.assetClass, sym.layout)) {
      if (random() < sym.gapChance) continue;
      const o = p * (1 + (random() - 0.5) * sym.volatility * 0.5);
      const c = o * (1 + (random() - 0.5) * 2 * sym.volatility);
      const h = Math.max(o, c) * (1 + random() * sym.volatility);
      const l = Math.min(o, c) * (1 - random() * sym.volatility);
      bars.push({ t, o, h, l, c });
      p = c;
    }
    return series(symbol, sym.assetClass, bars);
  });
  const signals: ExternalSignal[] = [];
  for (const s of all) {
    const n = s.time.length;
    if (n < 3) continue;
    for (let j = 0; j < spec.signalsPerSymbol; j++) {
      const i = Math.floor(random() * (n - 1));
      const c = s.close[i]!;
      const side = random() < 0.75 ? 'buy' : 'sell';
      const away = random() * 0.03;
      const edge = 0.003 + random() * 0.05;
      const entry = side === 'buy' ? c * (1 - away) : c * (1 + away);
      signals.push({
        time: s.time[i + 1]!,
        symbol: s.symbol,
        side,
        entry,
        takeProfit: side === 'buy' ? entry * (1 + edge) : entry * (1 - edge),
        expectedPnl: Math.round(random() * 50),
        validUntil: s.time[i + 1]! + (1 + Math.floor(random() * 48)) * H,
      });
    }
  }
  signals.sort((a, b) => a.time - b.time);
  return { series: all, signals };
}

/** Random configurations over the keys the honesty promises depend on. */
export const honestyConfigArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    extendedHours: fc.boolean(),
    patternDayTrader: fc.constantFrom(true, true, false),
    stealingEnabled: fc.boolean(),
    victimRanking: fc.constantFrom('distance', 'auto'),
    marginRatePerYear: fc.constantFrom(0, 0.065, 0.5),
    bufferPct: fc.constantFrom(0, 0.05),
    deleverageLeadMinutes: fc.constantFrom(0, 15, 90),
    normalTolerance: fc.constantFrom(0.0066, 0.05, 0.05),
    cryptoNormalTolerance: fc.constantFrom(0.013, 0.05),
    stealEntryTolerance: fc.constantFrom(0.0057, 0.05),
    initialEquity: fc.constantFrom(1_500, 10_000, 30_000, 100_000),
    orderFraction: fc.constantFrom(0.25, 0.6, 1, 1),
    fillRule: fc.constantFrom('touch', 'through'),
    fillThroughBps: fc.constantFrom(0, 5, 50),
    makerBps: fc.constantFrom(0, 10),
    takerBps: fc.constantFrom(0, 25),
    feesBps: fc.constantFrom(null, null, 8),
    slippageBps: fc.constantFrom(0, 10),
    stopLossPct: fc.constantFrom(0, 0.01),
    timeStopHours: fc.constantFrom(0, 3, 30),
    cryptoRequirement: fc.constantFrom(1, 1, 0.5),
    stockOvernight: fc.constantFrom(0.5, 0.5, 0.3),
    stockIntraday: fc.constantFrom(0.25, 0.25, 0.2),
  })
  .map((c) => ({
    extendedHours: c.extendedHours,
    patternDayTrader: c.patternDayTrader,
    stealingEnabled: c.stealingEnabled,
    victimRanking: c.victimRanking,
    marginRatePerYear: c.marginRatePerYear,
    bufferPct: c.bufferPct,
    deleverageLeadMinutes: c.deleverageLeadMinutes,
    normalTolerance: c.normalTolerance,
    cryptoNormalTolerance: c.cryptoNormalTolerance,
    stealEntryTolerance: c.stealEntryTolerance,
    margin: {
      crypto: { requirement: c.cryptoRequirement },
      stock: { intradayPdt: c.stockIntraday, overnight: c.stockOvernight },
    },
    sim: {
      initialEquity: c.initialEquity,
      orderFraction: c.orderFraction,
      fillRule: c.fillRule,
      fillThroughBps: c.fillThroughBps,
      fees: {
        crypto: { makerBps: c.makerBps, takerBps: c.takerBps },
        stock: { makerBps: c.makerBps / 2, takerBps: c.takerBps / 2 },
      },
      feesBps: c.feesBps,
      slippageBps: c.slippageBps,
      stopLossPct: c.stopLossPct,
      timeStopHours: c.timeStopHours,
    },
  }));
