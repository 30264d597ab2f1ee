import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { summarize } from '../../src/sim/metrics.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, type Bar } from '../support/bars.js';

const H = 3_600_000;
const bar = (day: string, h: number, o: number, hi: number, lo: number, c: number): Bar => ({
  t: Date.parse(`${day}T00:00:00Z`) + h * H,
  o,
  h: hi,
  l: lo,
  c,
});
/** Monday's regular-session hourly bars (EDT, 13:30Z–20:00Z), flat at 100, up to the bar opening at `last`. */
const monday = (last = 19.5): Bar[] =>
  [13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5]
    .filter((h) => h <= last)
    .map((h) => bar('2024-06-03', h, 100, 100, 100, 100));

const signal = (symbol: string): ExternalSignal => ({
  time: Date.parse('2024-06-03T14:30:00Z'),
  symbol,
  side: 'buy',
  entry: 100,
  takeProfit: 200,
  expectedPnl: 1,
  validUntil: Date.parse('2024-06-30T00:00:00Z'),
});

const config = (stopLossPct: number) =>
  resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          patternDayTrader: true,
          marginRatePerYear: 0,
          sim: {
            initialEquity: 30_000,
            orderFraction: 0.8,
            feesBps: 0,
            slippageBps: 0,
            stopLossPct,
            timeStopHours: 0,
          },
        },
      },
    ],
  }).config;

function owedTrimThenStop() {
  // Three stocks of 240 shares at 100 (72,000 at 4x on 30,000). At the close 2x asks for 36,000 of margin
  // on 30,000: 120 shares must go, from AAA (no loss anywhere: the first symbol), but no stock has a bar
  // after 18:30 (a stock with one would be trimmed first), so the trim waits for Tuesday's first bar. That bar opens at 100 and falls to 80 through AAA's 5% stop (95): the trim sells 120 at the
  // open, and the 120 left keep their stop: seen at that bar's close, they leave at the next bar's open (80),
  // as the session's exit watcher does live (src/session/exits.ts, stopReached).
  const tuesdayAAA = [
    bar('2024-06-04', 13.5, 100, 100, 80, 80),
    bar('2024-06-04', 14.5, 80, 80, 80, 80),
    bar('2024-06-04', 15.5, 80, 80, 80, 80),
  ];
  const tuesdayFlat = [13.5, 14.5, 15.5].map((h) => bar('2024-06-04', h, 100, 100, 100, 100));
  return simulate({
    series: [
      series('AAA', 'stock', [...monday(17.5), ...tuesdayAAA]),
      series('BBB', 'stock', [...monday(17.5), ...tuesdayFlat]),
      series('CCC', 'stock', [...monday(17.5), ...tuesdayFlat]),
    ],
    config: config(0.05),
    calendar: nyseCalendar(),
    signals: ['AAA', 'BBB', 'CCC'].map(signal),
    assertInvariants: true,
  });
}

/** The same three positions, the data ending at Monday's close: AAA trimmed at the close, then end of data. */
function trimAtTheLastClose() {
  return simulate({
    series: ['AAA', 'BBB', 'CCC'].map((s) => series(s, 'stock', monday())),
    config: config(0),
    calendar: nyseCalendar(),
    signals: ['AAA', 'BBB', 'CCC'].map(signal),
    assertInvariants: true,
  });
}

describe('a trim owed from the close, carried out at the next open', () => {
  it('leaves the rest of the position under its stop, seen at the close of the bar the trim trades in', () => {
    const out = owedTrimThenStop();
    const aaa = out.trades.filter((t) => t.symbol === 'AAA');
    const firstBarClose = Date.parse('2024-06-04T14:30:00Z');
    const secondBarClose = Date.parse('2024-06-04T15:30:00Z');
    expect(aaa.map((t) => [t.exitReason, t.qty, t.exitPrice, t.exitTime])).toEqual([
      ['deleverage', 120, 100, firstBarClose],
      ['stop', 120, 80, secondBarClose],
    ]);
  });

  it('the trim and the stop are two exits in the summary, as in the trade list', () => {
    const out = owedTrimThenStop();
    const s = summarize(out);
    // AAA: a losing-nothing trim and a losing stop; BBB and CCC: one end-of-data exit each.
    expect(out.trades).toHaveLength(4);
    expect(s.trades).toBe(4);
    expect(s.winRate).toBe(0);
  });
});

describe('a trim at the last close and the end of data', () => {
  it('are two exits of one position at one time in the summary, as in the trade list', () => {
    const out = trimAtTheLastClose();
    const close = Date.parse('2024-06-03T20:00:00Z');
    const aaa = out.trades.filter((t) => t.symbol === 'AAA');
    expect(aaa.map((t) => [t.exitReason, t.qty, t.exitTime])).toEqual([
      ['deleverage', 120, close],
      ['end-of-data', 120, close],
    ]);
    expect(out.trades).toHaveLength(4);
    expect(summarize(out).trades).toBe(4);
  });
});
