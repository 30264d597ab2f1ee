import { describe, expect, it } from 'vitest';
import { toBrokerAccount, type AlpacaAccount } from '../../src/brokers/alpaca/wire.js';

/**
 * Which margin tier an Alpaca account is in. Alpaca's `multiplier` is the account's margin classification
 * (1: 1x, 2: Reg T 2x intraday and overnight, 4: 4x intraday and 2x overnight); `pattern_day_trader` only
 * says whether the account has been flagged for making four day trades in five business days. Alpaca's own
 * account example (GET /v2/account) is a 4x account that is not flagged: equity 103,820.56, multiplier "4",
 * pattern_day_trader false, daytrading_buying_power 262,113.632 = 4 × (last_equity 103,529.24 −
 * last_maintenance_margin 38,000.832). worksteal's 4x tier must follow the multiplier, or it counts such an
 * account's intraday stock margin at 50% while Alpaca lends at 25%. Alpaca has since deprecated the flag
 * (changelog 2026-06-03) and removed it from the account (2026-07-06): read as a flag, every account was 2x.
 */
const docsExample: AlpacaAccount & { multiplier: string } = {
  equity: '103820.56',
  cash: '-23140.2',
  pattern_day_trader: false,
  multiplier: '4',
  buying_power: '262113.632',
  regt_buying_power: '80680.36',
  daytrading_buying_power: '262113.632',
  non_marginable_buying_power: '7386.56',
};

describe('the 4x tier of an Alpaca account', () => {
  it('a multiplier-4 account that is not flagged is a pattern-day-trader account (4x intraday)', () => {
    expect(toBrokerAccount(docsExample).patternDayTrader).toBe(true);
  });

  it('a multiplier-2 account is not, flagged or not (Alpaca gives it 2x intraday)', () => {
    for (const flagged of [false, true]) {
      const a = {
        ...docsExample,
        multiplier: '2',
        pattern_day_trader: flagged,
        daytrading_buying_power: '0',
      };
      expect(toBrokerAccount(a).patternDayTrader).toBe(false);
    }
  });

  it('an account without pattern_day_trader (Alpaca removed the field on 2026-07-06) keeps its multiplier', () => {
    const { pattern_day_trader: _gone, ...current } = docsExample;
    expect(toBrokerAccount(current).patternDayTrader).toBe(true);
    expect(toBrokerAccount({ ...current, multiplier: '2' }).patternDayTrader).toBe(false);
  });

  it('without a multiplier (an older or partial answer) the flag decides, as before', () => {
    const { multiplier: _omit, ...noMultiplier } = docsExample;
    expect(toBrokerAccount({ ...noMultiplier, pattern_day_trader: true }).patternDayTrader).toBe(true);
    expect(toBrokerAccount({ ...noMultiplier, pattern_day_trader: false }).patternDayTrader).toBe(false);
  });
});
