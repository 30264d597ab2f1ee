import type { QuoteTimes } from './quote-times.js';
import type { CapacityLedger } from '../coordinator/ledger.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import { notional, requirementFor } from '../core/margin/requirements.js';
import { distance } from '../core/policy/distance.js';
import type { StealHistory } from '../core/policy/steal-history.js';
import type { AlertMonitor, Alert, AlertKind } from './alerts.js';
import { StatusHistory, type StatusSeries } from './status-history.js';
import type { RuntimeCounters } from './runtime-records.js';
import type { DecisionRowOut } from './store.js';
import type { OwnershipWarning } from './order-ownership.js';

/** What /status returns and the status page shows. Times are ISO-8601 UTC (market time in a replay). */
export interface StatusSnapshot {
  now: string;
  lastPoll: string | null;
  polls: number;
  broker: string;
  paused: boolean;
  dryRun: boolean;
  sessionOpen: boolean;
  capacity: {
    equity: number;
    capacity: number;
    used: number;
    /** Held by steal sagas waiting for the broker, beyond what their pending cancels hold. */
    claimed: number;
    /** capacity − used − claimed, never below 0. */
    free: number;
    utilization: number | null;
    bufferPct: number;
    note: string | null;
  };
  openOrders: {
    id: string;
    symbol: string;
    side: string;
    role: string;
    limitPrice: number;
    qty: number;
    price: number | null;
    /**
     * When the last quote the ledger took for this symbol was made (`quotes`; null before the first). The
     * price is that quote's, unless the order was placed or reported by the venue since.
     */
    quoteTime: string | null;
    /** Distance to the limit, a fraction (README "The rules in one table"); null without a price. */
    distance: number | null;
    margin: number;
    placedAt: string;
    external: boolean;
  }[];
  positions: {
    symbol: string;
    assetClass: string;
    qty: number;
    price: number;
    /** As openOrders[].quoteTime: the price is the quote's mid from then, or the venue's own at the last reconcile. */
    quoteTime: string | null;
    margin: number;
    /** Average entry price as the venue reports it (null when the venue gave no cost basis). */
    entryPrice: number | null;
    unrealizedPnl: number | null;
  }[];
  /**
   * The last quote the ledger took for each watched symbol, and when its price was made: a symbol whose time
   * stops moving while its market is open has a feed that stopped (its orders keep the old distance).
   */
  quotes: { symbol: string; bid: number; ask: number; time: string }[];
  /** The last polls, for the page's equity, margin and decision-rate charts. */
  series: StatusSeries;
  cooldowns: { symbol: string; until: string }[];
  decisions: {
    time: string;
    symbol: string;
    action: string;
    reason: string;
    /** The reason in words, with its numbers (null for decisions stored without it). */
    detail: string | null;
    victims: string[];
    outcome: string | null;
    latencyMs: number | null;
  }[];
  /** The runtime's counters as the status snapshot carries them (the end-of-day counts are not in it). */
  counters: Omit<RuntimeCounters, 'deleverageCancels' | 'deleverageTrims'>;
  /**
   * Orders a second run on the account may have placed (src/live/order-ownership.ts): ours by client order id
   * but not this store's (`foreign-orders`, held as external), or several entries of ours on one symbol
   * (`duplicate-entries`). Nothing is cancelled for them; they are shown until they are gone.
   */
  orderWarnings: OwnershipWarning[];
  alerts: {
    active: AlertKind[];
    recent: Alert[];
    blockRate: number | null;
    stealSuccess: number | null;
    window: number;
  };
}

export interface StatusInput {
  now: number;
  lastPoll: number | null;
  polls: number;
  broker: string;
  paused: boolean;
  dryRun: boolean;
  sessionOpen: boolean;
  config: WorkstealConfig;
  ledger: CapacityLedger;
  history: StealHistory;
  symbols: readonly string[];
  decisions: DecisionRowOut[];
  counters: StatusSnapshot['counters'];
  alerts: AlertMonitor;
  capacityNote: string | null;
  /** Margin the sagas in flight claim (Coordinator.claimedMargin). */
  claimed: number;
  /** The venue's unrealised PnL per symbol, from the last positions it reported (absent: not known). */
  unrealized?: ReadonlyMap<string, number>;
  /** The last polls (the page's charts). */
  pollHistory?: StatusHistory;
  /**
   * Per symbol, the last quote the ledger took and when it was made (the quote's own time, or the poll's when
   * the feed gave none): a feed that stops moving a symbol's price shows here while the rows keep its old price.
   */
  quotes?: QuoteTimes;
  /** As of the last reconcile (OwnershipReport). */
  orderWarnings?: readonly OwnershipWarning[];
}

