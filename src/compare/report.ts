/** A comparison as text (the terminal) and as Markdown (for the README, with the command that made it). */
import { money, num, pct, table } from '../report/text.js';
import { classRegretRows } from '../sim/report/regret-rows.js';
import { researchLabel, researchNote } from '../sim/signals/skill.js';
import type { CompareResult, Comparison, ComparisonGroup } from './compare.js';
import { DEFAULT_LEVEL, type Interval } from './stats.js';
import type { SideMetrics } from './window-run.js';

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
const signed = (x: number, f: (v: number) => string): string => (x > 0 ? `+${f(x)}` : f(x));
const sharpeDiff = (x: number): string => (Number.isFinite(x) ? signed(x, (v) => v.toFixed(2)) : '—');
const returnDiff = (x: number): string =>
  Number.isFinite(x) ? signed(x, (v) => `${(v * 100).toFixed(Math.abs(v) < 0.01 ? 2 : 1)}%`) : '—';
/** `95%`, `87.5%`. */
const levelText = (level: number): string => `${Number((level * 100).toFixed(1))}%`;
/** The median and its interval, with the level it reaches where too few windows reach the one asked (stats.ts). */
const interval = (i: Interval, f: (x: number) => string): string =>
  `${f(i.estimate)} [${f(i.low)}, ${f(i.high)}]${i.level < DEFAULT_LEVEL ? ` (${levelText(i.level)})` : ''}`;
const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '—');
const pct1 = (x: number): string => pct(x, 1);
/** A count, or with replicates its mean over them (one decimal). */
const count = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
const replicated = (r: CompareResult): boolean => (r.replicates?.count ?? 1) > 1;

export function comparisonTitle(c: Comparison): string {
  return `${c.variant} (A) vs ${c.baseline} (B)${c.level ? ` at ${c.level}` : ''}`;
}

function windowLabel(r: CompareResult, w: { window: { from: number; to: number }; subset: number }): string {
  const base = `${day(w.window.from)} → ${day(w.window.to)}`;
  return r.subsets.length > 1 ? `${base} #${w.subset + 1}` : base;
}

const WINDOW_HEAD = [
  'window',
  'return A',
  'return B',
  'Sharpe A',
  'Sharpe B',
  'ΔSharpe',
  'maxDD A',
  'maxDD B',
  'steals A / B',
  'victims A / B',
  'steals/victim A / B',
  'net regret A',
  'net regret B',
];

const perVictim = (m: SideMetrics): string =>
  ratio(m.distinctVictims ? m.steals / m.distinctVictims : Number.NaN);

/** With replicates, a column after ΔSharpe: its spread across them. */
const withSpread = <T>(r: CompareResult, cells: T[], spread: T): T[] =>
  replicated(r) ? [...cells.slice(0, 6), spread, ...cells.slice(6)] : cells;

function windowHead(r: CompareResult): string[] {
  return withSpread(r, WINDOW_HEAD, 'ΔSharpe sd');
}

function windowRows(r: CompareResult, c: Comparison): string[][] {
  return c.windows.map((w) =>
    withSpread(
      r,
      [
        windowLabel(r, w),
        pct1(w.a.totalReturn),
        pct1(w.b.totalReturn),
        num(w.a.sharpe),
        num(w.b.sharpe),
        sharpeDiff(w.diff.sharpe),
        pct1(w.a.maxDrawdown),
        pct1(w.b.maxDrawdown),
        `${count(w.a.steals)} / ${count(w.b.steals)}`,
        `${count(w.a.distinctVictims)} / ${count(w.b.distinctVictims)}`,
        `${perVictim(w.a)} / ${perVictim(w.b)}`,
        money(w.a.netRegret),
        money(w.b.netRegret),
      ],
      ratio(w.sharpeSpread ?? Number.NaN),
    ),
  );
}

const SUMMARY_HEAD = [
  'A',
  'B',
  'pairs',
  'Sharpe A>B / = / <',
  'A ≥ B',
  `median ΔSharpe [${levelText(DEFAULT_LEVEL)}]`,
  `median Δreturn [${levelText(DEFAULT_LEVEL)}]`,
  'net regret A',
  'net regret B',
  'steals/victim A',
  'steals/victim B',
];

/** A net regret with its standard error; a side that never stole shows 0 alone. */
const regretCell = (value: number, se: number): string =>
  se > 0 ? `${money(value)} ± ${money(se)}` : money(value);

