import { esc, money, pct, table, when } from '../../report/format.js';
import type { SimulationResult } from '../run.js';
import { periodReturns } from './analysis.js';
import { classRegretRows } from './regret-rows.js';

/** The simulation report's tables: the summary beside the comparison run, calendar returns, the trade list. */

export const stealingLabel = (r: SimulationResult): string =>
  `stealing ${r.config.stealingEnabled ? 'on' : 'off'}`;

function summaryRows(r: SimulationResult): [string, string][] {
  const s = r.summary;
  const blocksBy =
    Object.entries(s.blocksByReason)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || 'none';
  return [
    ['equity', `${money(s.initialEquity)} → ${money(s.finalEquity)}`],
    ['total return / CAGR', `${pct(s.totalReturn)} / ${pct(s.cagr)}`],
    [`Sharpe / Sortino (daily, √${s.annualisationDays})`, `${s.sharpe.toFixed(2)} / ${s.sortino.toFixed(2)}`],
    ['max drawdown', pct(s.maxDrawdown)],
    ['trades / win rate', `${s.trades} / ${pct(s.winRate, 1)}`],
    ['fees / interest', `${money(s.feesPaid)} / ${money(s.interestPaid)}`],
    ['steal attempts / steals / success', `${s.stealAttempts} / ${s.steals} / ${pct(s.stealSuccessRate, 1)}`],
    ['blocks', `${s.blocks} (${blocksBy})`],
    ['fights / protected skips', `${s.fights} / ${s.protectedSkips}`],
    [
      'steal regret',
      `${s.regret.victimsThatWouldHaveFilled} of ${s.regret.victimsEvaluated} victims would have filled, making ${money(s.regret.victimWouldHaveMade)}; stealers made ${money(s.regret.stealersMade)}; net ${money(s.regret.netRegret)} ± ${money(s.regret.netRegretStandardError)} (standard error)`,
    ],
    ...classRegretRows(s.regret, money),
  ];
}

export function summaryTable(r: SimulationResult, c: SimulationResult | null): string {
  const mine = summaryRows(r);
  if (!c) return table(['metric', stealingLabel(r)], mine);
  // By label: the two runs may have different rows (regret by class pair exists only where a pair stole).
  const theirs = new Map(summaryRows(c));
  const rows = mine.map(([k, v]) => [k, v, theirs.get(k) ?? '—']);
  for (const [k, v] of theirs) if (!mine.some(([m]) => m === k)) rows.push([k, '—', v]);
  return table(['metric', `this run (${stealingLabel(r)})`, `comparison (${stealingLabel(c)})`], rows);
}

/** Years down, months across, the year's return last; cells coloured by sign. */
export function calendarReturns(r: SimulationResult): string {
  const months = new Map(periodReturns(r, 'month').map((m) => [m.period, m.ret]));
  const years = periodReturns(r, 'year');
  const cell = (v: number | undefined): string =>
    v === undefined ? '<td></td>' : `<td class="${v >= 0 ? 'pos' : 'neg'}">${esc(pct(v, 1))}</td>`;
  const head = ['year', ...'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' '), 'year'];
  const rows = years.map(
    (y) =>
      `<tr><td>${esc(y.period)}</td>${Array.from({ length: 12 }, (_, m) =>
        cell(months.get(`${y.period}-${String(m + 1).padStart(2, '0')}`)),
      ).join('')}${cell(y.ret)}</tr>`,
  );
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function tradeList(r: SimulationResult): string {
  return `<div class="scroll">${table(
    ['symbol', 'side', 'qty', 'entry', 'entry price', 'exit', 'exit price', 'PnL', 'exit reason', 'held (h)'],
    r.trades.map((t) => [
      t.symbol,
      t.side,
      Number(t.qty.toPrecision(6)),
      when(t.entryTime, true),
      Number(t.entryPrice.toPrecision(6)),
      when(t.exitTime, true),
      Number(t.exitPrice.toPrecision(6)),
      money(t.pnl),
      t.exitReason,
      ((Date.parse(t.exitTime) - Date.parse(t.entryTime)) / 3_600_000).toFixed(1),
    ]),
    'trades',
  )}</div>`;
}
