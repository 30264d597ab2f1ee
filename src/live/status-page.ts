import { uplotAssets } from '../report/page.js';

/**
 * The status page: one self-contained HTML document (uPlot inlined, no external resources) that reads /status
 * every two seconds and draws equity, margin use and the decision rate over the last polls, capacity, open
 * orders with their distances, positions with entry price and unrealised PnL (each row with how old its
 * symbol's last quote is), the last price of each symbol and when it was made, cooldowns and recent decisions
 * (repeats grouped). Every value is inserted as text, never as markup.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>worksteal status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2430; background: #f7f8fa; }
  h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
  h2 { font-size: 1rem; margin: 1.4rem 0 .4rem; }
  .meta { color: #5a6270; }
  .flags span { display: inline-block; padding: 0 .5rem; margin-right: .4rem; border-radius: 3px; background: #e3e7ee; }
  .flags .on { background: #ffd8a8; }
  table { border-collapse: collapse; background: #fff; min-width: 40rem; }
  th, td { padding: .25rem .6rem; border-bottom: 1px solid #e3e7ee; text-align: right; white-space: nowrap; }
  th { background: #eef1f5; }
  td.l, th.l { text-align: left; }
  td.why { white-space: normal; min-width: 24rem; color: #3a4250; font-size: .85em; }
  .bar { width: 30rem; height: 1rem; background: #e3e7ee; border-radius: 3px; overflow: hidden; }
  .bar > div { height: 100%; background: #4c7bd9; }
  .steal { color: #9c3d00; } .block { color: #a11; } .place { color: #1b6e2f; }
  .empty { color: #5a6270; font-style: italic; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: .8rem; }
  .charts figure { margin: 0; background: #fff; padding: .4rem; }
  .charts figcaption { font-weight: 600; font-size: .9rem; }
  td.pos { color: #1b6e2f; } td.neg { color: #a11; }
</style>
<style>/*UPLOT_CSS*/</style>
</head>
<body>
<h1>worksteal</h1>
<div class="meta" id="meta">loading…</div>
<div class="flags" id="flags"></div>

<h2>Over the last polls</h2>
<div class="charts">
  <figure><figcaption>Equity</figcaption><div class="chart" id="chart-equity"></div></figure>
  <figure><figcaption>Margin utilisation</figcaption><div class="chart" id="chart-margin"></div></figure>
  <figure><figcaption>Decisions per poll</figcaption><div class="chart" id="chart-decisions"></div></figure>
</div>

<h2>Capacity</h2>
<div id="capacity">
  <div class="bar"><div id="capacity-bar" style="width:0"></div></div>
  <div id="capacity-text"></div>
</div>

<h2>Open orders</h2>
<table id="orders"><thead><tr>
  <th class="l">symbol</th><th class="l">side</th><th class="l">role</th><th>limit</th><th>price</th>
  <th>distance</th><th>quoted</th><th>qty</th><th>margin</th><th class="l">placed</th>
</tr></thead><tbody></tbody></table>

<h2>Positions</h2>
<table id="positions"><thead><tr>
  <th class="l">symbol</th><th>qty</th><th>entry</th><th>price</th><th>quoted</th><th>unrealised PnL</th><th>margin</th>
</tr></thead><tbody></tbody></table>

<h2>Prices</h2>
<table id="quotes"><thead><tr>
  <th class="l">symbol</th><th>bid</th><th>ask</th><th class="l">made at</th><th>quoted</th>
</tr></thead><tbody></tbody></table>

<h2>Cooldowns</h2>
<div id="cooldowns"></div>

<h2>Recent decisions</h2>
<table id="decisions"><thead><tr>
  <th class="l">time</th><th>×</th><th class="l">symbol</th><th class="l">action</th><th class="l">reason</th>
  <th class="l">victims</th><th class="l">outcome</th><th class="l">why (the newest)</th>
</tr></thead><tbody></tbody></table>

