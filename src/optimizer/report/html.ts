/**
 * The optimisation report: one self-contained HTML page (uPlot inlined, no network) with convergence,
 * in-sample against out-of-sample on equal axes, parameter against score, the best parameters against the
 * base configuration on the test folds, the best point's folds and the sensitivity table.
 */
import { PALETTE, type ChartSpec } from '../../report/chart-spec.js';
import { esc, pct, table } from '../../report/format.js';
import { figure, reportPage } from '../../report/page.js';
import { candidatesLine } from '../counts.js';
import { SENSITIVITY_INTERRUPTED, unmeasuredNote } from '../sensitivity.js';
import { bestCell, unusedParams, type OptimizeMeta } from '../output.js';
import { researchNote } from '../../sim/signals/skill.js';
import type { StoredEvaluation } from '../store.js';
import { compact } from './compact.js';
import { chainFolds, type FoldEquity } from './fold-equity.js';

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
const value = (v: unknown): string => (typeof v === 'number' ? compact(v) : String(v));

/** Points sorted by x (uPlot's x must ascend), the best point as its own marker series. */
function scatter(
  id: string,
  title: string,
  points: { x: number; y: number; best: boolean }[],
  opts: { xLabel: string; diagonal?: boolean; logX?: boolean },
): ChartSpec {
  const finite = points.filter(
    (p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!opts.logX || p.x > 0),
  );
  finite.sort((a, b) => a.x - b.x);
  const spec: ChartSpec = {
    id,
    title,
    kind: 'line',
    time: false,
    x: finite.map((p) => p.x),
    xLabel: opts.xLabel,
    xFormat: 'num',
    yFormat: 'num',
    height: 280,
    ...(opts.logX ? { logX: true } : {}),
    series: [
      { name: 'candidate', color: PALETTE[0]!, values: finite.map((p) => p.y), markers: true },
      { name: 'best', color: PALETTE[3]!, values: finite.map((p) => (p.best ? p.y : null)), markers: true },
    ],
  };
  if (opts.diagonal && finite.length) {
    // One range on both axes, so the dashed y = x line is the diagonal of the square it is drawn in.
    const all = finite.flatMap((p) => [p.x, p.y]);
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    const pad = (hi - lo) * 0.05 || Math.abs(lo) * 0.05 || 1;
    const [a, b] = [lo - pad, hi + pad];
    spec.xRange = [a, b];
    spec.yRange = [a, b];
    // The diagonal spans the whole square: its two ends are points of their own on the x axis.
    spec.x = [a, ...spec.x, b];
    for (const s of spec.series) s.values = [null, ...s.values, null];
    spec.series.push({ name: 'y = x', color: PALETTE[7]!, values: spec.x.map((x) => x), dash: true });
  }
  return spec;
}

function convergence(meta: OptimizeMeta): ChartSpec {
  return {
    id: 'convergence',
    title: `Convergence: out-of-sample ${meta.score} by generation`,
    kind: 'line',
    time: false,
    x: meta.history.map((h) => h.generation),
    xLabel: 'generation',
    xFormat: 'int',
    yFormat: 'num',
    points: true,
    series: [
      { name: 'best in population', color: PALETTE[3]!, values: meta.history.map((h) => h.bestOos) },
      { name: 'population mean', color: PALETTE[0]!, values: meta.history.map((h) => h.meanOos) },
    ],
  };
}

function foldEquityChart(folds: readonly FoldEquity[]): ChartSpec {
  const chained = chainFolds(folds);
  return {
    id: 'fold-equity',
    title: 'Best parameters against the base configuration on the test folds',
    kind: 'line',
    time: true,
    x: chained.days.map((t) => t / 1000),
    yFormat: 'num',
    series: [
      { name: 'best parameters', color: PALETTE[3]!, values: chained.best },
      { name: 'base configuration', color: PALETTE[7]!, values: chained.base, dash: true },
    ],
    note: 'Growth of 100 over the test windows one after another (each fold starts where the last ended).',
  };
}

