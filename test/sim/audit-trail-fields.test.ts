import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { runSimulation, type SimulationResult } from '../../src/sim/run.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, type Bar } from '../support/bars.js';
import { CRYPTO_FILES, STOCK_FILES, loadReal } from '../support/marketdata.js';

/**
 * What `simulate --json` keeps for an audit (docs/cli.md): per trade the entry limit as placed, the
 * take-profit limit, the liquidity role of each fill; per decision the request's limit, quantity and validity.
 */
const H = 3_600_000;
const T0 = Date.parse('2024-06-01T00:00:00Z'); // a Saturday: crypto only
const bar = (i: number, o: number, h: number, l: number, c: number): Bar => ({ t: T0 + i * H, o, h, l, c });

const config = (timeStopHours: number) =>
  resolveConfig({
    layers: [
      {
        source: 'test',
        values: { sim: { initialEquity: 10_000, orderFraction: 0.5, timeStopHours, slippageBps: 0 } },
      },
    ],
  }).config;

const signal: ExternalSignal = {
  time: T0 + H,
  symbol: 'BTCUSD',
  side: 'buy',
  entry: 100,
  takeProfit: 110,
  expectedPnl: 10,
  validUntil: T0 + 48 * H,
};

describe('audit trail of simulated trades and decisions', () => {
  it('hand-made: a gap through the limit and through the take-profit are both taker fills', () => {
    const bars = [
      bar(0, 100.2, 100.3, 100.1, 100.2), // decision at its close: buy limit 100 rests
      bar(1, 99, 99.5, 98.5, 99.2), // opens below the limit: fills at the open 99, taker
      bar(2, 112, 113, 111, 112.5), // take-profit 110 armed at bar 1's close: opens above it, fills at 112
    ];
    const out = simulate({
      series: [series('BTCUSD', 'crypto', bars)],
      config: config(0),
      calendar: nyseCalendar(),
      signals: [signal],
    });
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]).toMatchObject({
      entryPrice: 99,
      entryLimit: 100,
      exitPrice: 112,
      takeProfit: 110,
      exitReason: 'take-profit',
      entryRole: 'taker',
      exitRole: 'taker',
    });
    const placed = out.decisions.find((d) => d.action === 'place')!;
    expect(placed).toMatchObject({ limitPrice: 100, validUntil: T0 + 48 * H });
    expect(placed.qty).toBe(out.trades[0]!.qty);
  });

  it("hand-made: a trade's times are the closes of the bars it filled in (a time stop: the next bar's open)", () => {
    const bars = [
      bar(0, 100.2, 100.3, 100.1, 100.2),
      bar(1, 100.1, 100.4, 99.8, 100.2), // reaches 100: a maker fill at the limit, stamped at this bar's close
      ...[2, 3, 4].map((i) => bar(i, 100.5, 101, 100.2, 100.6)),
      bar(5, 101.5, 102, 101, 101.8), // the 3 h time stop, due at bar 4's close, leaves at this bar's open
      bar(6, 101.8, 101.9, 101.7, 101.8),
    ];
    const out = simulate({
      series: [series('BTCUSD', 'crypto', bars)],
      config: config(3),
      calendar: nyseCalendar(),
      signals: [signal],
    });
    const t = out.trades[0]!;
    expect(t).toMatchObject({ entryTime: T0 + 2 * H, entryPrice: 100, entryRole: 'maker' });
    // Entered at 02:00 (bar 1's close); due at 05:00 (bar 4's close); made at bar 5's open, stamped at its
    // close: 4 h after the entry (a 72 h time stop on hourly bars is stamped 73 h after its entry).
    expect(t).toMatchObject({
      exitReason: 'time-stop',
      exitTime: T0 + 6 * H,
      exitPrice: 101.5,
      exitRole: 'taker',
    });
  });

  it('real bars (crypto and stocks): every trade and decision carries fields consistent with its fills', async () => {
    const loaded = await loadReal([...CRYPTO_FILES, ...STOCK_FILES]);
    const { result } = runSimulation({
      loaded,
      config: resolveConfig({}).config,
      calendar: nyseCalendar(),
      from: Date.parse('2024-03-01T00:00:00Z'),
      to: Date.parse('2024-05-01T00:00:00Z'),
    });
    const json = JSON.parse(JSON.stringify(result)) as SimulationResult;
    expect(json.trades.length).toBeGreaterThan(30);
    const roles = new Set<string>();
    for (const t of json.trades) {
      // Flat rows: numbers and strings only.
      for (const v of Object.values(t)) expect(['number', 'string']).toContain(typeof v);
      // The gap rule: a buy fills at min(limit, open), a taker exactly when it filled below its limit.
      expect(t.side).toBe('buy');
      expect(t.entryPrice).toBeLessThanOrEqual(t.entryLimit);
      expect(t.entryRole).toBe(t.entryPrice < t.entryLimit ? 'taker' : 'maker');
      if (t.exitReason === 'take-profit') {
        expect(t.exitPrice).toBeGreaterThanOrEqual(t.takeProfit);
        expect(t.exitRole).toBe(t.exitPrice > t.takeProfit ? 'taker' : 'maker');
      } else expect(t.exitRole).toBe('taker');
      roles.add(`${t.entryRole}/${t.exitRole}`);
    }
    expect(roles.size).toBeGreaterThan(1);
    const filled = new Map<string, { limit: number; qty: number }>();
    for (const t of json.trades) {
      const f = filled.get(t.entryOrderId) ?? { limit: t.entryLimit, qty: 0 };
      f.qty += t.qty;
      filled.set(t.entryOrderId, f);
    }
    let joined = 0;
    for (const d of json.decisions) {
      if (d.action.startsWith('deleverage')) {
        expect([d.limitPrice, d.qty, d.validUntil]).toEqual([null, null, null]);
        continue;
      }
      expect(d.limitPrice).toBeGreaterThan(0);
      expect(d.qty).toBeGreaterThan(0);
      expect(d.validUntil).toBeGreaterThan(Date.parse(d.time));
      if (d.value?.request) expect(d.value.request.validUntil).toBe(d.validUntil);
      const f = d.orderId === null ? undefined : filled.get(d.orderId);
      if (!f) continue;
      // The order the decision placed is the one the trades filled: its limit, its whole quantity.
      joined++;
      expect(f.limit).toBe(d.limitPrice);
      expect(f.qty).toBeCloseTo(d.qty!, 9);
    }
    expect(joined).toBeGreaterThan(30);
  }, 120_000);
});