const iso = (t: number): string => new Date(t).toISOString();
const EMPTY_HISTORY = new StatusHistory(1);
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function buildStatus(s: StatusInput): StatusSnapshot {
  const { ledger, config } = s;
  const account = ledger.account;
  const ctx = {
    equity: account.equity,
    patternDayTrader: account.patternDayTrader,
    sessionOpen: s.sessionOpen,
  };
  const used = ledger.usedMargin(s.sessionOpen, config.margin);
  const capacity = ledger.capacity(config.bufferPct);
  const rates = s.alerts.rates();
  const quoteTime = (symbol: string): string | null => s.quotes?.timeOf(symbol) ?? null;
  return {
    now: iso(s.now),
    lastPoll: s.lastPoll === null ? null : iso(s.lastPoll),
    polls: s.polls,
    broker: s.broker,
    paused: s.paused,
    dryRun: s.dryRun,
    sessionOpen: s.sessionOpen,
    capacity: {
      equity: account.equity,
      capacity,
      used,
      claimed: s.claimed,
      free: Math.max(0, capacity - used - s.claimed),
      utilization: capacity > 0 ? used / capacity : null,
      bufferPct: config.bufferPct,
      note: s.capacityNote,
    },
    openOrders: ledger.orders
      .map((o) => ({
        id: o.id,
        symbol: o.symbol,
        side: o.side,
        role: o.role,
        limitPrice: o.limitPrice,
        qty: o.qty,
        price: o.price,
        quoteTime: quoteTime(o.symbol),
        distance: finite(distance(o.side, o.price, o.limitPrice)),
        // Exits reserve nothing (README "The rules in one table", margin).
        margin:
          o.role === 'entry'
            ? notional(o.qty, o.limitPrice) * requirementFor(o.assetClass, ctx, config.margin)
            : 0,
        placedAt: iso(o.placedAt),
        external: o.external,
      }))
      .sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity) || (a.id < b.id ? -1 : 1)),
    positions: ledger.positions.map((p) => {
      const upnl = s.unrealized?.get(p.symbol);
      return {
        symbol: p.symbol,
        assetClass: p.assetClass,
        qty: p.qty,
        price: p.price,
        quoteTime: quoteTime(p.symbol),
        margin: notional(p.qty, p.price) * requirementFor(p.assetClass, ctx, config.margin),
        // The venue reports unrealised PnL against its cost basis: entry = mark − PnL per share.
        entryPrice: upnl === undefined || p.qty === 0 ? null : finite(p.price - upnl / p.qty),
        unrealizedPnl: upnl ?? null,
      };
    }),
    quotes: s.quotes?.view(s.symbols) ?? [],
    series: (s.pollHistory ?? EMPTY_HISTORY).series(),
    cooldowns: s.symbols.flatMap((symbol) => {
      const until = s.history.coolingUntil(symbol, s.now);
      return until === null ? [] : [{ symbol, until: iso(until) }];
    }),
    decisions: s.decisions.map((d) => ({
      time: iso(d.time),
      symbol: d.symbol,
      action: d.action,
      reason: d.reason,
      detail: d.detail,
      victims: d.victimSymbols,
      outcome: d.outcome,
      latencyMs: d.latencyMs,
    })),
    counters: s.counters,
    orderWarnings: [...(s.orderWarnings ?? [])],
    alerts: {
      active: (['steal-success-low', 'block-rate-high'] as const).filter((k) => s.alerts.isActive(k)),
      recent: s.alerts.raised.slice(-20),
      blockRate: rates.blockRate,
      stealSuccess: rates.stealSuccess,
      window: rates.decisions,
    },
  };
}
