import type { ClassPairRegret, StealRegret } from '../regret.js';

/**
 * Steal regret by stealer and victim asset class, one summary row per pair with a steal (simulate's text
 * summary and the HTML report): where on a mixed book stealing paid and where it cost. A book of one class
 * has one pair, the whole: no rows. A row's label reads `thief ← victims`: `crypto ← stock` is crypto requests
 * that took capacity from stock orders. `money` formats amounts as the summary does.
 */
export function classRegretRows(
  regret: Pick<StealRegret, 'byClass'>,
  money: (x: number) => string,
): [string, string][] {
  if (regret.byClass.length < 2) return [];
  return regret.byClass.map((p) => [`  ${p.thief} ← ${p.victims}`, classRegretLine(p, money)]);
}

/** A count as it is, or to one decimal where it is a mean over replicates. */
const count = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function classRegretLine(p: ClassPairRegret, money: (x: number) => string): string {
  const steals = `${count(p.steals)} steal${p.steals === 1 ? '' : 's'}`;
  return `${steals}: ${count(p.victimsThatWouldHaveFilled)}/${count(p.victimsEvaluated)} victims would have filled, making ${money(p.victimWouldHaveMade)}; stealers made ${money(p.stealersMade)}; net ${money(p.netRegret)} ± ${money(p.netRegretStandardError)}`;
}
