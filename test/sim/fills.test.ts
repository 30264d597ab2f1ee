import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { CRYPTO_FILES, loadReal } from '../support/marketdata.js';
import { series, type Bar } from '../support/bars.js';

const H = 3_600_000;
const T0 = Date.parse('2024-06-01T00:00:00Z'); // a Saturday: crypto only, no session

function cfg(values: Record<string, unknown> = {}) {
  return resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          sim: { initialEquity: 10_000, orderFraction: 0.5, feesBps: 0, timeStopHours: 0 },
          ...values,
        },
      },
    ],
  }).config;
}

const signal = (over: Partial<ExternalSignal> = {}): ExternalSignal => ({
  time: T0 + H, // known at the close of bar 0
  symbol: 'BTCUSD',
  side: 'buy',
  entry: 100,
  takeProfit: 110,
  expectedPnl: 10,
  validUntil: T0 + 48 * H,
  ...over,
});

const bar = (i: number, o: number, h: number, l: number, c: number): Bar => ({ t: T0 + i * H, o, h, l, c });

describe('fill model (hand-made bars)', () => {
  it('a buy limit never fills unless a later bar reaches it; then at the limit', () => {
    const bars = [
      bar(0, 100.2, 100.3, 100.1, 100.2), // decision at its close (price 100.2 within tolerance): order rests
      bar(1, 100.2, 100.6, 100.01, 100.3), // low above the limit: no fill
      bar(2, 100.3, 100.4, 99.5, 100.0), // reaches 100: fills at 100 (open above the limit)
      bar(3, 100.0, 101, 99.8, 100.5),
    ];
    const out = simulate({
      series: [series('BTCUSD', 'crypto', bars)],
      config: cfg(),
      calendar: nyseCalendar(),
      signals: [signal()],
    });
    expect(out.decisions[0]).toMatchObject({ action: 'place', time: T0 + H });
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]).toMatchObject({
      entryPrice: 100,
      entryTime: T0 + 3 * H,
      exitReason: 'end-of-data',
    });
  });

  it('a bar that touches the limit in the decision bar itself does not fill the order placed at its close', () => {
    const bars = [bar(0, 101, 101, 99, 100.2), bar(1, 100.2, 100.5, 100.1, 100.4)];
    const out = simulate({
      series: [series('BTCUSD', 'crypto', bars)],
      config: cfg(),
      calendar: nyseCalendar(),
      signals: [signal()],
    });
    expect(out.decisions).toHaveLength(1);
    expect(out.trades).toHaveLength(0);
  });

  it('a gap through the limit fills at the open (gap rule), never at the better limit', () => {
    const bars = [bar(0, 100.2, 100.3, 100.1, 100.2), bar(1, 97, 98, 96, 97.5), bar(2, 97.5, 98, 97, 97.8)];
    const out = simulate({
      series: [series('BTCUSD', 'crypto', bars)],
      config: cfg(),
      calendar: nyseCalendar(),
      signals: [signal()],
    });
    expect(out.trades[0]?.entryPrice).toBe(97);
  });

  it('take-profit fills only in bars after the entry bar; a gap up fills at the open', () => {
    const bars = [
      bar(0, 100.2, 100.3, 100.1, 100.2),
      bar(1, 100.2, 115, 99, 112), // entry fills; the high above the TP in the same bar does not count
      bar(2, 112, 112.5, 111, 111.5), // TP armed at bar 1's close: fills in bar 2? high 112.5 ≥ 110 at max(110, open 112)
      bar(3, 111, 111, 111, 111),
    ];
    const out = simulate({
      series: [series('BTCUSD', 'crypto', bars)],
      config: cfg(),
      calendar: nyseCalendar(),
      signals: [signal()],
    });
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]).toMatchObject({
      entryPrice: 100,
      exitPrice: 112,
      exitReason: 'take-profit',
      exitTime: T0 + 3 * H,
    });
  });

  it('fees and slippage: fees on both fills, slippage only on market exits (stop)', () => {
    const bars = [
      bar(0, 100.2, 100.3, 100.1, 100.2),
      bar(1, 100.2, 100.3, 99.9, 100.1),
      bar(2, 100, 100.2, 94, 95), // stop at 5% below 100 = 95 → exit at 95 × (1 − 10 bps)
      bar(3, 95, 95, 95, 95),
    ];
    const config = cfg({
      sim: {
        initialEquity: 10_000,
        orderFraction: 0.5,
        feesBps: 10,
        slippageBps: 10,
        stopLossPct: 0.05,
        timeStopHours: 0,
      },
    });
    const out = simulate({
      series: [series('BTCUSD', 'crypto', bars)],
      config,
      calendar: nyseCalendar(),
      signals: [signal()],
    });
    const t = out.trades[0]!;
    expect(t.exitReason).toBe('stop');
    expect(t.exitPrice).toBeCloseTo(95 * 0.999, 10);
    // The order of 5,000 reserves its own fee: notional + fee = 5,000, in the venue's 1e-6 crypto increment.
    const qty = Math.floor((5_000 / (100 * 1.001)) * 1e6) / 1e6;
    expect(t.fees).toBeCloseTo(qty * 100 * 0.001 + qty * 95 * 0.999 * 0.001, 8);
    expect(t.pnl).toBeCloseTo(qty * (95 * 0.999 - 100) - t.fees, 8);
  });

  it('end of data is a market exit too: the last close less slippage, at the taker fee', () => {
    // Without slippage on it, a run with WORKSTEAL_SIM_SLIPPAGE_BPS=10 closed LINK at exactly its last close.
    const bars = [
      bar(0, 100.2, 100.3, 100.1, 100.2),
      bar(1, 100.2, 100.3, 99.9, 100.1), // entry fills at 100
      bar(2, 100.1, 104, 100, 103),
      bar(3, 103, 104, 102, 103.5), // the last close: still open (take-profit 110 never reached)
    ];
    const config = cfg({
      sim: { initialEquity: 10_000, orderFraction: 0.5, feesBps: 10, slippageBps: 10, timeStopHours: 0 },
    });
    const out = simulate({
      series: [series('BTCUSD', 'crypto', bars)],
      config,
      calendar: nyseCalendar(),
      signals: [signal()],
    });
    const t = out.trades[0]!;
    expect(t).toMatchObject({ exitReason: 'end-of-data', exitTime: T0 + 4 * H });
    expect(t.exitPrice).toBeCloseTo(103.5 * 0.999, 10);
    const qty = Math.floor((5_000 / (100 * 1.001)) * 1e6) / 1e6;
    expect(t.fees).toBeCloseTo(qty * 100 * 0.001 + qty * 103.5 * 0.999 * 0.001, 8);
    // The last equity row is taken after that exit: it holds the slippage.
    expect(out.equity.at(-1)!.equity).toBeCloseTo(10_000 + t.pnl, 8);
  });
});

