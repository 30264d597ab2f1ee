import { nyseCalendar, type ExchangeCalendar } from '../../core/calendar/index.js';
import { prefersLog } from '../../report/axis.js';
import { histogram, PALETTE, type ChartSpec, type SeriesSpec } from '../../report/chart-spec.js';
import { esc, money, pct, table, when } from '../../report/format.js';
import { figure, groupSelect, reportPage } from '../../report/page.js';
import type { BarSeries } from '../../marketdata/types.js';
import type { SimulationResult } from '../run.js';
import { calibrationChart, calibrationSection } from './calibration.js';
import { calendarReturns, stealingLabel, summaryTable, tradeList } from './tables.js';
import {
  buyAndHold,
  equityDays,
  equityTimes,
  rangeDays,
  rangePrices,
  type RangePrices,
  tradeHours,
  utilization,
  weeklyDecisions,
} from './analysis.js';

export interface ReportInput {
  result: SimulationResult;
  /** The same data and config with stealing switched the other way (computed by `simulate --report`). */
  comparison?: SimulationResult | null;
  /** The simulated bars: prices per symbol and the buy-and-hold benchmark need them. */
  series?: readonly BarSeries[];
  /** The calendar the run used: a stock bar's close is its session's close (the built-in NYSE one if absent). */
  calendar?: ExchangeCalendar;
  title?: string;
}

const secs = (ms: readonly number[]): number[] => ms.map((t) => t / 1000);

/** Equity: this run, the comparison run, buy-and-hold; log axis from a threefold span (axis.ts). */
function equityChart(
  r: SimulationResult,
  c: SimulationResult | null,
  hold: (number | null)[] | null,
): ChartSpec {
  const series: SeriesSpec[] = [
    { name: `equity (${stealingLabel(r)})`, color: PALETTE[0]!, values: r.equity.map((e) => e.equity) },
  ];
  if (c) series.push({ name: `equity (${stealingLabel(c)})`, color: PALETTE[1]!, values: alignTo(r, c) });
  if (hold)
    series.push({ name: 'buy and hold (equal weight)', color: PALETTE[7]!, values: hold, dash: true });
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const log = all.length > 0 && prefersLog(Math.min(...all), Math.max(...all));
  return {
    id: 'equity',
    title: 'Equity',
    kind: 'line',
    time: true,
    x: secs(equityTimes(r)),
    yFormat: 'money',
    logY: log,
    fitY: true,
    height: 320,
    series,
    note: `End of day, ${log ? 'log' : 'linear'} scale. Drag to zoom, double-click to reset; hover for values.`,
  };
}

/** The comparison's equity on this run's days (same data and range, so the same days; null if missing). */
function alignTo(r: SimulationResult, c: SimulationResult): (number | null)[] {
  const byDay = new Map(c.equity.map((e) => [e.time.slice(0, 10), e.equity]));
  return r.equity.map((e) => byDay.get(e.time.slice(0, 10)) ?? null);
}

function drawdown(values: readonly (number | null)[], initial: number): (number | null)[] {
  let peak = initial;
  return values.map((v) => {
    if (v === null) return null;
    peak = Math.max(peak, v);
    return peak > 0 ? v / peak - 1 : 0;
  });
}

function drawdownChart(r: SimulationResult, c: SimulationResult | null): ChartSpec {
  const series: SeriesSpec[] = [
    {
      name: stealingLabel(r),
      color: PALETTE[3]!,
      values: drawdown(
        r.equity.map((e) => e.equity),
        r.summary.initialEquity,
      ),
      fill: true,
    },
  ];
  if (c)
    series.push({
      name: stealingLabel(c),
      color: PALETTE[1]!,
      values: drawdown(alignTo(r, c), c.summary.initialEquity),
      dash: true,
    });
  return {
    id: 'drawdown',
    title: 'Drawdown',
    kind: 'line',
    time: true,
    x: secs(equityTimes(r)),
    yFormat: 'pct',
    series,
  };
}

