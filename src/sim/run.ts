import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import { simCalibration, type SimCalibration } from './calibration.js';
import { simFillReturns, type SimFillReturns } from './fill-returns.js';
import { valuesOrders } from '../core/policy/value-policy.js';
import { feeRates, slippageRate } from './costs.js';
import { fillThrough } from './fill-rules.js';
import type { BarSeries, LoadResult } from '../marketdata/types.js';
import { simulate, type DecisionRow, type EquityRow, type SimOutput } from './engine.js';
import { summarize, type Summary } from './metrics.js';
import type { TradeRecord } from './portfolio.js';
import { stealRegret, type StealRegret } from './regret.js';
import type { ExternalSignal } from './signals/csv-signals.js';
import { researchLabel, type ResearchLabel } from './signals/skill.js';

export interface SimulationResult {
  /** Present only when the signals read the future on purpose (research settings, sim.research). */
  research?: ResearchLabel;
  config: WorkstealConfig;
  data: {
    path: string;
    symbol: string;
    assetClass: string;
    sha256: string;
    first: string | null;
    last: string | null;
    bars: number;
    layout: string;
    gaps: number;
  }[];
  range: { from: string | null; to: string | null };
  summary: Summary & { regret: Omit<StealRegret, 'victims'> };
  equity: (Omit<EquityRow, 'time'> & { time: string })[];
  trades: (Omit<TradeRecord, 'entryTime' | 'exitTime'> & { entryTime: string; exitTime: string })[];
  decisions: (Omit<DecisionRow, 'time'> & { time: string })[];
  perSymbol: {
    symbol: string;
    assetClass: string;
    trades: number;
    pnl: number;
    winRate: number;
    steals: number;
    stolenFrom: number;
    blocks: number;
  }[];
  regret: StealRegret['victims'];
  /**
   * Under a value ranking: the fill chances the run valued against how often the limit was reached, by
   * decile and asset class (null under `distance`, which values nothing).
   */
  calibration: SimCalibration | null;
  /** Under a value ranking: what a fill earned by the fill chance its entry was placed with (null under distance). */
  fillReturns: SimFillReturns | null;
  signals: 'forecaster' | 'csv';
  synthetic?: boolean;
}

const iso = (t: number): string => new Date(t).toISOString();

/**
 * The steal regret of one simulation, measured one way wherever it is reported (simulate, compare): each
 * victim replayed by the run's own fill, exit and cost rules (counterfactualTrade).
 */
export function simulationRegret(
  config: WorkstealConfig,
  series: readonly BarSeries[],
  output: Pick<SimOutput, 'steals' | 'trades' | 'closeTimes' | 'steps' | 'last' | 'tradesInBar' | 'limits'>,
): StealRegret {
  const fees = feeRates(config.sim);
  const assetClassOf = new Map(series.map((s) => [s.symbol, s.assetClass] as const));
  return stealRegret({
    steals: output.steals,
    trades: output.trades,
    series,
    closeTimes: output.closeTimes,
    fees: (symbol) => fees[assetClassOf.get(symbol) ?? 'crypto'],
    exits: config.sim,
    slippage: slippageRate(config.sim),
    // A victim would have filled only where the simulation fills: its sessions, its fill rule, its range.
    tradable: output.tradesInBar,
    limits: output.limits,
    through: fillThrough(config.sim),
    end: output.last,
    steps: output.steps,
  });
}

/** Run one simulation over loaded data and shape the object `simulate --json` writes (times ISO-8601 UTC). */
export function runSimulation(input: {
  loaded: readonly LoadResult[];
  config: WorkstealConfig;
  calendar: ExchangeCalendar;
  signals?: readonly ExternalSignal[];
  from?: number;
  to?: number;
  assertInvariants?: boolean;
  onProgress?: (done: number, total: number) => void;
}): { result: SimulationResult; output: SimOutput } {
  const series: BarSeries[] = input.loaded.map((l) => l.series);
  const output = simulate({
    series,
    config: input.config,
    calendar: input.calendar,
    ...(input.signals ? { signals: input.signals } : {}),
    ...(input.from !== undefined ? { from: input.from } : {}),
    ...(input.to !== undefined ? { to: input.to } : {}),
    ...(input.assertInvariants ? { assertInvariants: true } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  const regret = simulationRegret(input.config, series, output);
  const summary = summarize(output);
  const { victims, ...regretSummary } = regret;
  // Steals and blocks per symbol in one pass over the decisions (a filter per symbol would pass once each).
  const tally = new Map(series.map((s) => [s.symbol, { steals: 0, blocks: 0 }]));
  for (const d of output.decisions) {
    const t = tally.get(d.symbol);
    if (t && d.action === 'steal') t.steals++;
    else if (t && d.action === 'block') t.blocks++;
  }
  const perSymbol = series.map((s) => {
    const trades = output.trades.filter((t) => t.symbol === s.symbol);
    return {
      symbol: s.symbol,
      assetClass: s.assetClass,
      trades: trades.length,
      pnl: trades.reduce((a, t) => a + t.pnl, 0),
      winRate: trades.length ? trades.filter((t) => t.pnl > 0).length / trades.length : 0,
      steals: tally.get(s.symbol)!.steals,
      stolenFrom: victims.filter((v) => v.victimSymbol === s.symbol).length,
      blocks: tally.get(s.symbol)!.blocks,
    };
  });
  // What the run valued (its fill chances, what its fills earned): nothing under the distance rule.
  const valued = valuesOrders(input.config.victimRanking);
  // Tens of thousands of decision rows with ISO times: made when the JSON, report or store asks, not before.
  let decisions: SimulationResult['decisions'] | null = null;
  const result: SimulationResult = {
    // First, so it heads the JSON; undefined (left out of the JSON) unless the signals read the future. A
    // spread here would move the getter below to the end of the JSON.
    research: researchLabel(input.config.sim) ?? undefined,
    config: input.config,
    data: input.loaded.map((l) => ({
      path: l.series.source.path,
      symbol: l.series.symbol,
      assetClass: l.series.assetClass,
      sha256: l.series.source.sha256,
      first: l.report.first === null ? null : iso(l.report.first),
      last: l.report.last === null ? null : iso(l.report.last),
      bars: l.report.bars,
      layout: l.series.source.layout,
      gaps: l.report.gapCount,
    })),
    range: {
      from: output.first === null ? null : iso(output.first),
      to: output.last === null ? null : iso(output.last),
    },
    summary: { ...summary, regret: regretSummary },
    equity: output.equity.map((r) => ({ ...r, time: iso(r.time) })),
    trades: output.trades.map((t) => ({ ...t, entryTime: iso(t.entryTime), exitTime: iso(t.exitTime) })),
    get decisions() {
      return (decisions ??= output.decisions.map((d) => ({ ...d, time: iso(d.time) })));
    },
    perSymbol,
    regret: victims,
    calibration: valued ? simCalibration(output.predictions, series, input.calendar, output.last) : null,
    fillReturns: valued ? simFillReturns(output.decisions, output.trades) : null,
    signals: input.signals ? 'csv' : 'forecaster',
  };
  return { result, output };
}