describe('fill model (real bars)', () => {
  it('every entry fill lies within its bar and at or below the order limit, after the order was placed', async () => {
    const loaded = await loadReal(CRYPTO_FILES);
    const config = resolveConfig().config;
    const out = simulate({
      series: loaded.map((l) => l.series),
      config,
      calendar: nyseCalendar(),
      from: Date.parse('2023-01-01T00:00:00Z'),
      to: Date.parse('2023-04-01T00:00:00Z'),
    });
    expect(out.trades.length).toBeGreaterThan(20);
    const placedAt = new Map(out.decisions.filter((d) => d.orderId).map((d) => [d.orderId!, d.time]));
    for (const t of out.trades) {
      const k = loaded.findIndex((l) => l.series.symbol === t.symbol);
      const s = loaded[k]!.series;
      const ct = out.closeTimes[k]!;
      const i = ct.indexOf(t.entryTime);
      expect(i).toBeGreaterThan(-1);
      // Buy entries: fill = min(limit, open), so low ≤ fill ≤ open, and the bar opened after the decision.
      expect(t.entryPrice).toBeGreaterThanOrEqual(s.low[i]!);
      expect(t.entryPrice).toBeLessThanOrEqual(s.open[i]!);
      expect(s.time[i]!).toBeGreaterThanOrEqual(placedAt.get(t.entryOrderId)!);
    }
  });
});