function marginChart(r: SimulationResult): ChartSpec {
  return {
    id: 'margin',
    title: 'Margin utilisation',
    kind: 'line',
    time: true,
    x: secs(equityTimes(r)),
    yFormat: 'pct',
    fromZero: true,
    series: [{ name: 'margin used / capacity', color: PALETTE[1]!, values: utilization(r), fill: true }],
    note: 'At each day’s end: margin held by entry orders and positions, as a share of the capacity then.',
  };
}

function weeklyChart(r: SimulationResult): ChartSpec {
  const w = weeklyDecisions(r);
  const reasons = Object.keys(w.blocks).sort();
  return {
    id: 'weekly',
    title: 'Steals and blocks per week',
    kind: 'bars',
    time: true,
    x: secs(w.weeks),
    xPad: 7 * 86_400,
    yFormat: 'int',
    series: [
      { name: 'steals', color: PALETTE[4]!, values: w.steals },
      ...reasons.map((reason, i) => ({
        name: `block: ${reason}`,
        color: PALETTE[(5 + i) % PALETTE.length]!,
        values: w.blocks[reason]!,
      })),
    ],
    note: 'Weeks start on Monday (UTC); bars are stacked, hover for each part.',
  };
}

/**
 * Per symbol, the close at each day's end (of the run's range only) with markers: entries, exits, steals made
 * by the symbol and orders stolen from it.
 */
function priceCharts(r: SimulationResult, series: readonly BarSeries[], prices: RangePrices): ChartSpec[] {
  const days = equityDays(r);
  const index = new Map(days.map((d, i) => [new Date(d).toISOString().slice(0, 10), i]));
  return series.map((s, k) => {
    const closes = prices.closes[k]!;
    const mark = (): (number | null)[] => new Array<number | null>(days.length).fill(null);
    const entries = mark();
    const exits = mark();
    const stole = mark();
    const stolen = mark();
    const at = (iso: string): number | undefined => index.get(iso.slice(0, 10));
    for (const t of r.trades) {
      if (t.symbol !== s.symbol) continue;
      const e = at(t.entryTime);
      const x = at(t.exitTime);
      if (e !== undefined) entries[e] = t.entryPrice;
      if (x !== undefined) exits[x] = t.exitPrice;
    }
    for (const d of r.decisions) {
      const i = d.action === 'steal' && d.symbol === s.symbol ? at(d.time) : undefined;
      if (i !== undefined) stole[i] = closes[i] ?? null;
    }
    for (const v of r.regret) {
      const i = v.victimSymbol === s.symbol ? at(new Date(v.stealTime).toISOString()) : undefined;
      if (i !== undefined) stolen[i] = closes[i] ?? null;
    }
    return {
      id: `price-${s.symbol.replace(/[^A-Za-z0-9_-]/g, '_')}`,
      title: `${s.symbol}: daily close, trades and steals`,
      kind: 'line' as const,
      time: true,
      x: secs(equityTimes(r)),
      yFormat: 'num' as const,
      group: 'price',
      height: 300,
      series: [
        { name: 'close', color: PALETTE[7]!, values: closes },
        { name: 'entry', color: PALETTE[2]!, values: entries, markers: true },
        { name: 'exit', color: PALETTE[1]!, values: exits, markers: true },
        { name: 'stole (this symbol)', color: PALETTE[4]!, values: stole, markers: true },
        { name: 'stolen from', color: PALETTE[3]!, values: stolen, markers: true },
      ],
      note: 'Markers sit on the day they happened: entries and exits at their fill price, steals at the close.',
    };
  });
}

function distributionCharts(r: SimulationResult): ChartSpec[] {
  const exposure = histogram(utilization(r), 20);
  const hours = histogram(tradeHours(r), 24);
  return [
    {
      id: 'exposure',
      title: 'Exposure: days by margin utilisation',
      kind: 'histogram',
      time: false,
      x: exposure.x,
      xPad: exposure.width,
      xFormat: 'pct',
      xLabel: 'margin used / capacity',
      yFormat: 'int',
      series: [{ name: 'days', color: PALETTE[0]!, values: exposure.counts }],
    },
    {
      id: 'durations',
      title: 'Trade durations',
      kind: 'histogram',
      time: false,
      x: hours.x,
      xPad: hours.width,
      xFormat: 'hours',
      xLabel: 'held',
      yFormat: 'int',
      series: [{ name: 'trades', color: PALETTE[2]!, values: hours.counts }],
    },
  ];
}