export function renderOptimizeReport(
  meta: OptimizeMeta,
  evaluations: readonly StoredEvaluation[],
  foldEquity: readonly FoldEquity[] = [],
): string {
  const best = meta.best;
  const isOos = scatter(
    'is-oos',
    'In-sample vs out-of-sample (every evaluation)',
    evaluations.map((e) => ({ x: e.evaluation.is, y: e.evaluation.oos, best: e.hash === best?.hash })),
    { xLabel: `median in-sample ${meta.score}`, diagonal: true },
  );
  const perParam = meta.space.map((p, i) =>
    scatter(
      `param-${i}`,
      p.name,
      evaluations.map((e) => ({
        x: Number(e.params[p.name]),
        y: e.evaluation.oos,
        best: e.hash === best?.hash,
      })),
      { xLabel: p.name, logX: p.log === true && p.min > 0 },
    ),
  );
  const charts = [convergence(meta), isOos, ...perParam];
  if (foldEquity.length) charts.push(foldEquityChart(foldEquity));
  const unused = best
    ? unusedParams({ ...(meta.baseConfig as Record<string, unknown>), ...best.params }, best.params)
    : new Map<string, string>();
  const paramsTable = best
    ? table(
        ['parameter', 'best', 'base config', 'search range'],
        meta.space.map((p) => [
          p.name,
          bestCell(value(best.params[p.name]), p.name, unused),
          value((meta.baseConfig as Record<string, unknown>)[p.name]),
          p.kind === 'bool'
            ? 'false / true'
            : `${compact(p.min)} … ${compact(p.max)}${p.log ? ' (log)' : ''} ${p.kind}`,
        ]),
      )
    : '<p>No generation finished yet.</p>';
  const foldsTable = best
    ? table(
        [
          'fold',
          'train',
          'IS score',
          'test',
          'OOS score',
          'test return',
          'test max DD',
          'test trades',
          'test steals',
        ],
        best.folds.map((f) => [
          f.index + 1,
          `${day(f.train.from)} → ${day(f.train.to)}`,
          compact(f.train.score),
          `${day(f.test.from)} → ${day(f.test.to)}`,
          compact(f.test.score),
          pct(f.test.totalReturn),
          pct(f.test.maxDrawdown),
          f.test.trades,
          f.test.steals,
        ]),
      )
    : '';
  const sens = meta.sensitivity
    ? table(
        ['parameter', 'best', 'OOS low', 'OOS high', 'swing', 'points (value: OOS)'],
        meta.sensitivity.map((r) => [
          r.name,
          bestCell(value(r.best), r.name, unused),
          ...(r.complete
            ? [compact(r.low), compact(r.high), compact(r.swing)]
            : ['—', '—', unmeasuredNote(r)]),
          r.points.map((p) => `${value(p.value)}: ${compact(p.oos)}`).join('  '),
        ]),
      )
    : '<p>Not computed (interrupted run, or --sensitivity 0).</p>';
  const sensNote =
    meta.sensitivityStatus === 'interrupted' ? `<p class="warn">${esc(SENSITIVITY_INTERRUPTED)}.</p>` : '';
  const summary = table(
    ['', ''],
    [
      ['status', `${meta.status}${meta.reason ? ` (${meta.reason})` : ''}`],
      ['score', `${meta.score}: ${meta.scoreDescription}`],
      ['best median OOS / IS', best ? `${compact(best.oos)} / ${compact(best.is)}` : '—'],
      ['data', meta.data.map((d) => d.symbol).join(', ')],
      ['range', `${day(meta.range.from)} → ${day(meta.range.to)}`],
      ['folds', `${meta.folds.length} (${meta.foldScheme})`],
      ['strategy / population / seed', `${meta.strategy} / ${meta.population} / ${meta.seed}`],
      ['candidates', candidatesLine(meta)],
      ['code', meta.codeVersion],
    ],
  );
  // Look-ahead signals (sim.research) in every candidate: said at the top, as simulate's report says it.
  const research = meta.research
    ? `<p class="warn">${esc(researchNote(meta.research, 'every candidate'))}</p>`
    : '';
  const warnings = meta.warnings.map((w) => `<p class="warn">${esc(w)}</p>`).join('');
  const body = `<h1>worksteal optimisation</h1>${research}${warnings}
${summary}
<h2>Best parameters</h2>
${paramsTable}
<h2>Convergence</h2>
${figure(charts[0]!)}
<h2>In-sample vs out-of-sample</h2>
<p class="note">Both axes share one range. Points below the dashed diagonal scored worse on the windows after their training windows.</p>
${figure(isOos)}
<h2>Best against the base configuration, out of sample</h2>
${foldEquity.length ? figure(charts[charts.length - 1]!) : '<p>Not computed (no best point yet).</p>'}
<h2>Parameter vs score</h2>
<p class="note">Every evaluated candidate's median out-of-sample score against each parameter; red is the best.</p>
<div class="grid">${perParam.map((s) => figure(s)).join('')}</div>
<h2>Folds of the best point</h2>
${foldsTable}
<h2>Sensitivity</h2>
<p class="note">One parameter moved across its range, the others at their best values.</p>
${sensNote}${sens}
<p class="muted">${esc(meta.command ?? '')}</p>`;
  return reportPage({ title: 'worksteal optimisation', body, charts });
}