function summaryHead(r: CompareResult): string[] {
  return replicated(r) ? [...SUMMARY_HEAD, 'path noise'] : SUMMARY_HEAD;
}

function summaryRow(r: CompareResult, c: Comparison): string[] {
  const g = c.aggregate;
  const cells = [
    c.level ? `${c.variant} @ ${c.level}` : c.variant,
    c.baseline,
    String(g.pairs),
    `${g.sharpe.wins} / ${g.sharpe.ties} / ${g.sharpe.losses}${g.sharpe.undecided ? ` (+${g.sharpe.undecided} n/a)` : ''}`,
    pct(g.sharpe.winOrTieRate, 0),
    interval(g.medianSharpeDiff, sharpeDiff),
    interval(g.medianReturnDiff, returnDiff),
    regretCell(g.netRegret.a, g.netRegretStandardError.a),
    regretCell(g.netRegret.b, g.netRegretStandardError.b),
    ratio(g.stealsPerVictim.a),
    ratio(g.stealsPerVictim.b),
  ];
  return replicated(r) ? [...cells, ratio(g.pathNoise ?? Number.NaN)] : cells;
}

/** `1 window`, `2 windows`. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** What every side takes on top of its own (`key=value` settings), as the line above the tables; null when none. */
export function bothSidesLine(settings: readonly string[]): string | null {
  return settings.length ? `both sides: ${settings.join(', ')}` : null;
}

/** The line above every output's tables: the data, the windows, the subsets and the bootstrap. */
export function settingsLine(r: CompareResult, data: string): string {
  const w = r.windows;
  const subsets =
    r.subsets.length > 1
      ? `, ${r.subsets.length} random subsets of ${r.subsets[0]!.length} symbols`
      : `, ${plural(r.subsets[0]!.length, 'symbol')}`;
  const reps = replicated(r) ? `; each window the mean of ${r.replicates!.count} replicates` : '';
  return `${data}: ${plural(w.length, 'window')} ${day(w[0]!.from)} → ${day(w.at(-1)!.to)}${subsets}${reps}; ${r.simulations} simulations; bootstrap ${r.resamples} resamples, seed ${r.seed}.`;
}

const AGGREGATE_NOTE =
  'Pairs: one per window (and symbol subset), A and B each simulated afresh from the initial equity. ' +
  'A ≥ B: share of windows where A’s Sharpe is at least B’s (ties counted apart in the column before). ' +
  'With symbol subsets, that share counts every window and subset, while the medians take each window once, as the mean over its subsets (they share its market). ' +
  'Intervals: a seeded percentile bootstrap, widened where needed to the order statistics that hold the median at that level whatever its distribution; from too few windows to reach it, [min, max] (wider with replicates), followed by the level that reaches (87.5% from 4 windows, 50% from 2, 0% from one). ' +
  'Net regret: what the stolen-from orders would have made minus what the stealers made, summed over the windows (> 0: stealing cost money), ± its standard error (fills taken as independent). ' +
  'It counts only the victims: a stealer’s fill also holds margin another order would have filled with, which it does not see.';

const REPLICATE_NOTE =
  'Replicates: each window simulated n times per side, the order size (sim.orderFraction) scaled by 1 + δ on both sides alike, δ = 0, ±s, ±2s, … up to ±0.2%; ' +
  'each side’s numbers are the means over the replicates (counts too), ΔSharpe the mean of the paired differences, net regret’s ± the mean of the replicates’ errors (an upper bound whatever their correlation). ' +
  'ΔSharpe sd: how much the difference moves across replicates in that window; path noise: its RMS over the windows, the noise of a single path, to set beside the effect.';

/** What the summary table's columns mean (and, with replicates, how a window's numbers were made). */
export const columnNotes = (r: CompareResult): string[] =>
  replicated(r) ? [AGGREGATE_NOTE, REPLICATE_NOTE] : [AGGREGATE_NOTE];

/** The summary table, one row per comparison, as every output shows it (text, Markdown, HTML). */
export function summaryTable(r: CompareResult): { head: string[]; rows: string[][] } {
  return { head: summaryHead(r), rows: r.comparisons.map((c) => summaryRow(r, c)) };
}

/**
 * The comparison for a terminal: its tables as near `width` columns as headers wrapped allow (a window or a
 * comparison stays one line: its numbers are read across; no width: as wide as they are). The prose lines
 * are left whole, for the terminal to wrap, so that they read the same to grep.
 */
