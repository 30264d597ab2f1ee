import type { Decision } from '../core/policy/decision.js';
import { candidateRecords } from '../core/policy/record.js';
import { keyValues, money, pct, table } from '../cli/format.js';

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
  const candidates = candidateRecords(d);
  if (candidates.length) {
    lines.push('');
    lines.push('candidates (victim ranking: distance desc, then PnL asc, older first, id):');
    lines.push(
      table(
        ['rank', 'id', 'symbol', 'side', 'role', 'distance', 'PnL', 'margin', 'eligible', 'why not'],
        candidates.map((c) => [
          c.rank ?? '',
          c.victim ? `${c.id} *` : c.id,
          c.symbol,
          c.side,
          c.role,
          pct(c.distance, 4),
          c.forecastPnl,
          money(c.margin),
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
