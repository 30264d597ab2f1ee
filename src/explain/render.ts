import type { CandidateRecord, Decision } from '../core/policy/decision.js';
import { candidateRecords } from '../core/policy/record.js';
import { cents, keyValues, money, num, pct, table } from '../report/text.js';
import { decisionSummary } from './summary.js';
import type { RequestValue, StealTest } from '../core/policy/valuation.js';
import type { TimeMs } from '../core/types.js';
import { intervalLabel } from '../marketdata/select.js';
import { EXPECTED_RETURN_SOURCE, type ScenarioValuation } from './valuation.js';

const ACTION_TEXT: Record<Decision['action'], string> = {
  wait: 'WAIT: do not rest the order yet',
  place: 'PLACE: rest the order in free margin',
  steal: 'STEAL: cancel the victims, then rest the order',
  block: 'BLOCK: nothing rests and nothing is cancelled for it',
};

/**
 * Equity at or below 0 is a state the coordinator takes as reported (docs/service.md "Order events": a
 * wiped-out account), so a scenario may hold it; the record says what it means rather than leaving a bare
 * 0.00 capacity to be read as a typo.
 */
const WIPED_OUT =
  ' (equity at or below 0: a wiped-out account, no capacity; nothing is placed or stolen for until equity is above 0)';

/** Under a value ranking: until when the request and each order were valued (their fill chance's horizon). */
export interface Validities {
  request: TimeMs;
  order(id: string): TimeMs;
}

/**
 * The decision record as a person reads it: the verdict, the capacity arithmetic, the valuations and the
 * steal inequality under a value ranking, then every candidate.
 */
export function renderDecision(d: Decision, validity?: Validities): string {
  const r = d.request;
  const lines: string[] = [];
  lines.push(`${ACTION_TEXT[d.action]}  (reason: ${d.reason}${d.dryRun ? ', dry run' : ''})`);
  lines.push(decisionSummary(d));
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
      ['equity / capacity', `${money(d.equity)} / ${money(d.capacity)}${d.equity > 0 ? '' : WIPED_OUT}`],
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
  if (d.requestValue) lines.push('', renderRequestValue(d.requestValue, validity?.request));
  if (d.stealTest) lines.push('', renderStealTest(d.stealTest, d.fight));
  const all = candidateRecords(d);
  // Ranked first (the chosen victims, then the other eligible orders in rank order), then the rest by id: the
  // rows that decide are the first. A table of thousands is read by no one, and laid out in time quadratic in
  // its rows; the rest are counted, and --json writes every one.
  const candidates = all.length > CANDIDATE_ROWS ? all.slice(0, CANDIDATE_ROWS) : all;
  const valued = d.ranking !== 'distance';
  if (candidates.length) {
    lines.push('');
    lines.push(`candidates (victim ranking: ${RANKING_TEXT[d.ranking]}):`);
    const head = ['rank', 'id', 'symbol', 'side', 'role', 'distance', 'PnL', 'margin'];
    if (valued) head.push('σ/√h', 'P fill', 'P next bar', 'e', 'EV', 'EV/margin');
    if (valued && validity) head.push('valid until');
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
                c.expectedValue == null ? '—' : cents(c.expectedValue),
                c.density == null ? '—' : num(c.density, 5),
              ]
            : []),
          ...(valued && validity ? [isoMinute(validity.order(c.id))] : []),
          c.eligible ? 'yes' : 'no',
          whyNot(c),
        ]),
      ),
    );
    // The legend explains a mark: without a chosen victim there is none to explain.
    if (candidates.some((c) => c.victim)) lines.push('* chosen victim');
    if (all.length > candidates.length) lines.push(moreCandidates(all, candidates.length));
  } else if (d.action === 'wait' || d.action === 'place') {
    lines.push('');
    lines.push('no candidates evaluated: nothing needs to be stolen for this decision');
  } else if (d.reason === 'no-capacity') {
    lines.push('');
    lines.push('no candidates evaluated: with no capacity (equity at or below 0) no victim could make room');
  }
  return lines.join('\n');
}

/** The most candidate rows the text shows (README "`worksteal explain`: why did it steal X?"); --json holds them all. */
export const CANDIDATE_ROWS = 100;

