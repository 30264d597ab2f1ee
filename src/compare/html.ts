/**
 * `compare --report`: a comparison as one self-contained HTML page (the report kit in src/report: uPlot
 * inlined, nothing fetched). The summary table as the terminal and the Markdown show it, then per comparison
 * each window's pair (Sharpe of both sides, ΔSharpe and Δreturn with the median and its interval, net steal
 * regret), and with one numeric --sweep key the median differences against the level. Every number drawn is
 * one the comparison already holds: nothing is computed again here.
 */
import { PALETTE, type ChartSpec, type SeriesSpec } from '../report/chart-spec.js';
import { esc, table } from '../report/format.js';
import { figure, groupSelect, reportPage } from '../report/page.js';
import type { CompareResult, Comparison, ComparisonGroup, PairedWindow } from './compare.js';
import {
  classRegretLines,
  columnNotes,
  comparisonTitle,
  plural,
  researchNotes,
  settingsLine,
  summaryTable,
} from './report.js';
import { setLayer } from '../io/set-layer.js';
import { DEFAULT_LEVEL, type Interval } from './stats.js';

export interface CompareReportInput {
  result: CompareResult;
  /** The groups the result was made from (sweep levels, sides): for the research lines and the curve. */
  groups: readonly ComparisonGroup[];
  /** The data's name, as the other outputs write it (the benchmark set, or the symbols). */
  data: string;
  /** The command that made it, as --markdown records it. */
  command: string;
  /** What every side takes on top of its own (`both sides: …`), or null. */
  bothSides: string | null;
  /** The --sweep values as given. */
  sweeps: readonly string[];
}

const GREY = PALETTE[7]!;
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const flat = (n: number, v: number): (number | null)[] => new Array<number | null>(n).fill(finite(v));

/**
 * The time axis of the per-window charts, in seconds: each pair at its window's start, between two ends that
 * carry no pair (a little before the first window, the end of the last), so that no point sits on the
 * chart's edge and the flat lines span it. With several symbol subsets a window has a pair per subset; they
 * are drawn side by side from the window's start, subset 1 first, within the first half of the step to
 * the next window's start, so the x values keep ascending and no pair hides another.
 */
function pairAxis(
  r: CompareResult,
  c: Comparison,
): { x: number[]; pairs: (v: number[]) => (number | null)[] } {
  const n = r.subsets.length;
  const starts = r.windows.map((w) => w.from);
  const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
  const span = Math.min(...gaps, ...r.windows.map((w) => w.to - w.from));
  const first = starts[0]!;
  const last = Math.max(...r.windows.map((w) => w.to));
  const at = c.windows.map((p) => p.window.from + (p.subset * span) / (2 * n));
  return {
    x: [first - 0.05 * (last - first), ...at, last].map((t) => t / 1000),
    pairs: (v) => [null, ...v.map(finite), null],
  };
}

/** What one point is, said in every per-window chart's note. */
function pointNote(r: CompareResult): string {
  const n = r.subsets.length;
  const what =
    n > 1
      ? `One point per pair: each window once per symbol subset (${n} subsets of ${plural(r.subsets[0]!.length, 'symbol')}), its subsets side by side after the window's start, subset 1 at the start. The median and its interval take each window once, as the mean over its subsets.`
      : 'One point per window, at its start: A and B each simulated afresh on it.';
  const reps = r.replicates
    ? ` Each value is already the mean over the window's ${r.replicates.count} replicates (the order size scaled by 1 + δ on both sides).`
    : '';
  return what + reps;
}

/** A difference per pair with the median over the pairs and its interval as flat lines, and zero. */
function diffChart(
  base: Omit<ChartSpec, 'series' | 'note' | 'kind' | 'time'>,
  name: string,
  values: (number | null)[],
  median: Interval,
  note: string,
): ChartSpec {
  const n = values.length;
  const level = `${Math.round(DEFAULT_LEVEL * 100)}%`;
  // Too few windows to reach the level asked: the interval is [min, max], and the note says what it reaches.
  const reached =
    median.level < DEFAULT_LEVEL
      ? ` (from ${n} pairs it reaches only ${Number((median.level * 100).toFixed(1))}%)`
      : '';
  return {
    ...base,
    kind: 'line',
    time: true,
    series: [
      { name, color: PALETTE[3]!, values, markers: true },
      { name: 'median', color: PALETTE[2]!, values: flat(n, median.estimate) },
      { name: `${level} low`, color: PALETTE[2]!, values: flat(n, median.low), dash: true },
      { name: `${level} high`, color: PALETTE[2]!, values: flat(n, median.high), dash: true },
      { name: 'zero', color: GREY, values: flat(n, 0) },
    ],
    note: `${note} The flat lines: the median over the pairs and its ${level} interval${reached}, as in the summary table.`,
  };
}

