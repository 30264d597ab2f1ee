/**
 * The report's axes as the browser draws them: the equity axis of a 17% gain and of a tenfold run fits the
 * data with ticks inside it, labelled as their values; the last bar of a bar chart or histogram is drawn in
 * full, not cut to a hairline at the right edge. Reads each uPlot chart the page keeps in window.reportCharts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { ChartSpec } from '../../src/report/chart-spec.js';
import { figure, reportPage } from '../../src/report/page.js';
import { renderReport } from '../../src/sim/report/html.js';
import { runSimulation } from '../../src/sim/run.js';
import { checkPage, launch } from '../support/browser.js';
import { chromiumBrowser } from '../support/external-tools.js';
import { loadReal } from '../support/marketdata.js';

const tool = chromiumBrowser('the report axis checks');
const dir = mkdtempSync(join(tmpdir(), 'worksteal-report-axes-'));
let browser: Browser;

beforeAll(async () => {
  if (!tool.missing) browser = await launch(tool.path!);
});
afterAll(async () => {
  await browser?.close();
});

interface Drawn {
  /** Tick values and their labels (a tick uPlot left unlabelled is dropped). */
  ticks: { value: number; label: string }[];
  y: [number, number];
  x: [number, number];
  /** Canvas width and the x pixel (canvas pixels) where the plot area ends. */
  plotRight: number;
  lastBarRight: number;
}

/** Open `html`, and read each chart's y ticks, scales and the right edge of its last bar. */
async function drawn(html: string, name: string, ids: readonly string[]): Promise<Record<string, Drawn>> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-loaded="true"]');
    return await page.evaluate((wanted) => {
      type U = {
        axes: { _splits: (number | null)[]; _values: (string | null)[] }[];
        scales: Record<string, { min: number; max: number }>;
        bbox: { left: number; width: number };
        data: number[][];
        valToPos(v: number, scale: string, canvas?: boolean): number;
      };
      // Runs in the page (the type check has no DOM library): globalThis is the window there.
      const win = globalThis as unknown as { reportCharts: Record<string, U>; devicePixelRatio: number };
      const charts = win.reportCharts;
      const out: Record<string, Drawn> = {};
      for (const id of wanted) {
        const u = charts[id]!;
        const axis = u.axes[1]!;
        const ticks = axis._splits
          .map((v, i) => ({ value: v, label: axis._values[i] }))
          .filter((t): t is { value: number; label: string } => t.value !== null && !!t.label);
        const xs = u.data[0]!;
        // uPlot's bars path (align 1) starts a bar at its x and makes it 0.9 of the gap to the next, at most 40px.
        const gap = xs.length > 1 ? u.valToPos(xs[1]!, 'x', true) - u.valToPos(xs[0]!, 'x', true) : 0;
        const bar = Math.min(gap * 0.9, 40 * win.devicePixelRatio);
        out[id] = {
          ticks,
          y: [u.scales.y!.min, u.scales.y!.max],
          x: [u.scales.x!.min, u.scales.x!.max],
          plotRight: u.bbox.left + u.bbox.width,
          lastBarRight: u.valToPos(xs[xs.length - 1]!, 'x', true) + bar,
        };
      }
      return out;
    }, ids);
  } finally {
    await page.close();
  }
}

/** "117.5k" → 117500. */
const readBack = (label: string): number => {
  const unit = { k: 1e3, M: 1e6, B: 1e9 }[label.slice(-1)] ?? 1;
  return Number(label.replace(/[kMB]$/, '').replace(/,/g, '')) * unit;
};

function expectFitted(d: Drawn, lo: number, hi: number, minTicks: number): void {
  expect(d.y[0]).toBeLessThanOrEqual(lo);
  expect(d.y[1]).toBeGreaterThanOrEqual(hi);
  // The axis fits the data: at most a fifth of the span (of the log span) beyond it, never a decade.
  expect(d.y[1] / d.y[0]).toBeLessThan(Math.pow(hi / lo, 1.2) * 1.05);
  expect(d.ticks.length).toBeGreaterThanOrEqual(minTicks);
  for (const t of d.ticks) {
    expect(t.value).toBeGreaterThanOrEqual(d.y[0]);
    expect(t.value).toBeLessThanOrEqual(d.y[1]);
    expect(readBack(t.label), `${t.value} labelled ${t.label}`).toBeCloseTo(t.value, 6);
  }
}

