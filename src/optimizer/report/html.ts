/**
 * The optimisation report: a self-contained HTML page (inline SVG, no script, no network) with convergence,
 * parameter-vs-score, in-sample-vs-out-of-sample, the best point's folds and the sensitivity table.
 */
import type { OptimizeMeta } from '../output.js';
import type { StoredEvaluation } from '../store.js';
import { compact, esc, lineChart, scatter } from './charts.js';

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '—');
const value = (v: unknown): string => (typeof v === 'number' ? compact(v) : String(v));

function tableHtml(head: string[], rows: (string | number)[][]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

export function renderOptimizeReport(meta: OptimizeMeta, evaluations: readonly StoredEvaluation[]): string {
  const best = meta.best;
  const gens = meta.history.map((h) => h.generation);
  const convergence = lineChart(
    `Convergence: median out-of-sample ${meta.score} of the population`,
    gens,
    [
      { name: 'best in population', color: '#d62728', ys: meta.history.map((h) => h.bestOos) },
      { name: 'population mean', color: '#1f77b4', ys: meta.history.map((h) => h.meanOos) },
    ],
    { x: 'generation', y: `median OOS ${meta.score}` },
  );
  const isOos = scatter(
    'In-sample vs out-of-sample (every evaluation; red: best)',
    evaluations.map((e) => ({ x: e.evaluation.is, y: e.evaluation.oos, highlight: e.hash === best?.hash })),
    { x: `median in-sample ${meta.score}`, y: `median OOS ${meta.score}` },
    { diagonal: true, frame: { width: 460, height: 320 } },
  );
  const perParam = meta.space
    .map((p) =>
      scatter(
        p.name,
        evaluations.map((e) => ({
          x: Number(e.params[p.name]),
          y: e.evaluation.oos,
          highlight: e.hash === best?.hash,
        })),
        { x: p.name, y: 'median OOS' },
        { logX: p.log === true && p.min > 0 },
      ),
    )
    .join('');
  const paramsTable = best
    ? tableHtml(
        ['parameter', 'best', 'base config', 'search range'],
        meta.space.map((p) => [
          p.name,
          value(best.params[p.name]),
          value((meta.baseConfig as Record<string, unknown>)[p.name]),
          p.kind === 'bool'
            ? 'false / true'
            : `${compact(p.min)} … ${compact(p.max)}${p.log ? ' (log)' : ''} ${p.kind}`,
        ]),
      )
    : '<p>No generation finished yet.</p>';
  const foldsTable = best
    ? tableHtml(
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
    ? tableHtml(
        ['parameter', 'best', 'OOS low', 'OOS high', 'swing', 'points (value: OOS)'],
        meta.sensitivity.map((r) => [
          r.name,
          value(r.best),
          compact(r.low),
          compact(r.high),
          compact(r.swing),
          r.points.map((p) => `${value(p.value)}: ${compact(p.oos)}`).join('  '),
        ]),
      )
    : '<p>Not computed (interrupted run, or --sensitivity 0).</p>';
  const summary = tableHtml(
    ['', ''],
    [
      ['status', `${meta.status}${meta.reason ? ` (${meta.reason})` : ''}`],
      ['score', `${meta.score}: ${meta.scoreDescription}`],
      ['best median OOS / IS', best ? `${compact(best.oos)} / ${compact(best.is)}` : '—'],
      ['data', meta.data.map((d) => d.symbol).join(', ')],
      ['range', `${day(meta.range.from)} → ${day(meta.range.to)}`],
      ['folds', `${meta.folds.length} (${meta.foldScheme})`],
      ['strategy / population / seed', `${meta.strategy} / ${meta.population} / ${meta.seed}`],
      [
        'generations / evaluations',
        `${meta.generations} / ${meta.evaluations} (${meta.evaluated} run, ${meta.reused} from the store)`,
      ],
      ['code', meta.codeVersion],
    ],
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>worksteal optimisation</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:980px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-variant-numeric:tabular-nums}
th{background:#f4f4f4}figure{display:inline-block;margin:4px}svg text{font-size:11px;fill:#333}svg .ttl{font-size:12px;font-weight:600}
svg .lbl{fill:#666}.note{color:#555}
</style></head><body>
<h1>worksteal optimisation</h1>
${summary}
<h2>Best parameters</h2>
${paramsTable}
<h2>Convergence</h2>
${convergence}
<h2>In-sample vs out-of-sample</h2>
<p class="note">Points far below the dashed diagonal scored well on their training windows and worse on the windows after them.</p>
${isOos}
<h2>Parameter vs score</h2>
<p class="note">Every evaluated candidate's median out-of-sample score against each parameter; red is the best.</p>
${perParam}
<h2>Folds of the best point</h2>
${foldsTable}
<h2>Sensitivity</h2>
<p class="note">One parameter moved across its range, the others at their best values.</p>
${sens}
</body></html>
`;
}
