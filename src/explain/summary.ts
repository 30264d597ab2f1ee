import { INELIGIBLE_REASONS, type Decision } from '../core/policy/decision.js';
import { cents, money, pct } from '../report/text.js';

/**
 * A decision in one sentence, with its numbers: what a bot's log shows for a request that was not carried out
 * (the service's `detail` of a wait or a block), and the line under `explain`'s verdict. It names what would
 * change the answer where one thing would. Built only on demand: the simulator takes tens of thousands of
 * blocks per run and reads none of these.
 */
export function decisionSummary(d: Decision): string {
  // `serve` asks twice for one decision (its stored row, then the answer): the second is the first's text.
  if (d === lastDecision) return lastText;
  lastText = sentence(d);
  lastDecision = d;
  return lastText;
}

/** The decision last said, and what was said (one decision only, so nothing else is kept alive). */
let lastDecision: Decision | null = null;
let lastText = '';

function sentence(d: Decision): string {
  const r = d.request;
  switch (d.reason) {
    case 'outside-tolerance':
      return `${r.symbol}'s price is ${pct(d.distance, 2)} from the limit, beyond the ${d.tier} tolerance of ${pct(d.tolerance, 2)}: the order rests once the price is within it`;
    case 'market-closed':
      return `${r.symbol} is a stock and its regular session is closed (extended hours are off or not open now): an order sent now could not fill, so nothing rests or is stolen for it`;
    case 'fill-unlikely':
      return `force-immediate, but the chance that ${r.symbol}'s limit is reached within its validity is ${pct(d.requestValue?.probability ?? null, 1)}, below forceImmediateMinFillProbability, so it does not rest yet`;
    case 'capacity-available':
      return `${money(d.marginNeeded)} of margin needed and ${money(d.marginFree)} free${replacing(d)}`;
    case 'stole-capacity':
      return `${short(d)}: cancel ${d.victims.join(', ')} (frees ${money(d.freedMargin)})${d.fight ? ', a fight steal' : ''}, then rest the order`;
    case 'no-shorting':
      return `a sell of ${r.symbol} would open a short, which the venue refuses (${r.assetClass === 'crypto' ? 'a crypto account holds no borrowed coins' : 'a stock account below margin.stock.marginMinEquity may not short'}): nothing is placed or cancelled for it`;
    case 'stealing-disabled':
      return `${short(d)} and stealing is disabled (stealingEnabled false): it rests once margin frees`;
    case 'not-ready-to-steal':
      return `${short(d)}; ${r.symbol}'s price is ${pct(d.distance, 2)} from the limit, not yet within stealEntryTolerance, so it may not steal: it rests once margin frees or steals once the price is closer`;
    case 'on-cooldown':
      return `${short(d)}; ${r.symbol} is cooling after a steal (cooldownSec or cooldownBars; the fight cooldown after a fight) and may not steal until it ends`;
    case 'steal-budget':
      return `${short(d)}; ${r.symbol} has made stealBudgetPerDay steals in the last 24 hours and may not steal again yet`;
    case 'no-capacity':
      return `${short(d)}: equity is ${money(d.equity)}, at or below 0 (a wiped-out account), so there is no capacity and nothing is placed or stolen for until equity is above 0`;
    case 'margin':
      return `${short(d)} and nothing is ours to cancel for it: the margin is held by positions, by orders not placed by us or by ${r.symbol}'s own`;
    case 'no-eligible-victims':
      return `${short(d)}; no resting order may be stolen: ${ineligibleCounts(d)}`;
    case 'victims-insufficient':
      return `${short(d)}; the orders that may be stolen free ${money(eligibleMargin(d))} together, too little, so none is cancelled`;
    case 'steal-not-worth':
      return `${short(d)}; stealing would not pay: ${stealTestWords(d)}`;
    default:
      return `${d.action}: ${d.reason}`;
  }
}

/**
 * The shortfall with what it is made of: short = needs − free (README "The rules in one table", the need), with
 * free as decide() took it. Free is below 0 when the margin held is over the capacity already (equity fell, or
 * a requirement rose): it is shown so, with by how much, never as 0.00, or the numbers would not add up.
 */
function short(d: Decision): string {
  // Below half a cent is 0.00, not "-0.00".
  const free = Math.abs(d.marginFree) < 0.005 ? 0 : d.marginFree;
  const over = free < 0 ? `: the margin held is over capacity by ${money(-free)}` : '';
  return `short of ${money(d.shortfall)} of margin (needs ${money(d.marginNeeded)}, ${money(free)} free of ${money(d.capacity)}${over})`;
}

function replacing(d: Decision): string {
  return d.replaces === null ? '' : `, counting ${d.replaces} (the resting entry it replaces) as free`;
}

/** Why the candidates were not eligible, most common first: "3 protected-distance, 1 cooldown". */
function ineligibleCounts(d: Decision): string {
  const table = d.candidates;
  if (!table || table.reason.length === 0) return 'no order rests';
  // By reason code (a small integer): a count per row costs no string and no map.
  const counts = new Int32Array(INELIGIBLE_REASONS.length);
  for (let i = 0; i < table.orders.length; i++) counts[table.reason[i]!]!++;
  return [...counts]
    .map((n, code) => ({ n, why: INELIGIBLE_REASONS[code] ?? 'eligible' }))
    .filter((c) => c.n > 0)
    .sort((a, b) => b.n - a.n || a.why.localeCompare(b.why))
    .map((c) => `${c.n} ${c.why}`)
    .join(', ');
}

/** The margin of every eligible candidate (reason code 0). */
function eligibleMargin(d: Decision): number {
  const table = d.candidates;
  let sum = 0;
  if (table) for (let i = 0; i < table.orders.length; i++) if (table.reason[i] === 0) sum += table.margin[i]!;
  return sum;
}

function stealTestWords(d: Decision): string {
  const s = d.stealTest;
  if (!s) return 'the steal test was not taken';
  if (!(s.stealerValue > 0)) return "the stealer's expected value is not positive or not known";
  return `the stealer's expected value less its costs, ${cents(s.lhs)}, is below ${cents(s.rhs)}, its victims' expected value times ${s.factor.toFixed(4)} (1 + stealHysteresis${d.fight ? ', squared for a fight' : ''}) plus stealCostPerNotional on their notional`;
}