describe.skipIf(tool.missing)('report axes in a browser', () => {
  it('the equity of a two-week run (100,000 → 117,977) on an axis that fits it, labelled right', async () => {
    const loaded = await loadReal([
      'binance-spot-yanniedog/LINKUSDT_1h.csv',
      'binance-spot-yanniedog/SOLUSDT_1h.csv',
    ]);
    const { config } = resolveConfig({
      layers: [{ source: 'test', values: { sim: { orderFraction: 0.6 } } }],
    });
    const result = runSimulation({
      loaded,
      config,
      calendar: nyseCalendar(),
      from: Date.parse('2024-03-01T00:00:00Z'),
      to: Date.parse('2024-03-15T00:00:00Z'),
    }).result;
    const html = renderReport({ result, series: loaded.map((l) => l.series) });
    const d = await drawn(html, 'sim-two-weeks', ['equity', 'weekly', 'exposure', 'durations']);
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
    const equity = (JSON.parse(json) as { charts: ChartSpec[] }).charts.find((c) => c.id === 'equity')!;
    const values = equity.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
    expectFitted(d.equity!, Math.min(...values), Math.max(...values), 3);
    // The last week, exposure bin and duration bin end inside the plot.
    for (const id of ['weekly', 'exposure', 'durations'])
      expect(d[id]!.lastBarRight, id).toBeLessThanOrEqual(d[id]!.plotRight + 1);
  });

  it('a run that grows tenfold: a log axis from its low to its high, ticks at 1, 2 and 5 of each decade', async () => {
    const x = Array.from({ length: 200 }, (_, i) => 1_700_000_000 + i * 86_400);
    const spec: ChartSpec = {
      id: 'equity',
      title: 'Equity',
      kind: 'line',
      time: true,
      x,
      yFormat: 'money',
      logY: true,
      fitY: true,
      series: [
        { name: 'equity', color: '#1f77b4', values: x.map((_, i) => 100_000 * Math.pow(10.5, i / 199)) },
      ],
    };
    const html = reportPage({ title: 'tenfold', body: figure(spec), charts: [spec] });
    const d = (await drawn(html, 'tenfold', ['equity'])).equity!;
    expectFitted(d, 100_000, 1_050_000, 3);
    expect(d.ticks.map((t) => t.label)).toEqual(['100k', '200k', '500k', '1M']);
  });

  it("a sweep's curve keeps its first and last points off the plot's edges", async () => {
    const x = [0, 0.1, 0.25, 0.5, 1];
    const spec: ChartSpec = {
      id: 'curve',
      title: 'curve',
      kind: 'line',
      time: false,
      x,
      xFormat: 'num',
      xMargin: 0.04,
      yFormat: 'num',
      points: true,
      fitY: true,
      series: [{ name: 'median', color: '#1f77b4', values: [-0.17, -0.25, -0.39, 0.2, 0.97] }],
    };
    const html = reportPage({ title: 'curve', body: figure(spec), charts: [spec] });
    const d = (await drawn(html, 'curve', ['curve'])).curve!;
    expect(d.x[0]).toBeCloseTo(-0.04, 9);
    expect(d.x[1]).toBeCloseTo(1.04, 9);
  });

  it('a histogram whose counts are all in the last bin draws that bar in full', async () => {
    const spec: ChartSpec = {
      id: 'last',
      title: 'last bin',
      kind: 'histogram',
      time: false,
      x: Array.from({ length: 20 }, (_, i) => i * 0.05),
      xPad: 0.05,
      xFormat: 'pct',
      yFormat: 'int',
      series: [
        { name: 'days', color: '#1f77b4', values: Array.from({ length: 20 }, (_, i) => (i === 19 ? 14 : 0)) },
      ],
    };
    const file = join(dir, 'last-bin.html');
    writeFileSync(file, reportPage({ title: 'last bin', body: figure(spec), charts: [spec] }));
    const check = await checkPage(browser, `file://${file}`, 'report-last-bin');
    expect(check.errors).toEqual([]);
    // A full bar is about 40 px wide by 200 high; cut at the edge it was a line of a pixel or two.
    expect(check.ink['chart-last']).toBeGreaterThan(3000);
  });
});
