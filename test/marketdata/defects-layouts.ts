/**
 * The layouts of ../shared/marketdata/README.md as writers of synthetic bars, for the defect tests: each
 * writes a seeded series with the layout's header, time format, orientation and column order (never real
 * data), so a defect can be put on one row and the load compared with the clean file's.
 */
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { labelledDay } from '../../src/marketdata/daily.js';
import type { loadBars } from '../../src/marketdata/index.js';
import { parseZone } from '../../src/marketdata/timezone.js';

export const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface Bar {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

const ny = parseZone('America/New_York')!;
export const isoUtc = (t: number): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
function offsetText(min: number): string {
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
const withOffset = (t: number, min: number): string => `${isoUtc(t + min * 60_000)}${offsetText(min)}`;

/** How one layout writes a bar; `time` is the only column a time-format defect rewrites. */
export interface Layout {
  name: string;
  file: string;
  header: string | null;
  step: number;
  descending: boolean;
  epoch: 's' | 'ms' | null;
  time: (t: number) => string;
  /** The row's fields; the time field is at index `timeAt`. */
  fields: (b: Bar, time: string) => string[];
  timeAt: number;
  options?: Parameters<typeof loadBars>[1];
  /** Where the loader puts a bar stamped t: a daily stock bar opens at its day's session open (daily.ts). */
  placed?: (t: number) => number;
}

/** A daily stock bar's place: the NYSE session open of the day it is labelled with. */
const sessionOpen = (t: number): number => nyseCalendar().sessionFor(labelledDay(t))!.open;
/** The next UTC date after t that has an NYSE session: daily stock files hold trading days only. */
const nextTradingDay = (t: number): number => {
  let d = t + DAY;
  while (nyseCalendar().sessionFor(labelledDay(d)) === null) d += DAY;
  return d;
};

const f = (x: number): string => String(x);
export const LAYOUTS: Layout[] = [
  {
    name: 'binance-spot (naive UTC)',
    file: 'SOLUSDT_1h.csv',
    header: 'timestamp,open,high,low,close,volume',
    step: HOUR,
    descending: false,
    epoch: null,
    time: isoUtc,
    fields: (b, t) => [t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v)],
    timeAt: 0,
  },
  {
    name: 'binance-eth (epoch ms, descending)',
    file: 'ETHUSDT_1h.csv',
    header: 'timestamp,open,high,low,close,volume',
    step: HOUR,
    descending: true,
    epoch: 'ms',
    time: (t) => String(t),
    fields: (b, t) => [t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v)],
    timeAt: 0,
  },
  {
    name: 'binance-btc (symbol column, ISO +00:00)',
    file: 'BTCUSDT_1h.csv',
    header: 'symbol,interval,timestamp,open,high,low,close,volume,quote_volume,trade_count',
    step: HOUR,
    descending: false,
    epoch: null,
    time: (t) => withOffset(t, 0),
    fields: (b, t) => ['BTCUSDT', '1h', t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v), f(b.v * 3), '17'],
    timeAt: 2,
  },
  {
    name: 'kraken (no header, epoch s)',
    file: 'XBTUSD_60.csv',
    header: null,
    step: HOUR,
    descending: false,
    epoch: 's',
    time: (t) => String(t / 1000),
    fields: (b, t) => [t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v), '3'],
    timeAt: 0,
  },
  {
    name: 'databento (ts_event, symbol last)',
    file: 'AAPL_1h.csv',
    header: 'ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume,symbol',
    step: HOUR,
    descending: false,
    epoch: null,
    time: (t) => withOffset(t, 0),
    fields: (b, t) => [t, '34', '2', '21', f(b.o), f(b.h), f(b.l), f(b.c), f(b.v), 'AAPL'],
    timeAt: 0,
  },
  {
    name: 'ibkr (naive fixed UTC-5)',
    file: 'TSLA_1h.csv',
    header: 'Date,Open,High,Low,Close,Volume',
    step: HOUR,
    descending: false,
    epoch: null,
    time: (t) => isoUtc(t - 5 * HOUR),
    fields: (b, t) => [t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v)],
    timeAt: 0,
    options: { layout: { timezone: '-05:00' } },
  },
  {
    name: 'polygon (New York offsets, IsGap)',
    file: 'SPY_hourly.csv',
    header: 'Datetime,Open,High,Low,Close,Volume,IsGap',
    step: HOUR,
    descending: false,
    epoch: null,
    time: (t) => withOffset(t, ny.offsetAt(t)),
    fields: (b, t) => [t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v), 'False'],
    timeAt: 0,
  },
  {
    name: 'alpaca 1Day (symbol second)',
    file: 'MSFT_1Day.csv',
    placed: sessionOpen,
    header: 'Date,symbol,Open,High,Low,Close,Volume,Trades,VWAP',
    step: DAY,
    descending: false,
    epoch: null,
    time: (t) => withOffset(t, 0),
    fields: (b, t) => [t, 'MSFT', f(b.o), f(b.h), f(b.l), f(b.c), f(b.v), '100.0', f(b.c)],
    timeAt: 0,
  },
  {
    name: 'alpaca (close first, dates)',
    file: 'NVDA.csv',
    placed: sessionOpen,
    header: 'Date,Close,High,Low,Open,Volume',
    step: DAY,
    descending: false,
    epoch: null,
    time: (t) => isoUtc(t).slice(0, 10),
    fields: (b, t) => [t, f(b.c), f(b.h), f(b.l), f(b.o), f(b.v)],
    timeAt: 0,
  },
  {
    name: 'quandl (descending, adjusted columns)',
    file: 'WIKI-IBM.csv',
    placed: sessionOpen,
    header:
      'Date,Open,High,Low,Close,Volume,Ex-Dividend,Split Ratio,Adj. Open,Adj. High,Adj. Low,Adj. Close,Adj. Volume',
    step: DAY,
    descending: true,
    epoch: null,
    time: (t) => isoUtc(t).slice(0, 10),
    fields: (b, t) => {
      const values = [f(b.o), f(b.h), f(b.l), f(b.c), f(b.v)];
      return [t, ...values, '0.0', '1.0', ...values];
    },
    timeAt: 0,
  },
];

/** A seeded, valid series: cents prices with open/close inside [low, high], volumes with two decimals. */
export function series(n: number, start: number, step: number, seed: number): Bar[] {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const cents = (x: number): number => Math.round(x * 100) / 100;
  const bars: Bar[] = [];
  let price = 50 + rand() * 100;
  // Daily bars fall on trading days only (a weekend row of a stock is a problem, daily.ts).
  const next = step === DAY ? nextTradingDay : (t: number) => t + step;
  for (let i = 0, t = start; i < n; i++, t = next(t)) {
    const o = cents(price);
    const c = cents(Math.max(1, price * (1 + (rand() - 0.5) * 0.04)));
    const h = cents(Math.max(o, c) + rand() * 2 + 0.01);
    const l = cents(Math.max(0.01, Math.min(o, c) - rand() * 2 - 0.01));
    bars.push({ t, o, h, l, c, v: Math.round(rand() * 1e6) / 100 + 1 });
    price = c;
  }
  return bars;
}

/** The data lines of a layout, in file order, and the bar each line holds. */
export function render(layout: Layout, bars: Bar[]): { lines: string[]; order: Bar[] } {
  const order = layout.descending ? [...bars].reverse() : bars;
  return { lines: order.map((b) => layout.fields(b, layout.time(b.t)).join(',')), order };
}
