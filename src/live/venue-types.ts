import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { MarginTable } from '../core/config/schema.js';
import type { AssetClass, OrderRole, Side } from '../core/types.js';
import type { BarSeries } from '../marketdata/index.js';

/** What a BarVenue (venue.ts) is built from and what it is asked to place. */

export interface BarVenueOptions {
  series: readonly BarSeries[];
  calendar: ExchangeCalendar;
  cash: number;
  /** Fee per fill as a fraction of notional (the simulator's `feesBps / 10000`). */
  feeRate: number;
  /**
   * Fees by asset class and liquidity role (the simulator's `feeRates`): a resting limit the market came to
   * pays maker, one whose bar opened through it and every market order taker. Overrides `feeRate`.
   */
  fees?: Readonly<Record<AssetClass, Readonly<Record<'maker' | 'taker', number>>>>;
  patternDayTrader: boolean;
  margin: MarginTable;
  /** The venue's time; a replay shares the runtime's decision time. */
  now: () => number;
  /** Market orders fill moved against them by this fraction (`sim.slippageBps / 10000`). */
  slippage?: number;
  /**
   * How far beyond its limit a bar must trade to fill a resting order, as a fraction of the limit
   * (`fillThrough(config.sim)`: 0 fills on a touch), as in the simulator.
   */
  through?: number;
  /**
   * Stocks trade in pre- and after-market bars too (config `extendedHours`); otherwise only in session bars. A
   * stock limit works only in the hours of the session it was placed in (core/calendar/order-hours.ts limitHours).
   */
  extendedHours?: boolean;
  /** Margin interest on the overnight debit per calendar day (config `marginRatePerYear`; default none). */
  marginRatePerYear?: number;
  /**
   * Order ids are `<idPrefix><n>` (default `r`). A replay venue lives for one run, so the replay gives it
   * the run tag: ids stay unique across the runs that share a store.
   */
  idPrefix?: string;
}

export interface VenuePlaceRequest {
  clientOrderId: string;
  symbol: string;
  side: Side;
  role: OrderRole;
  limitPrice: number;
  qty: number;
}