/** The four per-window charts of one comparison, in the select-box group 'comparison'. */
function windowCharts(r: CompareResult, c: Comparison, i: number): ChartSpec[] {
  const { x, pairs } = pairAxis(r, c);
  const ws: readonly PairedWindow[] = c.windows;
  const points = pointNote(r);
  const common = { x, group: 'comparison', yFormat: 'num' as const, fitY: true };
  const bSteals = ws.some((w) => w.b.steals > 0);
  const regret: SeriesSpec[] = [
    {
      name: `A: ${c.variant}`,
      color: PALETTE[0]!,
      values: pairs(ws.map((w) => w.a.netRegret)),
      markers: true,
    },
    ...(bSteals
      ? [
          {
            name: `B: ${c.baseline}`,
            color: PALETTE[1]!,
            values: pairs(ws.map((w) => w.b.netRegret)),
            markers: true,
          },
        ]
      : []),
    { name: 'zero', color: GREY, values: flat(x.length, 0) },
  ];
  return [
    {
      ...common,
      id: `cmp-${i}-sharpe`,
      title: 'Sharpe of A and of B per window',
      kind: 'line',
      time: true,
      series: [
        {
          name: `A: ${c.variant}`,
          color: PALETTE[0]!,
          values: pairs(ws.map((w) => w.a.sharpe)),
          markers: true,
        },
        {
          name: `B: ${c.baseline}`,
          color: PALETTE[1]!,
          values: pairs(ws.map((w) => w.b.sharpe)),
          markers: true,
        },
      ],
      note: points,
    },
    diffChart(
      { ...common, id: `cmp-${i}-dsharpe`, title: 'ΔSharpe per window (A − B)' },
      'ΔSharpe',
      pairs(ws.map((w) => w.diff.sharpe)),
      c.aggregate.medianSharpeDiff,
      points,
    ),
    diffChart(
      { ...common, id: `cmp-${i}-dreturn`, title: 'Δreturn per window (A − B)', yFormat: 'pct' },
      'Δreturn',
      pairs(ws.map((w) => w.diff.totalReturn)),
      c.aggregate.medianReturnDiff,
      points,
    ),
    {
      ...common,
      id: `cmp-${i}-regret`,
      title: 'Net steal regret per window',
      kind: 'line',
      time: true,
      yFormat: 'money',
      series: regret,
      note: `${points} Net regret: what the stolen-from orders would have made minus what the stealers made (> 0: stealing cost money).${bSteals ? '' : ' B never steals: its regret is 0 and not drawn.'}`,
    },
  ];
}

/** The sweep's key and each comparison's level as a number, or why there is no curve (null: no sweep). */
function sweepAxis(
  sweeps: readonly string[],
  comparisons: readonly Comparison[],
): { key: string; levels: number[] } | { reason: string } | null {
  if (sweeps.length === 0) return null;
  if (sweeps.length > 1) {
    return {
      reason: `No curve: ${sweeps.length} sweep keys vary at once, and a curve has one numeric key on its x axis; the table above has every level.`,
    };
  }
  const key = sweeps[0]!.slice(0, sweeps[0]!.indexOf('=')).trim();
  // Each level typed as the config reads it (setLayer: `0.25` is a number for a numeric key).
  const levels = comparisons.map((c) => {
    let v: unknown = setLayer(c.level, '--sweep').values;
    for (const seg of key.split('.')) v = (v as Record<string, unknown>)[seg];
    return typeof v === 'number' ? v : Number.NaN;
  });
  if (levels.some(Number.isNaN)) {
    return {
      reason: `No curve: ${key} does not take numbers (${sweeps[0]!.slice(key.length + 1)}), so its levels have no order to draw; the table above has every level.`,
    };
  }
  return { key, levels };
}

