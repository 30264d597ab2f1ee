import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ChartSpec } from './chart-spec.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { esc } from './format.js';

/**
 * One self-contained HTML page: uPlot's script and style are inlined, the charts travel as a JSON block, and
 * nothing is fetched, so a report opens from disk without a server or a network.
 */

let uplot: { js: string; css: string } | null = null;

export function uplotAssets(): { js: string; css: string } {
  if (uplot) return uplot;
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  uplot = { js, css };
  return uplot;
}

/** JSON inside a <script> block: `</script>` or `<!--` in a string must not end or confuse the block. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const STYLE = `
body{font-family:system-ui,-apple-system,sans-serif;margin:1.5rem auto;max-width:1180px;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3;position:sticky;top:0}td:first-child,th:first-child{text-align:left}
th[data-dir=asc]::after{content:' ▲'}th[data-dir=desc]::after{content:' ▼'}
figure{margin:1.2rem 0}figcaption{font-weight:600;margin-bottom:.2rem}.note{color:#666;font-size:12px;margin:.1rem 0 .4rem}
.chart{width:100%;min-height:120px}.warn{background:#fee;border:1px solid #c00;padding:.5rem;font-weight:700}
.muted{color:#666;font-size:12px}.scroll{max-height:520px;overflow:auto;border:1px solid #eee}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem}@media(max-width:900px){.grid{grid-template-columns:1fr}}
td.pos{background:#e6f4e6}td.neg{background:#fbe6e6}
`;

/** The figure a chart draws into; `member` places it in a select-box group. */
export function figure(spec: ChartSpec, member?: string): string {
  const group =
    spec.group && member !== undefined
      ? ` data-member-of="${esc(spec.group)}" data-member="${esc(member)}"`
      : '';
  const note = spec.note ? `<p class="note">${esc(spec.note)}</p>` : '';
  return `<figure${group}><figcaption>${esc(spec.title)}</figcaption>${note}<div class="chart" id="chart-${esc(spec.id)}" data-kind="${spec.kind}"></div></figure>`;
}

/** A select box that shows one member of a chart group at a time. */
export function groupSelect(group: string, label: string, members: readonly string[]): string {
  return `<label>${esc(label)} <select data-group="${esc(group)}">${members
    .map((m) => `<option value="${esc(m)}">${esc(m)}</option>`)
    .join('')}</select></label>`;
}

export function reportPage(input: { title: string; body: string; charts: readonly ChartSpec[] }): string {
  const { js, css } = uplotAssets();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(input.title)}</title>
<style>${css}</style><style>${STYLE}</style></head><body>
${input.body}
<script type="application/json" id="report-data">${scriptJson({ charts: input.charts })}</script>
<script>${js}</script>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}
