/**
 * What a user gets from the package's functions called with bad input (wrong types from JavaScript, a path
 * where an options object goes, NaN, an unknown index, nothing to simulate): a ValidationError naming the
 * argument and its value and saying what to pass, never a TypeError from inside and never a quiet result.
 */
import { describe, expect, it } from 'vitest';
import {
  Coordinator,
  FillModel,
  MemoryBroker,
  ReturnShrinker,
  StealHistory,
  decisionRecord,
  fillValuator,
  loadBars,
  loadCalendar,
  loadConfig,
  nyseCalendar,
  resolveConfig,
  simulate,
  type BarSeries,
} from '../../src/index.js';
import { refused } from '../support/refusal.js';
import { README_ACCOUNT, README_BTC, README_NOW } from '../support/readme-book.js';

/** Lets JavaScript's loose calls through the types. */
const loose = <T>(x: unknown): T => x as T;
const { config } = resolveConfig();
const calendar = nyseCalendar();
const now = README_NOW;
const account = README_ACCOUNT;
const btc = README_BTC;

function bars(n: number, symbol = 'BTC/USD'): BarSeries {
  const col = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    symbol,
    assetClass: 'crypto',
    intervalMs: 3_600_000,
    time: col((i) => Date.parse('2025-01-01T00:00:00Z') + i * 3_600_000),
    open: col(() => 100),
    high: col(() => 101),
    low: col(() => 99),
    close: col(() => 100),
    volume: col(() => 1),
    source: { path: `inline:${symbol}`, sha256: '', layout: 'inline', timezone: 'UTC' },
  };
}

describe('simulate', () => {
  it('refuses nothing to replay: no series, or a series without bars', async () => {
    await refused(() => simulate({ series: [], config, calendar }), 'series', /at least one bar series/);
    await refused(() => simulate({ series: [bars(0)], config, calendar }), 'series[0] (BTC/USD)', /no bars/);
  });

  it('refuses a series of a single bar, and one without a bar length > 0', async () => {
    await refused(
      () => simulate({ series: [bars(1)], config, calendar }),
      'series[0] (BTC/USD)',
      /single bar/,
    );
    for (const intervalMs of [0, -3_600_000, Number.NaN, Number.POSITIVE_INFINITY, loose<number>(undefined)])
      await refused(
        () => simulate({ series: [{ ...bars(50), intervalMs }], config, calendar }),
        'series[0] (BTC/USD).intervalMs',
        /bar length in ms/,
      );
  });

  it('refuses a configuration whose values resolveConfig() would refuse', async () => {
    await refused(
      () => simulate({ series: [bars(50)], config: { ...config, bufferPct: -3 }, calendar }),
      'config.bufferPct',
      /resolveConfig\(\) refuses it too/,
    );
  });

  it('refuses a range that is not epoch ms, or ends before it starts', async () => {
    const series = [bars(50)];
    await refused(() => simulate({ series, config, calendar, from: Number.NaN }), 'from', /epoch ms/);
    await refused(() => simulate({ series, config, calendar, to: loose('2025-02-01') }), 'to', /epoch ms/);
    await refused(() => simulate({ series, config, calendar, from: 2e12, to: 1e12 }), 'to', /after from/);
  });

  it('refuses signals that are not an array, or name a symbol with no series', async () => {
    const series = [bars(50)];
    await refused(() => simulate({ series, config, calendar, signals: loose('x.csv') }), 'signals', /array/);
    const signal = {
      time: now,
      symbol: 'ETH/USD',
      side: 'buy',
      entry: 1,
      takeProfit: 2,
      expectedPnl: 1,
      validUntil: now,
    };
    await refused(
      () => simulate({ series, config, calendar, signals: loose([signal]) }),
      'signals[0].symbol',
      /has no series.*BTC\/USD/,
    );
  });
});

describe('the coordinator', () => {
  const make = (): Coordinator =>
    new Coordinator({ config, clock: { now: () => now }, calendar, account, startsEmpty: true });

  it('refuses submit and reconcile without a broker, naming the methods a broker needs', async () => {
    await refused(() => make().submit(btc, loose(undefined)), 'broker', /must be a broker.*placeLimit/);
    await refused(
      () => make().reconcile(loose({ account: () => account })),
      'broker',
      /has no placeLimit\(\)/,
    );
  });
});

