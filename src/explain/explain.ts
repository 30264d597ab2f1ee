import type { ResolvedConfig } from '../core/config/resolve.js';
import type { Decision } from '../core/policy/decision.js';
import { Coordinator, type SessionOracle } from '../coordinator/coordinator.js';
import type { Scenario } from './scenario.js';

/**
 * Decide a scenario exactly as the live coordinator would: same ledger, same history, same policy. History
 * entries after `now` are ignored (DESIGN §2 rule 8).
 */
export function explainScenario(
  scenario: Scenario,
  resolved: ResolvedConfig,
  calendar: SessionOracle,
): Decision {
  const oracle: SessionOracle =
    scenario.sessionOpen === undefined
      ? calendar
      : { isRegularSession: () => scenario.sessionOpen as boolean };
  const coordinator = new Coordinator({
    config: resolved.config,
    clock: { now: () => scenario.now },
    calendar: oracle,
    account: scenario.account,
  });
  for (const p of scenario.positions) coordinator.ledger.setPosition(p);
  for (const o of scenario.openOrders) coordinator.ledger.addOrder(o);
  const history = scenario.history.filter((h) => h.at <= scenario.now).sort((a, b) => a.at - b.at);
  for (const h of history) coordinator.restoreSteal(h);
  return coordinator.decide(scenario.request);
}
