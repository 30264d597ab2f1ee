import { beforeAll, describe, expect, it } from 'vitest';
import { CapacityLedger } from '../../src/coordinator/ledger.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { exitLevels } from '../../src/session/exits.js';
import { ExitWatcher, type VenueNumbers } from '../../src/session/watchers.js';
import { realSeries, rig } from '../brokers/alpaca-rig.js';

/**
 * A take-profit the venue holds on its own steps (Alpaca rounds a crypto pair's limit to the pair's
 * price_increment, a quantity to its min_trade_increment) is the take-profit the watcher wants: it is kept,
 * not cancelled and placed again at every poll because its numbers differ from the unrounded ones.
 */
const T0 = Date.parse('2024-03-04T00:00:00Z');
const account = { equity: 10_000, patternDayTrader: false };

function ledgerWithTakeProfit(limitPrice: number, qty: number): CapacityLedger {
  const l = new CapacityLedger(account);
  l.reset({
    account,
    positions: [{ symbol: 'SOL/USD', assetClass: 'crypto', qty: 2.0003, price: 100 }],
    orders: [
      {
        id: 'tp1',
        symbol: 'SOL/USD',
        assetClass: 'crypto',
        side: 'sell',
        role: 'take-profit',
        limitPrice,
        qty,
        price: 100,
        forecastPnl: 0,
        placedAt: T0,
        probe: false,
        external: false,
      },
    ],
  });
  return l;
}

const entry = {
  takeProfit: 110.03,
  filledAt: T0,
  ...exitLevels({ stopLossPct: 0, timeStopHours: 72 }, 'buy', 100, T0),
};

/** The venue's steps: sell limits up to 0.05, quantities down to 0.01. */
const steps: VenueNumbers = (o) => ({
  qty: Math.floor(o.qty * 100 + 1e-9) / 100,
  limitPrice:
    (o.side === 'sell' ? Math.ceil(o.limitPrice * 20 - 1e-9) : Math.floor(o.limitPrice * 20 + 1e-9)) / 20,
});

describe('a take-profit on the venue’s own steps', () => {
  it('is kept by a watcher that knows the venue’s steps (no cancel and place again at every poll)', () => {
    const venueHeld = ledgerWithTakeProfit(110.05, 2);
    const w = new ExitWatcher('SOL/USD', 'crypto', steps);
    expect(w.plan(venueHeld, entry, T0 + 3_600_000, true, null)).toMatchObject({ cancel: [], place: null });
  });

  it('is kept, not judged, while the venue cannot say what it would hold', () => {
    const venueHeld = ledgerWithTakeProfit(110.05, 2);
    const w = new ExitWatcher('SOL/USD', 'crypto', () => null);
    expect(w.plan(venueHeld, entry, T0 + 3_600_000, true, null)).toMatchObject({ cancel: [], place: null });
    // With nothing resting, one is armed.
    const bare = ledgerWithTakeProfit(110.05, 2);
    bare.removeOrder('tp1');
    expect(w.plan(bare, entry, T0 + 3_600_000, true, null)).toMatchObject({
      cancel: [],
      place: { side: 'sell', qty: 2.0003, limitPrice: 110.03 },
    });
  });

  it('is still moved when it differs by more than the venue’s rounding', () => {
    const stale = ledgerWithTakeProfit(112, 2);
    const w = new ExitWatcher('SOL/USD', 'crypto', steps);
    expect(w.plan(stale, entry, T0 + 3_600_000, true, null)).toMatchObject({
      cancel: ['tp1'],
      place: { side: 'sell', qty: 2.0003, limitPrice: 110.03 },
    });
  });
});

let series: BarSeries[];
beforeAll(async () => {
  series = await realSeries();
});

describe('the Alpaca adapter tells the numbers it would send', () => {
  it('under the pair’s asset rules once read, and none before (a new process judges nothing on general rules)', async () => {
    const r = await rig(series, {
      fake: { assets: { 'SOL/USD': { price_increment: '0.05', min_trade_increment: '0.01' } } },
    });
    const tp = {
      symbol: 'SOL/USD',
      assetClass: 'crypto' as const,
      side: 'sell' as const,
      qty: 2.0003,
      limitPrice: 110.03,
    };
    expect(r.broker.venueNumbers(tp)).toBeNull();
    await r.broker.loadVenueNumbers('SOL/USD', 'crypto');
    expect(r.broker.venueNumbers(tp)).toEqual({ qty: 2, limitPrice: 110.05 });
    // A stock in whole shares is on the tick without its asset entity.
    const aapl = {
      symbol: 'AAPL',
      assetClass: 'stock' as const,
      side: 'sell' as const,
      qty: 3,
      limitPrice: 190.123,
    };
    expect(r.broker.venueNumbers(aapl)).toEqual({ qty: 3, limitPrice: 190.13 });
  });
});
