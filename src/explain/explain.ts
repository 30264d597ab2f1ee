import { ValidationError } from '../core/errors.js';
import type { ResolvedConfig } from '../core/config/resolve.js';
import type { Decision } from '../core/policy/decision.js';
import type { Valuator } from '../core/policy/valuation.js';
import { requiresValuator } from '../core/policy/value-policy.js';
import { Coordinator, type SessionOracle } from '../coordinator/coordinator.js';
import type { Scenario } from './scenario.js';

/**
 * Decide a scenario exactly as the live coordinator would: same ledger, same history, same policy. History
 * entries after `now` are ignored (DESIGN §2 rule 8). A value ranking needs the `valuator` the session would
 * use (its fill model over the bars seen so far; see valueScenario); without one such a scenario is a
 * ValidationError naming the key. `barMs` converts the `*Bars` keys.
 */
export function explainScenario(
  scenario: Scenario,
  resolved: ResolvedConfig,
  calendar: SessionOracle,
  valuation: { valuator?: Valuator; barMs?: number } = {},
): Decision {
  const ranking = resolved.config.victimRanking;
  if (requiresValuator(ranking) && !valuation.valuator) {
    throw new ValidationError('Cannot explain under a value ranking without bars', [
      {
        where: 'victimRanking',
        message: `values each order from its symbol's bars (volatility, fill probability, expected value); pass --data <bar files or folders> holding the scenario's symbols, or set victimRanking: auto or distance`,
        value: ranking,
      },
    ]);
  }
  const oracle: SessionOracle =
    scenario.sessionOpen === undefined
      ? calendar
      : { isRegularSession: () => scenario.sessionOpen as boolean };
  const coordinator = new Coordinator({
    config: resolved.config,
    clock: { now: () => scenario.now },
    calendar: oracle,
    account: scenario.account,
    ...valuation,
  });
  for (const p of scenario.positions) coordinator.ledger.setPosition(p);
  for (const o of scenario.openOrders) coordinator.ledger.addOrder(o);
  const history = scenario.history.filter((h) => h.at <= scenario.now).sort((a, b) => a.at - b.at);
  for (const h of history) coordinator.restoreSteal(h);
  return coordinator.decide(scenario.request);
}
