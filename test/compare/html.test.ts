/**
 * `compare --report`: the page draws the comparison's own numbers. Each per-window chart's points are the
 * windows' values (the differences A − B, both Sharpes, net regret), its flat lines the summary's median and
 * interval; a numeric sweep adds the curve of the medians and bounds against the level, any other sweep says
 * why it has none; research settings are said at the top; a side's name is text, never markup.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import { compareWindows, type CompareResult, type ComparisonGroup } from '../../src/compare/compare.js';
import { renderCompareReport, type CompareReportInput } from '../../src/compare/html.js';
import { summaryTable } from '../../src/compare/report.js';
import { sweepLevels } from '../../src/compare/sides.js';
import type { ConfigLayer } from '../../src/io/set-layer.js';
import { parseSpan, rollingWindows } from '../../src/compare/windows.js';
import type { ChartSpec } from '../../src/report/chart-spec.js';
import { esc } from '../../src/report/format.js';
import { loadReal } from '../support/marketdata.js';

const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
];
const RANGE = { from: Date.parse('2023-01-01T00:00:00Z'), to: Date.parse('2023-04-01T00:00:00Z') };
const windows = rollingWindows(RANGE, parseSpan('1mo', '--window'));

const config = (layers: readonly ConfigLayer[], values: Record<string, unknown>) =>
  resolveConfig({
    layers: [
      { source: 'test', values: { sim: { orderFraction: 0.45 } } },
      ...layers,
      { source: 'side', values },
    ],
  }).config;

/** B stealing off, A as given, at each level of the sweeps (as `compare` builds them). */
function groups(sweeps: readonly string[], variant = 'as configured'): ComparisonGroup[] {
  return sweepLevels(sweeps).map((level) => ({
    level: level.label,
    baseline: { label: 'stealing off', config: config(level.layers, { stealingEnabled: false }) },
    variants: [{ label: variant, config: config(level.layers, {}) }],
  }));
}

async function run(gs: ComparisonGroup[], subsets?: string[][], replicates?: number): Promise<CompareResult> {
  const loaded = await loadReal(FILES);
  return compareWindows({
    series: loaded.map((l) => l.series),
    groups: gs,
    windows,
    seed: 4,
    resamples: 200,
    threads: 0,
    ...(subsets ? { subsets } : {}),
    ...(replicates ? { replicates } : {}),
  });
}

const page = (input: Partial<CompareReportInput> & Pick<CompareReportInput, 'result' | 'groups'>) =>
  renderCompareReport({
    data: 'three coins',
    command: 'worksteal compare …',
    bothSides: null,
    sweeps: [],
    ...input,
  });

function charts(html: string): ChartSpec[] {
  const block = /<script type="application\/json" id="report-data">(.*?)<\/script>/su.exec(html);
  expect(block, 'the report-data block').not.toBeNull();
  return (JSON.parse(block![1]!) as { charts: ChartSpec[] }).charts;
}

const byId = (specs: readonly ChartSpec[], id: string): ChartSpec => {
  const spec = specs.find((s) => s.id === id);
  expect(spec, id).toBeDefined();
  return spec!;
};
const values = (spec: ChartSpec, name: string) => {
  const s = spec.series.find((x) => x.name === name);
  expect(s, `${spec.id}: ${name}`).toBeDefined();
  return s!.values;
};
/** A pair's series without the two ends of the axis, which carry no pair. */
const pairs = (spec: ChartSpec, name: string) => {
  const v = values(spec, name);
  expect([v[0], v.at(-1)]).toEqual([null, null]);
  return v.slice(1, -1);
};
const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

