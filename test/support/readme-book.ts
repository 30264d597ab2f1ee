import {
  StealHistory,
  type DecideInput,
  type EntryRequest,
  type OpenOrder,
  type WorkstealConfig,
} from '../../src/index.js';

/**
 * The book of the README's library example: on a Saturday (crypto out of hours) a resting ETH buy 8% from its
 * limit holds 7,200 of 10,000 of equity, and a BTC buy 0.17% from its limit wants 3,600. Short by 800, the
 * request steals the ETH order under the default configuration.
 */
export const README_NOW = Date.parse('2025-06-07T12:00:00Z');

export const README_ACCOUNT = { equity: 10_000, patternDayTrader: false } as const;

/** The resting ETH buy, placed an hour before README_NOW. */
export const README_ETH: OpenOrder = {
  id: 'eth-1',
  symbol: 'ETH/USD',
  assetClass: 'crypto',
  side: 'buy',
  role: 'entry',
  limitPrice: 2_400,
  qty: 3,
  price: 2_600,
  forecastPnl: 20,
  placedAt: README_NOW - 3_600_000,
  probe: false,
  external: false,
};

/** The BTC request that steals it. */
export const README_BTC: EntryRequest = {
  symbol: 'BTC/USD',
  assetClass: 'crypto',
  side: 'buy',
  limitPrice: 60_000,
  qty: 0.06,
  price: 60_100,
  forecastPnl: 40,
  cryptoRank: 1,
};

/**
 * The README book as a decide() input under `config`: the BTC request (or `request`) against the resting ETH
 * order, the fields of `extra` over it.
 */
export function readmeDecideInput(
  config: WorkstealConfig,
  extra: Partial<DecideInput> = {},
  request: EntryRequest = README_BTC,
): DecideInput {
  return {
    now: README_NOW,
    sessionOpen: false,
    account: README_ACCOUNT,
    positions: [],
    orders: [README_ETH],
    history: new StealHistory(config),
    request,
    ...extra,
  };
}
