import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newYorkDay, nyseCalendar, stockSessionAt } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate, type LimitFill } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { loadCsvBars, type CsvBar } from './support/csv-bars.js';
import { generateMarket, honestyConfigArb, marketSpecArb, STARTS } from './support/generated-market.js';

/**
 * With `extendedHours` a stock limit works as Alpaca works what src/brokers/alpaca/broker.ts placeLimit sends
 * (README "The model: assumptions and limits"): placed in the regular session it is GTC and works in
 * regular-session bars only; placed in the pre-market or after-hours session it is a DAY limit with extended
 * hours that works in that trading day's sessions and lapses at 20:00 New York. Hand-made AAPL bars in June
 * 2024 (EDT, UTC−4: the session is 13:30–20:00 UTC, after-hours until 00:00 UTC).
 */
const calendar = nyseCalendar();
const flat = (t: string, p: number): CsvBar => [t, p, p, p, p];

async function run(bars: CsvBar[], signal: ExternalSignal) {
  const series = await loadCsvBars({ AAPL: bars });
  const { config } = resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          extendedHours: true,
          sim: { initialEquity: 10_000, orderFraction: 0.5, timeStopHours: 0 },
        },
      },
    ],
  });
  const fills: LimitFill[] = [];
  const out = simulate({
    series,
    config,
    calendar,
    signals: [signal],
    assertInvariants: true,
    onLimitFill: (f) => fills.push(f),
  });
  return { out, fills };
}

const buyAt100 = (time: string, takeProfit = 110): ExternalSignal => ({
  time: Date.parse(time),
  symbol: 'AAPL',
  side: 'buy',
  entry: 100,
  takeProfit,
  expectedPnl: 10,
  validUntil: Date.parse('2024-06-20T00:00:00Z'),
});

describe('stock limits with extended hours work as Alpaca works them', () => {
  it('one placed after hours lapses at 20:00 New York: it never fills the next day, and is asked again', async () => {
    const { out } = await run(
      [
        flat('2024-06-03T19:00:00', 100.3), // closes 20:00 UTC = 16:00 New York: the buy goes out after hours
        flat('2024-06-03T20:00:00', 100.3),
        flat('2024-06-03T21:00:00', 100.3),
        ['2024-06-04T08:00:00', 100.3, 100.3, 99, 100.3], // 04:00 pre-market: reaches 100, but it lapsed
        flat('2024-06-04T09:00:00', 100.3),
        flat('2024-06-04T14:00:00', 100.3),
      ],
      buyAt100('2024-06-03T20:00:00Z'),
    );
    expect(out.trades).toEqual([]);
    // The lapse freed the symbol: its watcher asked again at its next price (05:00 New York, a new DAY order).
    const places = out.decisions
      .filter((d) => d.action === 'place')
      .map((d) => new Date(d.time).toISOString());
    expect(places).toEqual(['2024-06-03T20:00:00.000Z', '2024-06-04T09:00:00.000Z']);
  });

  it('one placed in the pre-market fills in that day’s regular session', async () => {
    const { out } = await run(
      [
        flat('2024-06-04T11:00:00', 100.3), // closes 12:00 UTC = 08:00 New York: a DAY order with extended hours
        flat('2024-06-04T12:00:00', 100.3),
        ['2024-06-04T14:00:00', 100.3, 100.4, 99.5, 100.2], // 10:00 New York, regular: fills at 100
        ['2024-06-04T15:00:00', 100.2, 111, 100, 110.5], // the take-profit (GTC, armed at 11:00) fills
        flat('2024-06-04T16:00:00', 110.5),
      ],
      buyAt100('2024-06-04T12:00:00Z'),
    );
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]).toMatchObject({
      entryTime: Date.parse('2024-06-04T15:00:00Z'),
      entryPrice: 100,
      exitTime: Date.parse('2024-06-04T16:00:00Z'),
      exitPrice: 110,
      exitReason: 'take-profit',
    });
  });

  it('a take-profit armed after hours lapses at 20:00 and is armed again at the next price', async () => {
    const { out, fills } = await run(
      [
        flat('2024-06-03T19:00:00', 100.3), // the buy goes out at 16:00 New York (after hours, DAY)
        ['2024-06-03T20:00:00', 100.3, 100.3, 99.5, 100.1], // after hours: the entry fills at 100
        flat('2024-06-03T21:00:00', 100.1), // the take-profit at 110 was armed at 17:00 New York (DAY)
        // 04:00 pre-market: reaches 110, but the take-profit lapsed at 20:00; at this bar's close (05:00 New
        // York, the symbol's next price) it is armed again, a DAY order of 2024-06-04
        ['2024-06-04T08:00:00', 100.1, 111, 100, 100.2],
        flat('2024-06-04T09:00:00', 100.2),
        ['2024-06-04T10:00:00', 100.2, 111, 100, 110.5], // 06:00 pre-market: the new take-profit fills
        flat('2024-06-04T11:00:00', 110.5),
      ],
      buyAt100('2024-06-03T20:00:00Z'),
    );
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]).toMatchObject({
      entryTime: Date.parse('2024-06-03T21:00:00Z'),
      entryPrice: 100,
      exitTime: Date.parse('2024-06-04T11:00:00Z'),
      exitPrice: 110,
      exitReason: 'take-profit',
    });
    expect(fills.map((f) => [f.role, new Date(f.placedAt).toISOString()])).toEqual([
      ['entry', '2024-06-03T20:00:00.000Z'],
      ['take-profit', '2024-06-04T09:00:00.000Z'],
    ]);
  });
});

