import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import { AlertMonitor, postWebhook, type Alert } from '../../src/live/alerts.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { roleOfClientId, takeProfitId } from '../../src/ports/order-ids.js';
import { CsvSignals, ForecasterSignals } from '../../src/live/signals-source.js';
import { entryQty, roundLimit } from '../../src/session/sizing.js';
import { ReplayMarketData } from '../../src/live/replay-broker.js';
import { BarVenue } from '../../src/live/venue.js';
import { replayVenue } from '../../src/live/launch.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { forecastSignals } from '../../src/sim/signals/forecaster.js';
import { series, type Bar } from '../support/bars.js';
import { loadReal } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const H = 3_600_000;
const T0 = Date.parse('2024-06-01T00:00:00Z'); // Saturday

describe('alerts', () => {
  const cfg = { stealSuccessBelow: 0.5, blockRateAbove: 0.5, minDecisions: 4, window: 4 };

  it('raise once when a rate crosses its threshold, and note the recovery', () => {
    const raised: Alert[] = [];
    const resolved: string[] = [];
    const m = new AlertMonitor(cfg, { raise: (a) => raised.push(a), resolve: (k) => resolved.push(k) });
    for (let i = 0; i < 3; i++) {
      m.observeDecision(true, true);
      m.evaluate(i);
    }
    expect(raised).toHaveLength(0); // fewer than minDecisions
    m.observeDecision(true, true);
    m.evaluate(3);
    expect(raised.map((a) => a.kind).sort()).toEqual(['block-rate-high', 'steal-success-low']);
    m.observeDecision(true, true);
    m.evaluate(4);
    expect(raised).toHaveLength(2); // edge-triggered: still crossed, no repeat
    for (let i = 0; i < 4; i++) {
      m.observeDecision(false, true);
      m.observeSteal();
      m.evaluate(5 + i);
    }
    expect(resolved.sort()).toEqual(['block-rate-high', 'steal-success-low']);
    expect(m.rates()).toEqual({ decisions: 4, blockRate: 0, stealSuccess: 1 });
  });

  it('post to the webhook as JSON, and name only the host when it fails', async () => {
    const got: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push(JSON.parse(body));
        res.writeHead(req.url === '/fail/secret-token' ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const alert: Alert = {
      kind: 'block-rate-high',
      value: 0.9,
      threshold: 0.5,
      decisions: 10,
      at: T0,
      message: 'm',
    };
    try {
      await postWebhook(`${base}/ok`, alert);
      expect(got[0]).toMatchObject({
        source: 'worksteal',
        kind: 'block-rate-high',
        at: '2024-06-01T00:00:00.000Z',
      });
      const error = await postWebhook(`${base}/fail/secret-token`, alert).catch((e: Error) => e);
      expect(String(error)).toMatch(/alert webhook at 127\.0\.0\.1:\d+ answered 500/);
      expect(String(error)).not.toContain('secret-token');
    } finally {
      server.close();
    }
  });
});

describe('signals', () => {
  it('a signals CSV is re-read when it changes; a bad version is reported and the last good one kept', async () => {
    const path = join(dir, 'signals.csv');
    const header = 'time,symbol,side,entry,take_profit,expected_pnl,valid_until';
    const iso = (t: number): string => new Date(t).toISOString();
    writeFileSync(path, `${header}\n${iso(T0)},BTCUSD,buy,100,110,5,${iso(T0 + 10 * H)}\n`);
    const sink = new MemorySink();
    const csv = await CsvSignals.open(path, new Logger([sink]));
    try {
      expect(csv.current('BTC/USD', T0 + H)).toMatchObject({ entry: 100, takeProfit: 110, expectedPnl: 5 });
      expect(csv.current('BTC/USD', T0 - 1)).toBeNull(); // not known yet
      writeFileSync(
        path,
        `${header}\n${iso(T0)},BTCUSD,buy,100,110,5,${iso(T0 + 10 * H)}\n${iso(T0 + 2 * H)},BTC/USD,buy,98,108,7,${iso(T0 + 10 * H)}\n`,
      );
      await csv.refresh();
      expect(csv.current('BTCUSD', T0 + 3 * H)).toMatchObject({ entry: 98 });
      const used = csv.current('BTCUSD', T0 + 3 * H)!;
      csv.consume('BTCUSD', used.key);
      expect(csv.current('BTCUSD', T0 + 3 * H)).toBeNull(); // a signal is traded once
      writeFileSync(path, `${header}\n${iso(T0)},BTCUSD,hold,100,110,5,${iso(T0 + 10 * H)}\n`);
      await csv.refresh();
      expect(sink.lines.some((l) => /signals-file-rejected.*side: must be buy or sell/.test(l))).toBe(true);
      expect(csv.current('BTCUSD', T0 + H)).toMatchObject({ entry: 100 }); // the last good file still rules
    } finally {
      csv.close();
    }
  });

  it('the forecaster on a window of live bars gives exactly the values of a full-history run', async () => {
    const [sol] = await loadReal(['binance-spot-yanniedog/SOLUSDT_1h.csv']);
    const s = sol!.series;
    const cfg = DEFAULT_CONFIG.sim.forecaster;
    const full = forecastSignals(s.high, s.low, s.close, cfg, 0);
    const venueTime = { t: 0 };
    const venue = new BarVenue({
      series: [s],
      calendar: nyseCalendar(),
      cash: 1,
      feeRate: 0,
      patternDayTrader: false,
      margin: DEFAULT_CONFIG.margin,
      now: () => venueTime.t,
    });
    const source = new ForecasterSignals(new ReplayMarketData(venue), cfg);
    let compared = 0;
    for (let i = 20_000; i < 20_000 + 48 * 4; i += 4) {
      venueTime.t = s.time[i]! + s.intervalMs; // bar i has just closed
      await source.refresh(venueTime.t, [s.symbol]);
      const got = source.current(s.symbol, venueTime.t);
      // A held signal lasts validBars; compare at the bars where a fresh one was taken.
      if (got && got.key === `${s.symbol}@${s.time[i]}`) {
        expect(got.entry).toBe(full.entry[i]);
        expect(got.takeProfit).toBe(full.takeProfit[i]);
        compared++;
      }
      if (got) source.consume(s.symbol, got.key);
    }
    expect(compared).toBeGreaterThan(10);
  });
});

describe('the replay venue fills by the simulator’s rules', () => {
  const bar = (i: number, o: number, h: number, l: number, c: number): Bar => ({ t: T0 + i * H, o, h, l, c });

  function venueOver(bars: Bar[]) {
    const time = { t: T0 + H };
    const venue = new BarVenue({
      series: [series('BTCUSD', 'crypto', bars)],
      calendar: nyseCalendar(),
      cash: 10_000,
      feeRate: 0,
      patternDayTrader: false,
      margin: DEFAULT_CONFIG.margin,
      now: () => time.t,
    });
    return { venue, time };
  }

  it('not in the bar it was placed at the close of; in a later bar at the limit; through a gap at the open', () => {
    const { venue, time } = venueOver([
      bar(0, 101, 101, 99, 100.2), // touches 100 before the order exists
      bar(1, 100.2, 100.6, 100.01, 100.3), // does not reach 100
      bar(2, 97, 98, 96, 97.5), // gaps through 100: fills at the open
    ]);
    const placed = venue.place({
      clientOrderId: 'a',
      symbol: 'BTCUSD',
      side: 'buy',
      role: 'entry',
      limitPrice: 100,
      qty: 1,
    });
    if (!placed.ok) throw new Error(placed.reason);
    time.t = T0 + 2 * H;
    expect(venue.order(placed.order.id)!.status).toBe('open');
    time.t = T0 + 3 * H;
    expect(venue.order(placed.order.id)).toMatchObject({ status: 'filled', fillPrice: 97 });
    expect(venue.positions()).toEqual([{ symbol: 'BTCUSD', assetClass: 'crypto', qty: 1, price: 97.5 }]);
    expect(venue.account()).toMatchObject({ equity: 10_000 + 0.5, cash: 10_000 - 97 });
  });

  it('fills only through the limit under sim.fillRule "through", as the simulator does', () => {
    const bars = [
      bar(0, 101, 101, 100.5, 100.8),
      bar(1, 100.8, 101, 100, 100.4), // touches 100 exactly
      bar(2, 100.4, 100.5, 99.85, 100.1), // 15 bps through 100
    ];
    const statusAfter = (fillRule: 'touch' | 'through'): string[] => {
      const { config } = resolveConfig({
        layers: [{ source: 'test', values: { sim: { fillRule, fillThroughBps: 10 } } }],
      });
      const time = { t: T0 + H };
      const venue = replayVenue(config, [series('BTCUSD', 'crypto', bars)], () => time.t, 'fr');
      const placed = venue.place({
        clientOrderId: 'a',
        symbol: 'BTCUSD',
        side: 'buy',
        role: 'entry',
        limitPrice: 100,
        qty: 1,
      });
      if (!placed.ok) throw new Error(placed.reason);
      const seen: string[] = [];
      for (const k of [2, 3]) {
        time.t = T0 + k * H;
        seen.push(venue.order(placed.order.id)!.status);
      }
      return seen;
    };
    expect(statusAfter('touch')).toEqual(['filled', 'filled']);
    expect(statusAfter('through')).toEqual(['open', 'filled']);
  });

  it('a sell (take-profit) fills at max(limit, open)', () => {
    const { venue, time } = venueOver([
      bar(0, 100, 100, 100, 100),
      bar(1, 100, 104, 99, 103),
      bar(2, 106, 107, 105, 106),
    ]);
    const tp = venue.place({
      clientOrderId: 'tp',
      symbol: 'BTCUSD',
      side: 'sell',
      role: 'take-profit',
      limitPrice: 103,
      qty: 1,
    });
    if (!tp.ok) throw new Error(tp.reason);
    time.t = T0 + 2 * H;
    expect(venue.order(tp.order.id)).toMatchObject({ status: 'filled', fillPrice: 103 });
  });

  it('quotes say when their price was made: the close of the bar they come from', () => {
    const { venue, time } = venueOver([bar(0, 100, 100, 100, 100), bar(1, 100, 101, 99, 101)]);
    time.t = T0 + H + 30 * 60_000;
    expect(venue.quote('BTCUSD')).toEqual({ bid: 100, ask: 100, time: T0 + H });
  });

  it('a market order fills at the open of the next bar, a market-on-close at the close of the bar closing now', () => {
    const { venue, time } = venueOver([
      bar(0, 100, 100, 100, 100),
      bar(1, 100, 102, 99, 101),
      bar(2, 103, 104, 102, 103.5),
    ]);
    const buy = venue.place({
      clientOrderId: 'b',
      symbol: 'BTCUSD',
      side: 'buy',
      role: 'entry',
      limitPrice: 101,
      qty: 2,
    });
    if (!buy.ok) throw new Error(buy.reason);
    time.t = T0 + 2 * H; // bar 1 closed: the buy filled at 100 (its open)
    const exit = venue.placeMarket({
      clientOrderId: 'x',
      symbol: 'BTCUSD',
      side: 'sell',
      role: 'exit',
      qty: 1,
    });
    if (!exit.ok) throw new Error(exit.reason);
    expect(exit.order.status).toBe('open'); // no price after now is known yet
    const trim = venue.placeMarket({
      clientOrderId: 'm',
      symbol: 'BTCUSD',
      side: 'sell',
      role: 'exit',
      qty: 1,
      atClose: true,
    });
    expect(trim.ok && trim.order).toMatchObject({ status: 'filled', fillPrice: 101 }); // bar 1 closes now
    time.t = T0 + 3 * H;
    expect(venue.order(exit.order.id)).toMatchObject({ status: 'filled', fillPrice: 103 }); // bar 2's open
  });

  it('a stock trades only in session bars unless extended hours: no fill in a pre-market bar', () => {
    // 2024-03-05: 13:00 UTC is 08:00 New York (pre-market), 15:00 UTC is 10:00 (session).
    const day = Date.parse('2024-03-05T13:00:00Z');
    const bars: Bar[] = [0, 1, 2].map((i) => ({ t: day + i * H, o: 100, h: 101, l: 95, c: 100 }));
    for (const extendedHours of [false, true]) {
      const time = { t: day + H };
      const venue = new BarVenue({
        series: [series('AAPL', 'stock', bars)],
        calendar: nyseCalendar(),
        cash: 10_000,
        feeRate: 0,
        patternDayTrader: false,
        margin: DEFAULT_CONFIG.margin,
        extendedHours,
        now: () => time.t,
      });
      const placed = venue.place({
        clientOrderId: 'a',
        symbol: 'AAPL',
        side: 'buy',
        role: 'entry',
        limitPrice: 96,
        qty: 1,
      });
      if (!placed.ok) throw new Error(placed.reason);
      time.t = day + 2 * H; // the 09:00–10:00 bar opened before the session: not a session bar
      expect(venue.order(placed.order.id)!.status).toBe(extendedHours ? 'filled' : 'open');
      time.t = day + 3 * H; // 10:00–11:00, in the session
      expect(venue.order(placed.order.id)!.status).toBe('filled');
    }
  });

  it('charges margin interest on the overnight debit once per day, as the simulator does', () => {
    const bars: Bar[] = [0, 24, 48].map((i) => bar(i, 100, 100, 100, 100));
    const time = { t: T0 + H };
    const venue = new BarVenue({
      series: [series('BTCUSD', 'crypto', bars)],
      calendar: nyseCalendar(),
      cash: 1_000,
      feeRate: 0,
      patternDayTrader: false,
      margin: DEFAULT_CONFIG.margin,
      marginRatePerYear: 0.072,
      now: () => time.t,
    });
    venue.advance();
    const placed = venue.place({
      clientOrderId: 'a',
      symbol: 'BTCUSD',
      side: 'buy',
      role: 'entry',
      limitPrice: 100,
      qty: 20,
    });
    if (!placed.ok) throw new Error(placed.reason);
    venue.fillNow(placed.order.id, 100); // 2,000 long on 1,000 of equity: a 1,000 debit
    time.t = T0 + 49 * H; // two days later
    expect(venue.account().cash).toBeCloseTo(1_000 - 2_000 - 2 * 1_000 * (0.072 / 360), 9);
  });
});

describe('order ids and sizes', () => {
  it('roles come from our client order ids; anything else is external', () => {
    expect(roleOfClientId('ws-abc-12')).toBe('entry');
    expect(roleOfClientId(takeProfitId('abc', 3))).toBe('take-profit');
    expect(roleOfClientId('my-own-order')).toBeNull();
  });

  it('stocks trade whole shares at cents, crypto fractions; buy limits round down, sells up', () => {
    expect(entryQty('stock', 4500, 170.7)).toBe(26);
    expect(entryQty('crypto', 4500, 129.48)).toBeCloseTo(34.754402, 6);
    expect(roundLimit('stock', 'buy', 170.7399)).toBe(170.73);
    expect(roundLimit('stock', 'sell', 170.7301)).toBe(170.74);
    expect(roundLimit('stock', 'buy', 0.123456)).toBe(0.1234);
    expect(roundLimit('crypto', 'buy', 20.0361589)).toBe(20.03615);
    expect(roundLimit('crypto', 'sell', 63_123.456)).toBe(63_123.46);
  });
});