/** Median ΔSharpe and Δreturn against the sweep level, per variant with its interval, and zero. */
function curveCharts(
  groups: readonly ComparisonGroup[],
  comparisons: readonly Comparison[],
  axis: { key: string; levels: number[] },
): ChartSpec[] {
  const x = [...new Set(axis.levels)].sort((a, b) => a - b);
  const variants = groups[0]!.variants.length;
  const one = (id: string, what: string, pick: (c: Comparison) => Interval, pct: boolean): ChartSpec => {
    const series: SeriesSpec[] = groups[0]!.variants.flatMap((v, k) => {
      // Comparisons run group by group, each group's variants in order: variant k is every `variants`-th.
      const at = x.map((level) => comparisons.find((c, i) => i % variants === k && axis.levels[i] === level));
      const values = (f: (i: Interval) => number) => at.map((c) => (c ? finite(f(pick(c))) : null));
      const color = PALETTE[(k * 3) % PALETTE.length]!;
      const name = `${v.label} vs ${groups[0]!.baseline.label}`;
      return [
        { name: `${name}: median`, color, values: values((i) => i.estimate) },
        { name: `${name}: 95% low`, color, values: values((i) => i.low), dash: true },
        { name: `${name}: 95% high`, color, values: values((i) => i.high), dash: true },
      ];
    });
    series.push({ name: 'zero', color: GREY, values: flat(x.length, 0) });
    return {
      id,
      title: `Median ${what} (A − B) against ${axis.key}`,
      kind: 'line',
      time: false,
      x,
      xLabel: axis.key,
      xFormat: 'num',
      xMargin: 0.04,
      yFormat: pct ? 'pct' : 'num',
      points: true,
      fitY: true,
      height: 300,
      series,
      note: `Each level's median over its pairs with its 95% interval (dashed), as in the summary table; from fewer than 6 windows the interval is [min, max], which reaches less (the table says how much).`,
    };
  };
  return [
    one('sweep-sharpe', 'ΔSharpe', (c) => c.aggregate.medianSharpeDiff, false),
    one('sweep-return', 'Δreturn', (c) => c.aggregate.medianReturnDiff, true),
  ];
}

/** The select box's names: each comparison's title, numbered when two would read the same. */
function memberNames(comparisons: readonly Comparison[]): string[] {
  const titles = comparisons.map(comparisonTitle);
  return titles.map((t, i) => (titles.indexOf(t) !== titles.lastIndexOf(t) ? `${t} (${i + 1})` : t));
}

export function renderCompareReport(input: CompareReportInput): string {
  const r = input.result;
  const members = memberNames(r.comparisons);
  const perComparison = r.comparisons.map((c, i) => windowCharts(r, c, i));
  const axis = sweepAxis(input.sweeps, r.comparisons);
  const curves = axis && 'key' in axis ? curveCharts(input.groups, r.comparisons, axis) : [];
  const summary = summaryTable(r);
  // The text output's split of net steal regret by asset class, per comparison (none on a book of one class).
  const byClass = r.comparisons.map(classRegretLines).filter((lines) => lines.length > 0);
  const byClassSection = byClass.length
    ? `<h2>Net steal regret by asset class</h2>\n${byClass
        .map((lines) => `<p>${lines.map((l) => esc(l.trim())).join('<br>')}</p>`)
        .join('\n')}`
    : '';
  const notes = researchNotes(input.groups);
  const research = notes.length ? `<p class="warn">${notes.map(esc).join('<br>')}</p>` : '';
  const sweepSection =
    axis === null
      ? ''
      : `<h2>Against the sweep level</h2>\n${
          'reason' in axis ? `<p>${esc(axis.reason)}</p>` : curves.map((s) => figure(s)).join('\n')
        }`;
  const body = `<h1>worksteal comparison</h1>${research}
${input.bothSides ? `<p>${esc(input.bothSides)}</p>` : ''}
<p>${esc(settingsLine(r, input.data))}</p>
<p class="muted"><code>${esc(input.command)}</code></p>
<h2>Summary</h2>
${table(summary.head, summary.rows, 'summary')}
${columnNotes(r)
  .map((n) => `<p class="note">${esc(n)}</p>`)
  .join('\n')}
${byClassSection}
<h2>Per window</h2>
${members.length > 1 ? groupSelect('comparison', 'comparison', members) : `<p>${esc(members[0]!)}</p>`}
${perComparison.map((specs, i) => specs.map((s) => figure(s, members[i]!)).join('\n')).join('\n')}
${sweepSection}`;
  return reportPage({
    title: `worksteal comparison: ${input.data}`,
    body,
    charts: [...perComparison.flat(), ...curves],
  });
}