/** The line under a cut table: how many rows were left out, of which eligible, and where to see them. */
function moreCandidates(all: readonly CandidateRecord[], shown: number): string {
  let eligible = 0;
  for (let i = shown; i < all.length; i++) if (all[i]!.eligible) eligible++;
  const n = (x: number) => x.toLocaleString('en-US');
  return `… ${n(all.length - shown)} more candidates (${n(eligible)} eligible) not shown: the table stops at ${shown} rows; --json FILE (or --json -) writes all ${n(all.length)}`;
}

/**
 * The reason a candidate is no victim, by name; a pending cancel says what it means, since the name alone
 * reads like a state of the order at the venue: it is ours, another saga's victim whose cancel is not
 * answered yet (docs/service.md "Concurrent sagas").
 */
function whyNot(c: CandidateRecord): string {
  if (c.reason !== 'pending-cancel') return c.reason ?? '';
  const by = c.cancelledBy === undefined ? 'another saga' : `saga ${c.cancelledBy}`;
  return `pending-cancel (being cancelled by ${by}, not answered yet)`;
}

const RANKING_TEXT: Record<Decision['ranking'], string> = {
  distance: 'distance desc, then PnL asc, older first, id',
  fillProbability: 'fill probability asc, then distance desc, PnL asc, older first, id',
  expectedValue: 'EV per unit of margin asc, then distance desc, PnL asc, older first, id',
};

function renderRequestValue(v: RequestValue, validUntil: TimeMs | undefined): string {
  const until = validUntil === undefined ? '' : ` (until ${isoMinute(validUntil)})`;
  return keyValues([
    ['request volatility', `${pct(v.sigma, 3)} per √hour`],
    [
      'request fill chance',
      `${pct(v.probability, 1)} within its validity${until}, ${pct(v.nextBarProbability, 1)} next bar`,
    ],
    [
      'request EV',
      `${money(v.expectedValue)} = P ${num(v.probability, 4)} × e ${pct(v.expectedReturn, 3)} × notional ${money(v.notional)}`,
    ],
  ]);
}

/** A time to the minute, UTC; '—' when unknown. */
function isoMinute(t: TimeMs): string {
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16)}Z` : '—';
}

/** The steal inequality with its numbers, and whether it held. */
function renderStealTest(s: StealTest, fight: boolean): string {
  const factor = fight ? `(1 + h)² = ${num(s.factor, 4)} (fight steal)` : `(1 + h) = ${num(s.factor, 4)}`;
  return [
    `steal test: EV(stealer) − cost ≥ ${factor} × ΣEV(victims) + λ ${num(s.costPerNotional, 6)} × Σnotional(victims)`,
    `            ${cents(s.stealerValue)} − ${cents(s.stealerCost)} ≥ ${num(s.factor, 4)} × ${cents(s.victimsValue)} + ${num(s.costPerNotional, 6)} × ${money(s.victimsNotional)}`,
    `            ${cents(s.lhs)} ${s.lhs >= s.rhs ? '≥' : '<'} ${cents(s.rhs)}: ${verdict(s)}`,
  ].join('\n');
}

function verdict(s: StealTest): string {
  if (s.passed) return 'PASSED, the steal pays';
  if (!(s.stealerValue > 0)) return "FAILED, steal-not-worth (the stealer's EV is not positive or not known)";
  return 'FAILED, steal-not-worth';
}

/**
 * Under a value ranking, what the numbers rest on: the bars each symbol's fill model learnt from (closed by
 * `now`; nothing later is read), the bar length, the validity defaults, and the expected returns' source.
 */
export function renderValuationBasis(v: ScenarioValuation): string {
  const bar = v.barMs > 0 ? intervalLabel(v.barMs) : 'unknown (every default validity is unknown)';
  return [
    'valued from the bars closed by now (nothing after now is read):',
    table(
      ['symbol', 'class', 'bar', 'bars fed', 'first open', 'last close', 'file'],
      v.symbols.map((s) => [
        s.symbol,
        s.assetClass,
        Number.isFinite(s.barMs) ? intervalLabel(s.barMs) : '—',
        s.bars,
        s.firstOpen === null ? '—' : isoMinute(s.firstOpen),
        s.lastClose === null ? '—' : isoMinute(s.lastClose),
        s.path,
      ]),
    ),
    keyValues([
      ['bar length', `${bar} (the *Bars keys count in it)`],
      ['validity', "each order's and the request's validUntil; one bar after now where not given"],
      ['expected return e', EXPECTED_RETURN_SOURCE],
    ]),
  ].join('\n');
}
