import { DEFAULT_CONFIG } from '../../src/core/config/presets.js';
import type { WorkstealConfig } from '../../src/core/config/schema.js';
import { decide } from '../../src/core/policy/decide.js';
import type { Decision } from '../../src/core/policy/decision.js';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import type { EntryRequest, OpenOrder, Position, StealEvent } from '../../src/core/types.js';
import type { SideMetrics } from '../../src/compare/window-run.js';

export const T0 = Date.parse('2025-01-15T15:00:00Z'); // a Wednesday, US session open

export function config(overrides: Partial<WorkstealConfig> = {}): WorkstealConfig {
  return { ...structuredClone(DEFAULT_CONFIG), ...overrides };
}

export function order(partial: Partial<OpenOrder> & Pick<OpenOrder, 'id' | 'symbol'>): OpenOrder {
  return {
    assetClass: 'stock',
    side: 'buy',
    role: 'entry',
    limitPrice: 100,
    // 2,000 notional: at the 50% stock requirement, two resting orders fill an account of 2,000 equity.
    qty: 20,
    price: 100,
    forecastPnl: 0,
    placedAt: T0 - 3_600_000,
    probe: false,
    external: false,
    ...partial,
  };
}

/**
 * A book full at 2,000 equity: two resting stock entries of 2,000 notional at the 50% requirement, AAPL 1% and
 * MSFT 0.5% from their limits. A request then needs one of them (a steal, when it is worth it).
 */
export function fullBookOfTwo() {
  return {
    equity: 2_000,
    patternDayTrader: false,
    sessionOpen: true,
    orders: [
      order({ id: 'a', symbol: 'AAPL', price: 101 }),
      order({ id: 'm', symbol: 'MSFT', price: 100.5 }),
    ],
    positions: [] as Position[],
  };
}

export function request(partial: Partial<EntryRequest> & Pick<EntryRequest, 'symbol'>): EntryRequest {
  return {
    assetClass: 'stock',
    side: 'buy',
    limitPrice: 100,
    qty: 10,
    price: 100,
    forecastPnl: 0,
    cryptoRank: null,
    ...partial,
  };
}

export interface Situation {
  now?: number;
  sessionOpen?: boolean;
  equity: number;
  patternDayTrader?: boolean;
  orders?: OpenOrder[];
  positions?: Position[];
  history?: StealEvent[];
  request: EntryRequest;
  config?: Partial<WorkstealConfig>;
}

export function decideIn(s: Situation): Decision {
  const cfg = config(s.config);
  const history = new StealHistory(cfg);
  for (const h of [...(s.history ?? [])].sort((a, b) => a.at - b.at)) history.record(h);
  return decide(
    {
      now: s.now ?? T0,
      sessionOpen: s.sessionOpen ?? true,
      account: { equity: s.equity, patternDayTrader: s.patternDayTrader ?? false },
      positions: s.positions ?? [],
      orders: s.orders ?? [],
      history,
      request: s.request,
    },
    cfg,
  );
}

/** One side of a compare window with the given Sharpe (return a tenth of it) and nothing stolen. */
export const sideMetrics = (sharpe: number): SideMetrics => ({
  totalReturn: sharpe / 10,
  sharpe,
  sortino: sharpe,
  maxDrawdown: 0.1,
  pnl: 0,
  winRate: 0.5,
  trades: 10,
  blocks: 0,
  steals: 0,
  days: 90,
  finalEquity: 100_000,
  distinctVictims: 0,
  victimsThatWouldHaveFilled: 0,
  victimWouldHaveMade: 0,
  stealersMade: 0,
  netRegret: 0,
  netRegretStandardError: 0,
});