<script>/*UPLOT_JS*/</script>
<script>
const money = (x) => Number(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (x) => (x === null || x === undefined ? '—' : (x * 100).toFixed(3) + '%');
const num = (x) => (x === null || x === undefined ? '—' : String(+Number(x).toPrecision(8)));
// How old a price is at the snapshot's time: a feed that stopped moving a symbol shows here.
function ago(time, now) {
  if (!time) return '—';
  const s = Math.max(0, (Date.parse(now) - Date.parse(time)) / 1000);
  return s < 120 ? Math.round(s) + ' s ago' : s < 7200 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
}

function fill(id, rows, columns, empty) {
  const body = document.querySelector('#' + id + ' tbody');
  body.replaceChildren();
  if (!rows.length) {
    const tr = document.createElement('tr');
    cell(tr, empty, 'l empty');
    tr.firstChild.colSpan = columns;
    body.appendChild(tr);
    return;
  }
  for (const r of rows) {
    const tr = document.createElement('tr');
    for (const [text, cls] of r) cell(tr, text, cls);
    body.appendChild(tr);
  }
}

function render(s) {
  document.getElementById('meta').textContent =
    s.broker + ' · ' + s.now + ' · ' + s.polls + ' polls · US session ' + (s.sessionOpen ? 'open' : 'closed');
  const flags = document.getElementById('flags');
  flags.replaceChildren();
  for (const [label, on] of [['paused', s.paused], ['dry run', s.dryRun], ...s.alerts.active.map((a) => ['alert: ' + a, true]), ...(s.orderWarnings || []).map((w) => [w.kind + ' ' + w.symbol + ' (' + w.orders.join(', ') + ')', 'warn'])]) {
    const span = document.createElement('span');
    span.textContent = label + (on === true || on === false ? (on ? ': on' : ': off') : '');
    if (on) span.className = 'on';
    flags.appendChild(span);
  }
  const c = s.capacity;
  document.getElementById('capacity-bar').style.width = Math.min(100, (c.utilization || 0) * 100).toFixed(1) + '%';
  document.getElementById('capacity-text').textContent =
    'used ' + money(c.used) + ' of ' + money(c.capacity) + ' (' + pct(c.utilization) + ')' +
    (c.claimed > 0 ? ', claimed by steals in flight ' + money(c.claimed) : '') + ', free ' + money(c.free) +
    ', equity ' + money(c.equity) + (c.note ? ' — ' + c.note : '');
  fill('orders', s.openOrders.map((o) => [
    [o.symbol, 'l'], [o.side, 'l'], [o.role + (o.external ? ' (external)' : ''), 'l'], [num(o.limitPrice)],
    [num(o.price)], [pct(o.distance)], [ago(o.quoteTime, s.now)], [num(o.qty)], [money(o.margin)], [o.placedAt, 'l'],
  ]), 10, 'no open orders');
  fill('positions', s.positions.map((p) => [
    [p.symbol, 'l'], [num(p.qty)], [num(p.entryPrice)], [num(p.price)], [ago(p.quoteTime, s.now)],
    [p.unrealizedPnl === null ? '—' : money(p.unrealizedPnl), p.unrealizedPnl > 0 ? 'pos' : p.unrealizedPnl < 0 ? 'neg' : ''],
    [money(p.margin)],
  ]), 7, 'no positions');
  fill('quotes', s.quotes.map((q) => [
    [q.symbol, 'l'], [num(q.bid)], [num(q.ask)], [q.time, 'l'], [ago(q.time, s.now)],
  ]), 5, 'no prices yet');
  document.getElementById('cooldowns').textContent =
    s.cooldowns.length ? s.cooldowns.map((x) => x.symbol + ' until ' + x.until).join(', ') : 'none';
  fill('decisions', groupDecisions(s.decisions).map((g) => [
    [g.count > 1 ? g.last + ' … ' + g.first : g.first, 'l'], [String(g.count)], [g.d.symbol, 'l'],
    [g.d.action, 'l ' + g.d.action], [g.d.reason, 'l'], [g.d.victims.join(' '), 'l'], [g.d.outcome || '', 'l'],
    [g.d.detail || '', 'l why'],
  ]), 8, 'no decisions yet');
  drawCharts(s.series);
  document.body.dataset.loaded = 'true';
}

// One row per symbol, action, reason and outcome (a symbol blocked poll after poll is one row with its count
// and time span); steals with victims stay one row each. Newest group first.
function groupDecisions(list) {
  const groups = new Map();
  const out = [];
  for (const d of list) {
    const key = d.victims.length ? null : [d.symbol, d.action, d.reason, d.outcome || ''].join('|');
    const g = key === null ? undefined : groups.get(key);
    if (g) { g.count++; g.last = d.time; continue; }
    const row = { d, count: 1, first: d.time, last: d.time };
    if (key !== null) groups.set(key, row);
    out.push(row);
  }
  return out;
}

const charts = {};
const compactMoney = (v) => Math.abs(v) >= 1e6 ? (v / 1e6).toFixed(2) + 'M' : Math.abs(v) >= 1e4 ? (v / 1e3).toFixed(1) + 'k' : v.toFixed(0);
function chart(id, label, color, data, format, bars) {
  const el = document.getElementById('chart-' + id);
  if (charts[id]) { charts[id].setData(data); return; }
  charts[id] = new uPlot({
    width: Math.max(300, el.clientWidth), height: 180,
    series: [{}, { label, stroke: color, fill: color + '33', width: 1.5,
      paths: bars ? uPlot.paths.bars({ size: [0.9, 20] }) : undefined,
      value: (u, v) => v == null ? '—' : format(v) }],
    axes: [{}, { size: 70, values: (u, splits) => splits.map((v) => v == null ? '' : format(v)) }],
    scales: { x: { time: true } },
    legend: { live: true },
  }, data, el);
  el.dataset.drawn = 'true';
}

function drawCharts(series) {
  if (!series || series.time.length === 0) return;
  chart('equity', 'equity', '#1f77b4', [series.time, series.equity], compactMoney, false);
  chart('margin', 'used / capacity', '#ff7f0e', [series.time, series.utilization], (v) => (v * 100).toFixed(1) + '%', false);
  chart('decisions', 'decisions', '#9467bd', [series.time, series.decisions], (v) => String(Math.round(v)), true);
}

async function refresh() {
  try {
    const r = await fetch('/status', { cache: 'no-store' });
    if (r.ok) render(await r.json());
    else document.getElementById('meta').textContent = 'status answered ' + r.status;
  } catch (e) {
    document.getElementById('meta').textContent = 'the runtime is not answering (' + e.message + ')';
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
`;

let page: string | null = null;

/** The page with uPlot's script and style inlined (built once, on first use). */
export function statusPage(): string {
  if (page) return page;
  const { js, css } = uplotAssets();
  page = PAGE.replace('/*UPLOT_CSS*/', () => css).replace('/*UPLOT_JS*/', () => js);
  return page;
}
