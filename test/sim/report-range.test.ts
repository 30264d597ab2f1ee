/**
 * The HTML report shows the simulated range and nothing else: buy-and-hold runs from the first price at or
 * after the run's start to the last at or before its end, the price charts stop at the last bar the run saw,
 * the line charts' x axis stays inside the range, and the last bar of every bar chart is drawn in full.
 */
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { ChartSpec } from '../../src/report/chart-spec.js';
import { renderReport } from '../../src/sim/report/html.js';
import { runSimulation } from '../../src/sim/run.js';
import { loadReal } from '../support/marketdata.js';

const FILES = ['binance-spot-yanniedog/LINKUSDT_1h.csv', 'binance-spot-yanniedog/SOLUSDT_1h.csv'];

async function report() {
  const loaded = await loadReal(FILES);
  const { config } = resolveConfig({ layers: [{ source: 'test', values: { sim: { orderFraction: 0.6 } } }] });
  const result = runSimulation({
    loaded,
    config,
    calendar: nyseCalendar(),
    from: Date.parse('2024-03-01T00:00:00Z'),
    to: Date.parse('2024-03-15T00:00:00Z'),
  }).result;
  const series = loaded.map((l) => l.series);
  const html = renderReport({ result, series });
  const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
  const charts = (JSON.parse(json) as { charts: ChartSpec[] }).charts;
  const chart = (id: string): ChartSpec => charts.find((c) => c.id === id)!;
  return { result, series, chart };
}

describe('the simulation report stays inside the simulated range', () => {
  it('buy-and-hold: from the first close at or after the start to the last at or before the end', async () => {
    const { result, series, chart } = await report();
    const from = Date.parse(result.range.from!);
    const to = Date.parse(result.range.to!);
    expect(result.range).toEqual({ from: '2024-03-01T01:00:00.000Z', to: '2024-03-15T00:00:00.000Z' });
    // Hourly crypto bars close an hour after they open.
    let expected = 0;
    for (const s of series) {
      const closes: number[] = [];
      for (let i = 0; i < s.time.length; i++) {
        const close = s.time[i]! + 3_600_000;
        if (close >= from && close <= to) closes.push(s.close[i]!);
      }
      expected += (result.summary.initialEquity / series.length) * (closes[closes.length - 1]! / closes[0]!);
    }
    const hold = chart('equity').series.find((s) => s.name.startsWith('buy and hold'))!.values;
    // 50k × 20.88 / 19.501 + 50k × 176.65 / 132.93: the 2024-03-14 23:00 bars, not the 2024-03-15 23:00 ones.
    expect(hold[hold.length - 1]).toBeCloseTo(expected, 6);
    expect(expected).toBeCloseTo(119_980.46, 1);
    // The first day's row already moved: the shares were bought at the 01:00 close, not at the day's end.
    expect(hold[0]).not.toBeCloseTo(result.summary.initialEquity, 0);
  });

  it('each price chart ends at the price the run closed its end-of-data positions at', async () => {
    const { result, series, chart } = await report();
    const ends = result.trades.filter((t) => t.exitReason === 'end-of-data');
    expect(ends.length).toBeGreaterThan(0);
    for (const t of ends) {
      const k = series.findIndex((s) => s.symbol === t.symbol);
      const close = chart(`price-${series[k]!.symbol}`).series.find((s) => s.name === 'close')!.values;
      expect(close[close.length - 1], t.symbol).toBe(t.exitPrice);
    }
  });

  it('the line charts run from the first equity row to the last, inside the range', async () => {
    const { result, chart } = await report();
    const from = Date.parse(result.range.from!) / 1000;
    const to = Date.parse(result.range.to!) / 1000;
    for (const id of ['equity', 'drawdown', 'margin', 'price-LINKUSDT']) {
      const x = chart(id).x;
      expect(x[0]!, id).toBeGreaterThanOrEqual(from);
      expect(x[x.length - 1], id).toBe(to);
      expect(x, id).toEqual(result.equity.map((e) => Date.parse(e.time) / 1000));
    }
  });

  it('the equity axis fits a 17% gain: linear, fitted to the data', async () => {
    const { chart } = await report();
    expect(chart('equity').logY).toBe(false);
    expect(chart('equity').fitY).toBe(true);
  });

  it('every bar chart leaves room for its last bar: the x axis runs one bar past the last start', async () => {
    const { result, chart } = await report();
    const weekly = chart('weekly');
    const lastDecision = Math.max(...result.decisions.map((d) => Date.parse(d.time) / 1000));
    expect(weekly.x[weekly.x.length - 1]! + weekly.xPad!).toBeGreaterThan(lastDecision);
    expect(weekly.xPad).toBe(7 * 86_400);
    const used = result.equity.map((e) => e.marginUsed / e.marginCapacity);
    const held = result.trades.map((t) => (Date.parse(t.exitTime) - Date.parse(t.entryTime)) / 3_600_000);
    for (const [id, values] of [
      ['exposure', used],
      ['durations', held],
    ] as const) {
      const c = chart(id);
      const step = c.x[1]! - c.x[0]!;
      expect(c.xPad, id).toBeCloseTo(step, 9);
      expect(c.x[c.x.length - 1]! + c.xPad!, id).toBeCloseTo(Math.max(...values), 9);
    }
  });
});