/**
 * The rule, stated apart from the code that applies it: a stock limit placed while the regular session is
 * open fills only in a bar that opens in a regular session; one placed in the pre-market or after-hours
 * session only in a bar that opens in a session (extended or regular) of the same New York day, before
 * 20:00 there; none is placed outside every session; none fills in a bar that opened before it was placed.
 */
function ruleBroken(f: LimitFill, stock: boolean, extendedHours: boolean): string | null {
  if (!stock) return null;
  const placed = stockSessionAt(f.placedAt, calendar);
  const bar = stockSessionAt(f.barOpen, calendar);
  const at = `${f.symbol} ${f.role} placed ${new Date(f.placedAt).toISOString()} filled in the bar of ${new Date(f.barOpen).toISOString()}`;
  if (f.barOpen < f.placedAt) return `${at}: the bar opened before the order`;
  if (!extendedHours || placed === 'regular')
    return bar === 'regular' ? null : `${at}: a GTC limit outside the regular session`;
  if (placed === 'closed') return `${at}: placed outside every session`;
  if (bar === 'closed') return `${at}: a bar outside every session`;
  return newYorkDay(f.barOpen) === newYorkDay(f.placedAt) ? null : `${at}: a DAY limit on a later day`;
}

describe('property: no stock fill in a bar its order kind does not work in', () => {
  it('holds on generated markets under random configurations, extended hours on and off', () => {
    let stockFills = 0;
    let extendedPlaced = 0;
    fc.assert(
      fc.property(marketSpecArb, honestyConfigArb, (spec, values) => {
        const { series, signals } = generateMarket(spec);
        const config = resolveConfig({ layers: [{ source: 'test', values }] }).config;
        const stock = new Set(series.filter((s) => s.assetClass === 'stock').map((s) => s.symbol));
        const broken: string[] = [];
        simulate({
          series,
          config,
          calendar,
          signals,
          // The books agree at every step: no order rests past its lapse, the ledger frees what lapsed, and
          // each resting entry has the one watcher that placed it (sim-invariants.ts).
          assertInvariants: true,
          onLimitFill: (f) => {
            if (!stock.has(f.symbol)) return;
            stockFills++;
            if (stockSessionAt(f.placedAt, calendar) === 'extended') extendedPlaced++;
            const why = ruleBroken(f, true, config.extendedHours);
            if (why) broken.push(why);
          },
        });
        expect(broken).toEqual([]);
      }),
      { seed: 20261207, numRuns: 200 },
    );
    // The property saw stock fills, some of orders placed outside the regular session.
    expect(stockFills).toBeGreaterThan(50);
    expect(extendedPlaced).toBeGreaterThan(5);
  });
});

describe('the onLimitFill hook (SimInput): what each limit fill was, and no effect on the run', () => {
  it('tells each fill as the trades book it, and a hook that scribbles on what it gets changes nothing', () => {
    const run = (onLimitFill?: (f: LimitFill) => void) => {
      const { series, signals } = generateMarket({
        start: STARTS[1],
        days: 10,
        symbols: [
          { assetClass: 'stock', layout: 'extended', volatility: 0.01, gapChance: 0.1 },
          { assetClass: 'stock', layout: 'every-hour', volatility: 0.03, gapChance: 0 },
          { assetClass: 'crypto', layout: 'regular', volatility: 0.01, gapChance: 0 },
        ],
        signalsPerSymbol: 30,
        seed: 3701,
      });
      const config = resolveConfig({ layers: [{ source: 'test', values: { extendedHours: true } }] }).config;
      return simulate({ series, config, calendar, signals, ...(onLimitFill ? { onLimitFill } : {}) });
    };
    const fills: LimitFill[] = [];
    const told = run((f) => {
      fills.push({ ...f });
      // A careless hook: what it gets is a copy.
      Object.assign(f as { price: number; qty: number; placedAt: number }, { price: 0, qty: 0, placedAt: 0 });
    });
    const alone = run();
    expect(told.trades).toEqual(alone.trades);
    expect(told.equity).toEqual(alone.equity);
    expect(told.decisions).toEqual(alone.decisions);
    // Every closed trade's entry and take-profit exit is a fill the hook was told, at its time and price.
    const key = (symbol: string, role: string, time: number, price: number, qty: number) =>
      `${symbol} ${role} ${time} ${price} ${qty}`;
    const toldKeys = new Set(fills.map((f) => key(f.symbol, f.role, f.time, f.price, f.qty)));
    const booked = alone.trades.flatMap((t) => [
      key(t.symbol, 'entry', t.entryTime, t.entryPrice, t.qty),
      ...(t.exitReason === 'take-profit'
        ? [key(t.symbol, 'take-profit', t.exitTime, t.exitPrice, t.qty)]
        : []),
    ]);
    expect(booked.length).toBeGreaterThan(10);
    for (const b of booked) expect(toldKeys.has(b), b).toBe(true);
    for (const f of fills) expect(f.barOpen).toBeLessThan(f.time);
  });
});
