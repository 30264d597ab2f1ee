import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isStealAttempt, type Decision } from '../core/policy/decision.js';

export { isStealAttempt };
import type { OutcomeStatus } from '../coordinator/saga.js';

/**
 * The runtime's Prometheus metrics, in a registry of their own (embedding programs keep theirs apart).
 * Counters count since this process started; the SQLite store keeps the same facts across restarts.
 */
export class LiveMetrics {
  readonly registry = new Registry();
  readonly decisions = new Counter({
    name: 'worksteal_decisions_total',
    help: 'Coordinator decisions, by action (place, steal, block, wait).',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly stealAttempts = new Counter({
    name: 'worksteal_steal_attempts_total',
    help: 'Decisions short of margin while stealing was enabled (a steal, or a block for want of victims).',
    registers: [this.registry],
  });
  readonly steals = new Counter({
    name: 'worksteal_steals_total',
    help: 'Requests that completed a steal: victims cancelled (confirmed by the venue), then the order placed.',
    registers: [this.registry],
  });
  readonly blocks = new Counter({
    name: 'worksteal_blocks_total',
    help: 'Blocked requests, by the decision\'s block reason (BlockReason; README "The rules in one table" lists them).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly fights = new Counter({
    name: 'worksteal_fights_total',
    help: 'Completed steals between a pair of symbols that was fighting (stealer PnL had to beat the victim).',
    registers: [this.registry],
  });
  readonly outcomes = new Counter({
    name: 'worksteal_request_outcomes_total',
    help: 'How entry requests ended: placed, stole, blocked, waited, dry-run, compensated, aborted.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly waits = new Counter({
    name: 'worksteal_watcher_waits_total',
    help: 'Watcher polls whose request was outside its entry tolerance (not sent to the coordinator, not stored).',
    registers: [this.registry],
  });
  readonly deleverageActions = new Counter({
    name: 'worksteal_deleverage_actions_total',
    help: 'End-of-day deleveraging actions, by action: cancel (a stock entry order), trim (a stock position reduced at the close).',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly polls = new Counter({
    name: 'worksteal_polls_total',
    help: 'Completed polls of all watchers.',
    registers: [this.registry],
  });
  readonly placementsOverCapacity = new Counter({
    name: 'worksteal_placements_over_capacity_total',
    help: 'Placements a bot reported to serve that took margin used (and claimed) over capacity.',
    registers: [this.registry],
  });
  readonly marginUsed = new Gauge({
    name: 'worksteal_margin_used',
    help: 'Margin held by open entry orders and positions, in account currency, after the last poll.',
    registers: [this.registry],
  });
  readonly marginFree = new Gauge({
    name: 'worksteal_margin_free',
    help: 'Capacity minus margin used and claimed (never below 0), in account currency.',
    registers: [this.registry],
  });
  readonly marginClaimed = new Gauge({
    name: 'worksteal_margin_claimed',
    help: 'Margin held by steal sagas waiting for the broker or the bot, beyond what their pending cancels hold.',
    registers: [this.registry],
  });
  readonly marginCapacity = new Gauge({
    name: 'worksteal_margin_capacity',
    help: 'Equity × (1 − bufferPct), as limited by the broker-reported buying power.',
    registers: [this.registry],
  });
  readonly equity = new Gauge({
    name: 'worksteal_equity',
    help: 'Account equity as the broker last reported it.',
    registers: [this.registry],
  });
  readonly openOrders = new Gauge({
    name: 'worksteal_open_orders',
    help: 'Open orders by role (entry, take-profit), ours and external.',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });
  readonly quoteTime = new Gauge({
    name: 'worksteal_quote_made_timestamp_seconds',
    help: 'When the last quote the ledger took for a symbol was made (Unix seconds; market time in a replay): alert on time() minus it while the market is open.',
    labelNames: ['symbol'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'worksteal_decision_latency_seconds',
    help: 'Wall time from an entry request to its outcome: the decision plus any cancels and the placement.',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly alerts = new Counter({
    name: 'worksteal_alerts_total',
    help: 'Alerts raised, by kind (steal-success-low, block-rate-high).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'worksteal_broker_rate_limited_total',
    help: 'Broker answers 429 (too many requests); every caller waited for the reset the venue named.',
    registers: [this.registry],
  });

  /** Each label value's child counter, looked up once: the label hashing is on every request's path. */
  private readonly children = new Map<Counter, Map<string, Counter.Internal>>();

  private child(counter: Counter, value: string): Counter.Internal {
    let byValue = this.children.get(counter);
    if (!byValue) this.children.set(counter, (byValue = new Map()));
    let c = byValue.get(value);
    if (!c) byValue.set(value, (c = counter.labels(value)));
    return c;
  }

  onDecision(d: Decision): void {
    this.child(this.decisions, d.action).inc();
    if (d.action === 'block') this.child(this.blocks, d.reason).inc();
    if (isStealAttempt(d)) this.stealAttempts.inc();
  }

  onOutcome(status: OutcomeStatus, fight: boolean, seconds: number): void {
    this.child(this.outcomes, status).inc();
    if (status === 'stole') {
      this.steals.inc();
      if (fight) this.fights.inc();
    }
    this.latency.observe(seconds);
  }

  /** `claimed`: what sagas in flight hold beyond the ledger (Coordinator.claimedMargin). */
  setCapacity(equity: number, capacity: number, used: number, claimed: number): void {
    this.equity.set(equity);
    this.marginCapacity.set(capacity);
    this.marginUsed.set(used);
    this.marginClaimed.set(claimed);
    this.marginFree.set(Math.max(0, capacity - used - claimed));
  }

  /** The open orders by role, ours and external. */
  setOpenOrders(orders: readonly { role: string }[]): void {
    let entry = 0;
    let takeProfit = 0;
    for (const o of orders) {
      if (o.role === 'entry') entry++;
      else if (o.role === 'take-profit') takeProfit++;
    }
    this.openOrders.set({ role: 'entry' }, entry);
    this.openOrders.set({ role: 'take-profit' }, takeProfit);
  }

  /** Runs at each scrape, before the text is built (the service reads its margins then). */
  private beforeScrape: () => void = () => undefined;

  onScrape(fn: () => void): void {
    this.beforeScrape = fn;
  }

  text(): Promise<string> {
    this.beforeScrape();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