describe('the parts beside it', () => {
  it('MemoryBroker refuses no options, no account and orders that are not an array', async () => {
    await refused(() => new MemoryBroker(loose(undefined)), 'options', /account/);
    await refused(() => new MemoryBroker(loose({ orders: [] })), 'options.account', /equity/);
    await refused(() => new MemoryBroker({ account, orders: loose({ id: 'x' }) }), 'options.orders', /array/);
  });

  it('StealHistory refuses a missing configuration', async () => {
    await refused(() => new StealHistory(loose(undefined)), 'config', /resolveConfig\(\)\.config/);
    await refused(() => new StealHistory(loose({})), 'config.cooldownSec', /resolveConfig/);
  });

  it('decisionRecord refuses what is not a decision', async () => {
    await refused(() => decisionRecord(loose(undefined)), 'decision', /decide\(\)/);
    await refused(() => decisionRecord(loose({})), 'decision', /decide\(\)/);
  });

  it('loadConfig refuses a bare path (which would load the defaults) and says how to pass it', async () => {
    await refused(() => loadConfig(loose('bot.yaml')), 'options', /\{ file: "bot\.yaml" \}/);
    await refused(() => loadConfig(loose({ fiel: 'bot.yaml' })), 'options.fiel', /not an option/);
  });

  it('loadCalendar refuses a file that is not a path', async () => {
    await refused(() => loadCalendar(loose({ file: 'x.json' })), 'file', /path of a sessions file/);
  });

  it('loadBars refuses no path and options of the wrong type or name', async () => {
    await refused(() => loadBars(loose(undefined)), 'path', /one bar file/);
    await refused(() => loadBars('x.csv', loose({ symbol: 5 })), 'options.symbol', /non-empty symbol/);
    await refused(() => loadBars('x.csv', loose({ sybmol: 'BTC' })), 'options.sybmol', /not an option/);
  });

  it('FillModel refuses bad options, and a bar that is NaN, out of order or of no symbol', async () => {
    await refused(() => new FillModel(loose(undefined)), 'options', /calendar, assetClasses/);
    await refused(() => new FillModel(loose({ calendar })), 'options.assetClasses', /crypto/);
    const model = new FillModel({ calendar, assetClasses: ['crypto'] });
    await refused(() => model.onBar(0, now, Number.NaN, 1, 1, 1, 3_600_000), 'o', /finite price/);
    await refused(() => model.onBar(1, now, 1, 1, 1, 1, 3_600_000), 'i', /0\.\.0/);
    const version = model.version;
    model.onBar(0, now, 1, 1, 1, 1, 3_600_000);
    expect(model.version).toBe(version + 1);
    await refused(() => model.onBar(0, now - 3_600_000, 1, 1, 1, 1, 3_600_000), 't', /time order/);
  });

  it('ReturnShrinker refuses bad options, a NaN return and an unknown index', async () => {
    await refused(() => new ReturnShrinker(loose(undefined)), 'options', /assetClasses/);
    const returns = new ReturnShrinker({ assetClasses: ['crypto'] });
    await refused(() => returns.record(0, Number.NaN), 'netReturn', /finite/);
    await refused(() => returns.record(3, 0.01), 'i', /symbol index/);
    expect(returns.version).toBe(0);
  });

  it('fillValuator refuses options without a model, returns or callbacks', async () => {
    await refused(() => fillValuator(loose(undefined)), 'options', /model, returns/);
    await refused(() => fillValuator(loose({})), 'options.model', /FillModel/);
    await refused(() => fillValuator(loose({})), 'options.requestValidUntil', /function/);
  });
});

describe('the steal history a coordinator keeps', () => {
  it('is an instance of the exported StealHistory', () => {
    const coordinator = new Coordinator({
      config,
      clock: { now: () => now },
      calendar,
      account,
      startsEmpty: true,
    });
    expect(coordinator.history).toBeInstanceOf(StealHistory);
  });
});
