import type { Decision } from '../core/policy/decision.js';
import { candidateRecords } from '../core/policy/record.js';
import { keyValues, money, num, pct, table } from '../report/text.js';
import type { RequestValue, StealTest } from '../core/policy/valuation.js';

const ACTION_TEXT: Record<Decision['action'], string> = {
  wait: 'WAIT: do not rest the order yet',
  place: 'PLACE: rest the order in free margin',
  steal: 'STEAL: cancel the victims, then rest the order',
  block: 'BLOCK: short of margin and nothing may be stolen',
};

/** The decision record as a person reads it: the verdict, the capacity arithmetic, then every candidate. */
export function renderDecision(d: Decision): string {
  const r = d.request;
  const lines: string[] = [];
  lines.push(`${ACTION_TEXT[d.action]}  (reason: ${d.reason}${d.dryRun ? ', dry run' : ''})`);
  lines.push('');
  lines.push(
    keyValues([
      [
        'request',
        `${r.side} ${r.qty} ${r.symbol} (${r.assetClass}) limit ${r.limitPrice} at price ${r.price}, PnL ${r.forecastPnl}`,
      ],
      ['time', `${new Date(d.time).toISOString()} (US regular session ${d.sessionOpen ? 'open' : 'closed'})`],
      ['distance', pct(d.distance, 4)],
      ['tolerance', `${d.tier} ${d.forceImmediate ? '(force-immediate: rests now)' : pct(d.tolerance, 4)}`],
      ['ready to steal', d.readyToSteal ? 'yes' : 'no'],
      ['requester cooling', d.requesterCooling ? 'yes' : 'no'],
      ['requirement', pct(d.requirement, 1)],
      ['equity / capacity', `${money(d.equity)} / ${money(d.capacity)}`],
      ['margin used', `${money(d.usedBefore)} → ${money(d.usedAfter)}`],
      ['margin needed', money(d.marginNeeded)],
      ['margin free', money(d.marginFree)],
      ['shortfall', d.shortfall > 0 ? money(d.shortfall) : 'none'],
      ['replaces', d.replaces ?? '—'],
      [
        'victims',
        d.victims.length
          ? `${d.victims.join(', ')} (frees ${money(d.freedMargin)})${d.fight ? ', fight steal' : ''}`
          : '—',
      ],
    ]),
  );
  if (d.requestValue) lines.push('', renderRequestValue(d.requestValue));
  if (d.stealTest) lines.push('', renderStealTest(d.stealTest, d.fight));
  const candidates = candidateRecords(d);
  const valued = d.ranking !== 'distance';
  if (candidates.length) {
    lines.push('');
    lines.push(`candidates (victim ranking: ${RANKING_TEXT[d.ranking]}):`);
    const head = ['rank', 'id', 'symbol', 'side', 'role', 'distance', 'PnL', 'margin'];
    if (valued) head.push('σ/√h', 'P fill', 'P next bar', 'e', 'EV', 'EV/margin');
    lines.push(
      table(
        [...head, 'eligible', 'why not'],
        candidates.map((c) => [
          c.rank ?? '',
          c.victim ? `${c.id} *` : c.id,
          c.symbol,
          c.side,
          c.role,
          pct(c.distance, 4),
          c.forecastPnl,
          money(c.margin),
          ...(valued
            ? [
                pct(c.volatility ?? null, 3),
                pct(c.fillProbability ?? null, 1),
                pct(c.nextBarFillProbability ?? null, 1),
                pct(c.expectedReturn ?? null, 3),
                c.expectedValue == null ? '—' : money(c.expectedValue),
                c.density == null ? '—' : num(c.density, 5),
              ]
            : []),
          c.eligible ? 'yes' : 'no',
          c.reason ?? '',
        ]),
      ),
    );
    lines.push('* chosen victim');
  } else if (d.action === 'wait' || d.action === 'place') {
    lines.push('');
    lines.push('no candidates evaluated: nothing needs to be stolen for this decision');
  }
  return lines.join('\n');
}

const RANKING_TEXT: Record<Decision['ranking'], string> = {
  distance: 'distance desc, then PnL asc, older first, id',
  fillProbability: 'fill probability asc, then distance desc, PnL asc, older first, id',
  expectedValue: 'EV per unit of margin asc, then distance desc, PnL asc, older first, id',
};

function renderRequestValue(v: RequestValue): string {
  return keyValues([
    ['request volatility', `${pct(v.sigma, 3)} per √hour`],
    [
      'request fill chance',
      `${pct(v.probability, 1)} within its validity, ${pct(v.nextBarProbability, 1)} next bar`,
    ],
    [
      'request EV',
      `${money(v.expectedValue)} = P ${num(v.probability, 4)} × e ${pct(v.expectedReturn, 3)} × notional ${money(v.notional)}`,
    ],
  ]);
}

/** The steal inequality with its numbers, and whether it held. */
function renderStealTest(s: StealTest, fight: boolean): string {
  const factor = fight ? `(1 + h)² = ${num(s.factor, 4)} (fight steal)` : `(1 + h) = ${num(s.factor, 4)}`;
  return [
    `steal test: EV(stealer) − cost ≥ ${factor} × ΣEV(victims) + λ ${num(s.costPerNotional, 6)} × Σnotional(victims)`,
    `            ${money(s.stealerValue)} − ${money(s.stealerCost)} ≥ ${num(s.factor, 4)} × ${money(s.victimsValue)} + ${num(s.costPerNotional, 6)} × ${money(s.victimsNotional)}`,
    `            ${money(s.lhs)} ${s.lhs >= s.rhs ? '≥' : '<'} ${money(s.rhs)}: ${verdict(s)}`,
  ].join('\n');
}

function verdict(s: StealTest): string {
  if (s.passed) return 'PASSED, the steal pays';
  if (!(s.stealerValue > 0)) return "FAILED, steal-not-worth (the stealer's EV is not positive or not known)";
  return 'FAILED, steal-not-worth';
}