describe('compare --report page', () => {
  const sweeps = ['sim.research.signalSkill=0,0.5'];

  it('draws each window of each pair, the summary medians and, for a numeric sweep, the curve', async () => {
    const gs = groups(sweeps);
    const result = await run(gs);
    const html = page({ result, groups: gs, sweeps });
    const specs = charts(html);
    expect(result.comparisons).toHaveLength(2);
    result.comparisons.forEach((c, i) => {
      const ws = c.windows;
      const sharpe = byId(specs, `cmp-${i}-sharpe`);
      expect(pairs(sharpe, 'A: as configured')).toEqual(ws.map((w) => orNull(w.a.sharpe)));
      expect(pairs(sharpe, 'B: stealing off')).toEqual(ws.map((w) => orNull(w.b.sharpe)));
      expect(sharpe.x.slice(1, -1)).toEqual(ws.map((w) => w.window.from / 1000));
      const dSharpe = byId(specs, `cmp-${i}-dsharpe`);
      expect(pairs(dSharpe, 'ΔSharpe')).toEqual(ws.map((w) => orNull(w.diff.sharpe)));
      const m = c.aggregate.medianSharpeDiff;
      for (const [name, v] of [
        ['median', m.estimate],
        ['95% low', m.low],
        ['95% high', m.high],
        ['zero', 0],
      ] as const) {
        expect(values(dSharpe, name)).toEqual(dSharpe.x.map(() => v));
      }
      const dReturn = byId(specs, `cmp-${i}-dreturn`);
      expect(pairs(dReturn, 'Δreturn')).toEqual(ws.map((w) => orNull(w.diff.totalReturn)));
      expect(values(dReturn, 'median')[0]).toBe(c.aggregate.medianReturnDiff.estimate);
      const regret = byId(specs, `cmp-${i}-regret`);
      expect(pairs(regret, 'A: as configured')).toEqual(ws.map((w) => w.a.netRegret));
      // B never steals here: its regret (0) is not drawn, and the note says so.
      expect(regret.series.map((s) => s.name)).not.toContain('B: stealing off');
      expect(regret.note).toContain('B never steals');
      expect(sharpe.group).toBe('comparison');
    });
    // Stealing happens at these settings: the regret chart draws something other than zeros.
    expect(result.comparisons.some((c) => c.windows.some((w) => w.a.steals > 0))).toBe(true);

    const curve = byId(specs, 'sweep-sharpe');
    expect(curve.x).toEqual([0, 0.5]);
    expect(curve.xLabel).toBe('sim.research.signalSkill');
    const interval = result.comparisons.map((c) => c.aggregate.medianSharpeDiff);
    const name = 'as configured vs stealing off';
    expect(values(curve, `${name}: median`)).toEqual(interval.map((i) => i.estimate));
    expect(values(curve, `${name}: 95% low`)).toEqual(interval.map((i) => i.low));
    expect(values(curve, `${name}: 95% high`)).toEqual(interval.map((i) => i.high));
    expect(curve.series.filter((s) => s.dash)).toHaveLength(2);
    const returns = byId(specs, 'sweep-return');
    expect(values(returns, `${name}: median`)).toEqual(
      result.comparisons.map((c) => c.aggregate.medianReturnDiff.estimate),
    );

    // The summary table is the one the terminal prints, cell for cell; the research lines are at the top.
    for (const row of summaryTable(result).rows) for (const cell of row) expect(html).toContain(esc(cell));
    const warn = /<p class="warn">(.*?)<\/p>/su.exec(html)?.[1] ?? '';
    expect(warn).toMatch(/^RESEARCH: look-ahead signals, skill k=0\.5/u);
    expect(html.indexOf('class="warn"')).toBeLessThan(html.indexOf('<h2>Summary'));
    expect(html).toContain('<select data-group="comparison">');
  });

  it('a sweep of a key that takes no numbers, or of several keys, has no curve and says why', async () => {
    const gs = groups(['victimRanking=distance,expectedValue']);
    const result = await run(gs);
    const html = page({ result, groups: gs, sweeps: ['victimRanking=distance,expectedValue'] });
    expect(charts(html).filter((s) => s.id.startsWith('sweep-'))).toEqual([]);
    expect(html).toContain('No curve: victimRanking does not take numbers (distance,expectedValue)');
    // The same comparisons, as if two keys had been swept: no curve either, for its own reason.
    const two = page({ result, groups: gs, sweeps: ['victimRanking=distance', 'sim.slippageBps=0,5'] });
    expect(charts(two).filter((s) => s.id.startsWith('sweep-'))).toEqual([]);
    expect(two).toContain('No curve: 2 sweep keys vary at once');
    // No research setting: no warning; no sweep: no sweep section.
    expect(html).not.toContain('class="warn"');
    const plain = page({
      result: { ...result, comparisons: [result.comparisons[0]!] },
      groups: gs.slice(0, 1),
    });
    expect(plain).not.toContain('Against the sweep level');
    expect(plain).not.toContain('<select');
  });

  it("escapes a side's name and the data's in the page and in the charts' JSON", async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const gs = groups([], evil);
    const result = await run(gs);
    const html = page({ result, groups: gs, data: '</script><b>data</b>', bothSides: 'both sides: <i>' });
    expect(html).not.toContain(evil);
    expect(html).not.toContain('<b>data</b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain(esc(evil));
    // Inside the JSON block a '<' is written \u003c, and reads back as the name.
    expect(byId(charts(html), 'cmp-0-sharpe').series[0]!.name).toBe(`A: ${evil}`);
  });

  it('with symbol subsets, every pair is a point, in window order and within its window', async () => {
    const gs = groups([]);
    const subsets = [
      ['SOLUSDT', 'LINKUSDT'],
      ['LINKUSDT', 'AVAXUSDT'],
      ['SOLUSDT', 'AVAXUSDT'],
    ];
    const result = await run(gs, subsets);
    const c = result.comparisons[0]!;
    const spec = byId(charts(page({ result, groups: gs })), 'cmp-0-dsharpe');
    expect(pairs(spec, 'ΔSharpe')).toEqual(c.windows.map((w) => orNull(w.diff.sharpe)));
    expect(c.windows).toHaveLength(windows.length * subsets.length);
    for (let i = 1; i < spec.x.length; i++) expect(spec.x[i]!).toBeGreaterThan(spec.x[i - 1]!);
    c.windows.forEach((w, i) => {
      const t = spec.x[i + 1]! * 1000;
      expect(t).toBeGreaterThanOrEqual(w.window.from);
      expect(t).toBeLessThan(w.window.to);
    });
    expect(spec.note).toContain(
      'One point per pair: each window once per symbol subset (3 subsets of 2 symbols)',
    );
  });

  it("with replicates, each window's point is the mean of its replicates, and the note says so", async () => {
    const gs = groups([]);
    const result = await run(gs, undefined, 3);
    const c = result.comparisons[0]!;
    expect(c.windows[0]!.replicates).toHaveLength(3);
    const html = page({ result, groups: gs });
    const spec = byId(charts(html), 'cmp-0-dsharpe');
    expect(pairs(spec, 'ΔSharpe')).toEqual(c.windows.map((w) => orNull(w.diff.sharpe)));
    expect(spec.note).toContain("Each value is already the mean over the window's 3 replicates");
    expect(html).toContain('<th>path noise</th>');
  });
});
