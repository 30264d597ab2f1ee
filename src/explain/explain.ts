import { ValidationError } from '../core/errors.js';
import type { ResolvedConfig } from '../core/config/resolve.js';
import type { Decision } from '../core/policy/decision.js';
import type { Valuator } from '../core/policy/valuation.js';
import { requiresValuator } from '../core/policy/value-policy.js';
import { BAR_TWINS, barKeysSet } from '../core/policy/steal-history.js';
import { Coordinator, type SessionOracle } from '../coordinator/coordinator.js';
import type { Scenario } from './scenario.js';

/**
 * Decide a scenario exactly as the live coordinator would: same ledger, same history, same policy. History
 * entries after `now` are ignored, as by every query of the history. A value ranking needs the `valuator` the
 * session would use (its fill model over the bars seen so far; see valueScenario); without one such a
 * scenario is a ValidationError naming the key. `barMs` converts the `*Bars` keys; without it a `*Bars` key
 * is one too.
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
  // Without a bar length the coordinator would fall back on the seconds twins of the `*Bars` keys: the record
  // would explain another decision than the one simulate or run took under the same config.
  const inBars = barKeysSet(resolved.config);
  if (inBars.length > 0 && !((valuation.barMs ?? 0) > 0)) {
    throw new ValidationError(
      'Cannot explain cooldowns or fight windows given in bars without bars',
      inBars.map((key) => ({
        where: key,
        message: `counts bars, and the scenario has no bar length; pass --data <bar files or folders> holding the scenario's symbols, or give ${BAR_TWINS[key]} in seconds instead`,
        value: resolved.config[key],
      })),
    );
  }
  // The override forces the regular session only: the pre-market and after-hours hours (extendedHours) still
  // come from the calendar, or every hour of the night would count as an extended session.
  const oracle: SessionOracle =
    scenario.sessionOpen === undefined
      ? calendar
      : {
          isRegularSession: () => scenario.sessionOpen as boolean,
          ...(calendar.sessionFor ? { sessionFor: calendar.sessionFor.bind(calendar) } : {}),
        };
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
