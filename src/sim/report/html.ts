import type { SimulationResult } from '../run.js';
import { lineChart } from './svg.js';

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const pct = (x: number, d = 2): string => (Number.isFinite(x) ? `${(x * 100).toFixed(d)}%` : '—');
const money = (x: number): string =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: 0 }) : '—';

function tableHtml(head: string[], rows: unknown[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/**
 * A self-contained HTML report of one simulation: summary, equity and drawdown, margin use, steals and
 * blocks per day, a per-symbol table and the data provenance. No scripts or external files.
 */
export function renderReport(result: SimulationResult, title = 'worksteal simulation'): string {
  const s = result.summary;
  const times = result.equity.map((r) => Date.parse(r.time));
  const equity = result.equity.map((r) => r.equity);
  let peak = s.initialEquity;
  const drawdown = equity.map((e) => {
    peak = Math.max(peak, e);
    return peak > 0 ? -(1 - e / peak) : 0;
  });
  const dayIndex = new Map(result.equity.map((r, i) => [r.time.slice(0, 10), i]));
  const steals = new Array<number>(times.length).fill(0);
  const blocks = new Array<number>(times.length).fill(0);
  for (const d of result.decisions) {
    const i = dayIndex.get(d.time.slice(0, 10));
    if (i === undefined) continue;
    if (d.action === 'steal') steals[i]!++;
    if (d.action === 'block') blocks[i]!++;
  }
  const blocksBy =
    Object.entries(s.blocksByReason)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || 'none';
  const synthetic = result.synthetic
    ? '<p class="warn">SYNTHETIC DATA: these numbers describe generated prices, not a market.</p>'
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}figure{margin:1.5rem 0}figcaption{font-weight:600}
.warn{background:#fee;border:1px solid #c00;padding:.5rem;font-weight:700}.muted{color:#666;font-size:12px}
</style></head><body>
<h1>${esc(title)}</h1>${synthetic}
<p>${esc(result.range.from)} → ${esc(result.range.to)}; stealing ${result.config.stealingEnabled ? 'enabled' : 'disabled'}; signals: ${esc(result.signals)}.</p>
${tableHtml(
  ['metric', 'value'],
  [
    ['equity', `${money(s.initialEquity)} → ${money(s.finalEquity)}`],
    ['total return / CAGR', `${pct(s.totalReturn)} / ${pct(s.cagr)}`],
    ['Sharpe / Sortino (daily, √365)', `${s.sharpe.toFixed(2)} / ${s.sortino.toFixed(2)}`],
    ['max drawdown', pct(s.maxDrawdown)],
    ['trades / win rate', `${s.trades} / ${pct(s.winRate, 1)}`],
    ['fees / interest', `${money(s.feesPaid)} / ${money(s.interestPaid)}`],
    ['steal attempts / steals / success', `${s.stealAttempts} / ${s.steals} / ${pct(s.stealSuccessRate, 1)}`],
    ['blocks', `${s.blocks} (${blocksBy})`],
    ['fights / protected skips', `${s.fights} / ${s.protectedSkips}`],
    [
      'steal regret',
      `${s.regret.victimsThatWouldHaveFilled} of ${s.regret.victimsEvaluated} victims would have filled, making ${money(s.regret.victimWouldHaveMade)}; stealers made ${money(s.regret.stealersMade)}`,
    ],
  ],
)}
${lineChart('Equity', times, [{ name: 'equity', color: '#1f77b4', values: equity }], money)}
${lineChart('Drawdown', times, [{ name: 'drawdown', color: '#d62728', values: drawdown, fill: true }], (v) => pct(v, 0))}
${lineChart(
  'Margin use (end of day)',
  times,
  [
    { name: 'margin used', color: '#ff7f0e', values: result.equity.map((r) => r.marginUsed) },
    { name: 'capacity', color: '#2ca02c', values: result.equity.map((r) => r.marginCapacity) },
  ],
  money,
)}
${lineChart(
  'Steals and blocks per day',
  times,
  [
    { name: 'steals', color: '#9467bd', values: steals },
    { name: 'blocks', color: '#8c564b', values: blocks },
  ],
  (v) => v.toFixed(0),
)}
<h2>Per symbol</h2>
${tableHtml(
  ['symbol', 'class', 'trades', 'PnL', 'win rate', 'steals', 'stolen from', 'blocks'],
  result.perSymbol.map((p) => [
    p.symbol,
    p.assetClass,
    p.trades,
    money(p.pnl),
    pct(p.winRate, 1),
    p.steals,
    p.stolenFrom,
    p.blocks,
  ]),
)}
<h2>Data</h2>
${tableHtml(
  ['symbol', 'class', 'bars', 'first', 'last', 'gaps', 'sha256', 'file'],
  result.data.map((d) => [
    d.symbol,
    d.assetClass,
    d.bars,
    d.first,
    d.last,
    d.gaps,
    d.sha256.slice(0, 12),
    d.path,
  ]),
)}
<p class="muted">Model: decisions at bar closes with information up to that close; limit orders fill only in later bars that reach them, at the open when the bar gaps through; see the README for the assumptions and limits.</p>
</body></html>
`;
}