/**
 * A self-contained HTML report of one simulation: summary beside the comparison run, equity against stealing
 * the other way and buy-and-hold, drawdown, margin utilisation, weekly steals and blocks by reason, prices with
 * trade and steal markers, the trade list, calendar returns, distributions, per-symbol and data tables.
 */
export function renderReport(input: ReportInput): string {
  const r = input.result;
  const c = input.comparison ?? null;
  const series = input.series ?? [];
  const inRange = rangePrices(r, series, input.calendar ?? nyseCalendar());
  const hold = series.length ? buyAndHold(inRange, r.summary.initialEquity) : null;
  const prices = priceCharts(r, series, inRange);
  const [exposure, durations] = distributionCharts(r);
  const calibration = calibrationChart(r);
  const charts = [
    equityChart(r, c, hold),
    drawdownChart(r, c),
    marginChart(r),
    weeklyChart(r),
    ...prices,
    exposure!,
    durations!,
    ...(calibration ? [calibration] : []),
  ];
  const title = input.title ?? 'worksteal simulation';
  const synthetic = r.synthetic
    ? '<p class="warn">SYNTHETIC DATA: these numbers describe generated prices, not a market.</p>'
    : '';
  const research = r.research
    ? `<p class="warn">${esc(r.research.label.toUpperCase())}: a share of the signals enter where the price really went; these numbers judge the stealing policy at that skill, not a strategy anyone could trade.</p>`
    : '';
  const comparisonNote = c ? ` Compared with the same data and configuration, ${stealingLabel(c)}.` : '';
  const body = `<h1>${esc(title)}</h1>${synthetic}${research}
<p>${esc(when(r.range.from))} → ${esc(when(r.range.to))} · ${rangeDays(r.range) ?? 0} days · ${esc(stealingLabel(r))} · signals: ${esc(r.signals)} · ${r.data.length} symbols.${esc(comparisonNote)}</p>
${summaryTable(r, c)}
${charts
  .filter((s) => !s.group)
  .slice(0, 4)
  .map((s) => figure(s))
  .join('\n')}
<h2>Prices, trades and steals</h2>
${
  prices.length
    ? groupSelect(
        'price',
        'symbol',
        series.map((s) => s.symbol),
      ) + prices.map((s, i) => figure(s, series[i]!.symbol)).join('\n')
    : '<p>No bars were given to the report.</p>'
}
<h2>Trades (${r.trades.length})</h2>
<p class="note">Click a column to sort.</p>
${tradeList(r)}
<h2>Returns by month and year</h2>
${calendarReturns(r)}
<h2>Distributions</h2>
<div class="grid">${figure(exposure!)}${figure(durations!)}</div>
${calibrationSection(r, calibration)}
<h2>Per symbol</h2>
${table(
  ['symbol', 'class', 'trades', 'PnL', 'win rate', 'steals', 'stolen from', 'blocks'],
  r.perSymbol.map((p) => [
    p.symbol,
    p.assetClass,
    p.trades,
    money(p.pnl),
    pct(p.winRate, 1),
    p.steals,
    p.stolenFrom,
    p.blocks,
  ]),
  'per-symbol',
)}
<h2>Data</h2>
${table(
  ['symbol', 'class', 'bars', 'first', 'last', 'gaps', 'sha256', 'file'],
  r.data.map((d) => [
    d.symbol,
    d.assetClass,
    d.bars,
    when(d.first),
    when(d.last),
    d.gaps,
    d.sha256.slice(0, 12),
    d.path,
  ]),
)}
<p class="muted">Model: decisions at bar closes with information up to that close; limit orders fill only in later bars that reach them, at the open when the bar gaps through. Buy-and-hold: equal weight at each symbol's first close in the run's range, valued at the closes the run saw, no fees. See the README for the assumptions and limits.</p>`;
  return reportPage({ title, body, charts });
}
