import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { feeRates, trimQtyWithCosts } from '../../src/sim/costs.js';
import { simulate } from '../../src/sim/engine.js';
import { limitFillPrice } from '../../src/sim/fill-rules.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { hourly, loadCsvBars } from './support/csv-bars.js';

const T0 = '2024-06-01T00:00:00'; // a Saturday: crypto only
const signal = (over: Partial<ExternalSignal> = {}): ExternalSignal => ({
  time: Date.parse('2024-06-01T01:00:00Z'),
  symbol: 'BTCUSD',
  side: 'buy',
  entry: 100,
  takeProfit: 110,
  expectedPnl: 10,
  validUntil: Date.parse('2024-06-03T00:00:00Z'),
  ...over,
});
const config = (sim: Record<string, unknown> = {}) =>
  resolveConfig({
    layers: [
      {
        source: 'test',
        values: { sim: { initialEquity: 10_000, orderFraction: 0.5, timeStopHours: 0, ...sim } },
      },
    ],
  }).config;

async function run(at: Record<number, number[]>, sim: Record<string, unknown> = {}) {
  const series = await loadCsvBars({ BTCUSD: hourly(T0, 6, 100.2, at) });
  return simulate({ series, config: config(sim), calendar: nyseCalendar(), signals: [signal()] });
}

describe('costs by asset class and liquidity role (hand-made CSV)', () => {
  it('defaults: Alpaca crypto tier 1, maker 15 bps for a resting entry, taker 25 bps for a stop', async () => {
    // Bar 2 comes down to the limit (maker fill at 100); bar 4 reaches the 5% stop, seen at its close: a market
    // exit at bar 5's open (95).
    const out = await run(
      { 2: [100.2, 100.3, 99.9, 100.1], 4: [100, 100, 94, 95], 5: [95, 95, 95, 95] },
      { stopLossPct: 0.05 },
    );
    const t = out.trades[0]!;
    expect(t).toMatchObject({ entryPrice: 100, exitPrice: 95, exitReason: 'stop' });
    expect(t.fees).toBeCloseTo(t.qty * 100 * 0.0015 + t.qty * 95 * 0.0025, 9);
    expect(out.feesPaid).toBeCloseTo(t.fees, 9);
  });

  it('a bar that opens through the limit fills at the open as a taker', async () => {
    const out = await run({ 2: [99, 99.5, 98.5, 99.2] });
    const t = out.trades[0]!;
    expect(t.entryPrice).toBe(99);
    // Entry at the open (taker), end-of-data exit at the last close (taker).
    expect(t.fees).toBeCloseTo(t.qty * 99 * 0.0025 + t.qty * 100.2 * 0.0025, 9);
  });

  it('US stocks trade commission-free by default; the deprecated flat sim.feesBps still applies to all', () => {
    const rates = feeRates(config().sim);
    expect(rates.stock).toEqual({ maker: 0, taker: 0 });
    expect(rates.crypto).toEqual({ maker: 0.0015, taker: 0.0025 });
    const legacy = feeRates(config({ feesBps: 10 }).sim);
    expect(legacy).toEqual({ crypto: { maker: 0.001, taker: 0.001 }, stock: { maker: 0.001, taker: 0.001 } });
    const fromEnv = resolveConfig({
      env: { WORKSTEAL_SIM_FEES_BPS: '7', WORKSTEAL_SIM_FEES_STOCK_TAKER_BPS: '0.3' },
    });
    expect(fromEnv.config.sim.feesBps).toBe(7);
    expect(fromEnv.config.sim.fees.stock.takerBps).toBe(0.3);
  });

  it.each([
    [{ fillRule: 'queue' }, 'sim.fillRule'],
    [{ fillThroughBps: -1 }, 'sim.fillThroughBps'],
    [{ fees: { crypto: { makerBps: -1 } } }, 'sim.fees.crypto.makerBps'],
    [{ fees: { stock: { rebateBps: 1 } } }, 'sim.fees.stock'],
  ])('bad cost key %j is an error naming it', (sim, key) => {
    let error: unknown;
    try {
      resolveConfig({ layers: [{ source: 'my.yaml', values: { sim } }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.where).toBe(
      `my.yaml: ${key}${key === 'sim.fees.stock' ? '.rebateBps' : ''}`,
    );
  });
});

describe('sim.fillRule (hand-made CSV)', () => {
  const touch = { 2: [100.2, 100.3, 100, 100.1], 3: [100.1, 100.2, 99.97, 100] };

  it('touch fills when the bar reaches the limit', async () => {
    const out = await run(touch);
    expect(out.trades[0]?.entryTime).toBe(Date.parse('2024-06-01T03:00:00Z'));
  });

  it('through 5 bps fills only when a bar trades 5 bps beyond the limit, at the limit', async () => {
    const out = await run(touch, { fillRule: 'through', fillThroughBps: 5 });
    expect(out.trades).toHaveLength(0);
    const deeper = await run(
      { ...touch, 3: [100.1, 100.2, 99.94, 100] },
      { fillRule: 'through', fillThroughBps: 5 },
    );
    expect(deeper.trades[0]).toMatchObject({
      entryTime: Date.parse('2024-06-01T04:00:00Z'),
      entryPrice: 100,
    });
  });

  it('through never fills where touch does not, and fills at the same price where it does', () => {
    const bar = fc
      .tuple(fc.double({ min: 50, max: 150, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }))
      .chain(([open, range]) =>
        fc.record({
          open: fc.constant(open),
          high: fc.double({ min: open, max: open + range, noNaN: true }),
          low: fc.double({ min: open - range, max: open, noNaN: true }),
        }),
      );
    fc.assert(
      fc.property(
        fc.constantFrom('buy' as const, 'sell' as const),
        fc.double({ min: 50, max: 150, noNaN: true }),
        bar,
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        (side, limit, b, through) => {
          const strict = limitFillPrice(side, limit, b.open, b.high, b.low, through);
          const onTouch = limitFillPrice(side, limit, b.open, b.high, b.low);
          if (!Number.isNaN(strict)) expect(strict).toBe(onTouch);
          if (Number.isNaN(onTouch)) expect(strict).toBeNaN();
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('trim size with its own costs', () => {
  it('frees the excess after its fee and slippage lower capacity (one trim, no dust)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 10_000, noNaN: true }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.constantFrom(0.25, 0.5, 1),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.003, noNaN: true }),
        fc.double({ min: 0, max: 0.003, noNaN: true }),
        (excess, price, requirement, bufferPct, feeRate, slippage) => {
          const q = trimQtyWithCosts({
            excessMargin: excess,
            price,
            requirement,
            bufferPct,
            feeRate,
            slippage,
            positionQty: 1e12,
          });
          const freed = q * price * requirement;
          const capacityLost = (1 - bufferPct) * q * price * (feeRate + slippage);
          expect(freed - capacityLost).toBeCloseTo(excess, 6);
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });
});
