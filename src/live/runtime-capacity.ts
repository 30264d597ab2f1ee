import type { Coordinator } from '../coordinator/coordinator.js';
import type { BrokerAccount } from '../ports/venue.js';
import { brokerFreeMargin } from '../session/buying-power.js';
import type { RuntimeOptions } from './runtime-options.js';

/**
 * Live, the broker's buying power is the truth (docs/live.md). It caps capacity beside equity (an order we do
 * not see yet, a fee, a hold), so a decision never spends margin the broker would refuse; equity is
 * untouched. Returns the note to show while the broker leaves less free than the ledger counts (null
 * otherwise).
 */
export function capToBuyingPower(o: RuntimeOptions, coordinator: Coordinator, now: number): string | null {
  const ledger = coordinator.ledger;
  const account = ledger.account as BrokerAccount;
  const bp = account.buyingPower;
  if (!bp) return null;
  const { config } = o;
  const sessionOpen = o.calendar.isRegularSession(now);
  const ctx = { equity: account.equity, patternDayTrader: account.patternDayTrader, sessionOpen };
  const classes = new Set(o.symbols.map((s) => s.assetClass));
  const brokerFree = brokerFreeMargin(bp, classes, ctx, config.margin);
  const counted = ledger.capacity(config.bufferPct) - ledger.usedMargin(sessionOpen, config.margin);
  coordinator.capToBrokerFree(brokerFree);
  if (brokerFree < counted - 1e-6 * Math.max(1, counted))
    return `broker buying power leaves ${brokerFree.toFixed(2)} free, the ledger counted ${counted.toFixed(2)}: capacity follows the broker`;
  return null;
}