export function compareText(r: CompareResult, data: string, detail = true, width?: number): string {
  const fit = width === undefined ? undefined : { width, cells: false };
  const parts: string[] = [settingsLine(r, data), ''];
  if (detail) {
    for (const c of r.comparisons) {
      parts.push(comparisonTitle(c), table(windowHead(r), windowRows(r, c), fit), '');
      const byClass = classRegretLines(c);
      if (byClass.length) parts.push(...byClass, '');
    }
  }
  const summary = summaryTable(r);
  parts.push(
    table(summary.head, summary.rows, fit),
    // --quiet: the summary table only (the notes explain its columns, once read they are noise).
    ...(detail ? columnNotes(r) : []),
  );
  return parts.join('\n');
}

/** What every output of a comparison says above its tables: the research lines, what both sides take on top. */
export interface OutputHeads {
  research: readonly string[];
  bothSides: string | null;
}

/**
 * What `worksteal compare` prints on stdout (`--quiet`: detail false): the research lines and what both sides
 * take, then the tables ({@link compareText}); the library's compareReport prints the same.
 */
export function compareTextOutput(
  r: CompareResult,
  data: string,
  heads: OutputHeads,
  detail: boolean,
  width?: number,
): string {
  const lines = heads.bothSides ? [...heads.research, heads.bothSides] : [...heads.research];
  return `${[...lines, compareText(r, data, detail, width)].join('\n')}\n`;
}

/** The file `compare --markdown` writes: the research lines in bold, what both sides take, the tables. */
export function compareMarkdownOutput(
  r: CompareResult,
  data: string,
  command: string,
  heads: OutputHeads,
): string {
  const markdown = [
    ...heads.research.map((line) => `**${line}**\n`),
    ...(heads.bothSides ? [`${heads.bothSides}\n`] : []),
    compareMarkdown(r, data, command),
  ];
  return `${markdown.join('\n')}\n`;
}

/**
 * Net steal regret by stealer and victim asset class, per side that stole across classes, summed over the
 * windows (regret-rows.ts: `crypto ← stock` is crypto requests that took capacity from stock orders): where on
 * a mixed book stealing paid and where it cost. None on a book of one class.
 */
export function classRegretLines(c: Comparison): string[] {
  const lines: string[] = [];
  for (const [side, label] of [
    ['a', c.variant],
    ['b', c.baseline],
  ] as const) {
    const rows = classRegretRows({ byClass: c.aggregate.regretByClass[side] }, money);
    if (rows.length === 0) continue;
    lines.push(`net steal regret by asset class, ${label} (summed over the windows, ± standard error):`);
    for (const [pair, line] of rows) lines.push(`${pair}: ${line}`);
  }
  return lines;
}

/** A Markdown table row; a `|` inside a cell (a config file's name) is escaped so it adds no column. */
const mdRow = (cells: readonly string[]): string =>
  `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
const mdRule = (n: number): string => `|---${'|---:'.repeat(n - 1)}|`;

export function compareMarkdown(r: CompareResult, data: string, command: string): string {
  const parts = [settingsLine(r, data), '', '```', command, '```', ''];
  const { head, rows } = summaryTable(r);
  parts.push(mdRow(head), mdRule(head.length), ...rows.map(mdRow));
  for (const note of columnNotes(r)) parts.push('', note);
  for (const c of r.comparisons) {
    parts.push(
      '',
      `<details><summary>${comparisonTitle(c)}: per window</summary>`,
      '',
      mdRow(windowHead(r)),
      mdRule(windowHead(r).length),
      ...windowRows(r, c).map(mdRow),
      '',
      ...classRegretLines(c).map((line, i) => (i === 0 ? `${line}\n` : `- ${line.trim()}`)),
      '</details>',
    );
  }
  return parts.join('\n');
}

/**
 * One line per side whose signals read the future (research settings, sim.research): every output of the
 * comparison carries them, as simulate's do, so no table of such a run passes for a strategy.
 */
export function researchNotes(groups: readonly ComparisonGroup[]): string[] {
  const notes = new Set<string>();
  for (const g of groups) {
    for (const side of [g.baseline, ...g.variants]) {
      const research = researchLabel(side.config.sim);
      if (!research) continue;
      const where = `${g.level ? `${g.level}, ` : ''}${side.label}`;
      notes.add(researchNote(research, where));
    }
  }
  return [...notes];
}
