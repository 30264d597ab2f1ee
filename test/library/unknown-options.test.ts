/**
 * A misspelt option was ignored and the call ran on the defaults: `resolveConfig({ presets: 'original' })`
 * gave the default preset, `new Coordinator({ …, startEmpty: true })` and `new MemoryBroker({ account, ordrs })`
 * were built without them, `simulate({ …, form })` and `compare({ …, windw })` ran. Every public function and
 * constructor that takes an options object refuses a key it does not take by name, with the closest option
 * (src/core/option-names.ts, as loadConfig, loadBars and compareReport did already); a test below holds the
 * list of such functions to the package's exports.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as pkg from '../../src/index.js';
import {
  Coordinator,
  FillModel,
  MemoryBroker,
  ReturnShrinker,
  compare,
  compareReport,
  decide,
  explainDecision,
  fillValuator,
  loadBars,
  loadConfig,
  loadData,
  nyseCalendar,
  resolveConfig,
  simulate,
  type BarSeries,
  type DecideInput,
} from '../../src/index.js';
import { unknownOptionIssues } from '../../src/core/option-names.js';
import { README_ACCOUNT, README_ETH, README_NOW, readmeDecideInput } from '../support/readme-book.js';
import { refused } from '../support/refusal.js';

const loose = <T>(x: unknown): T => x as T;
const { config } = resolveConfig();
const calendar = nyseCalendar();
const HOUR = 3_600_000;

function bars(symbol: string, n = 24 * 14): BarSeries {
  const col = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    symbol,
    assetClass: 'crypto',
    intervalMs: HOUR,
    time: col((i) => Date.parse('2025-01-01T00:00:00Z') + i * HOUR),
    open: col(() => 100),
    high: col(() => 101),
    low: col(() => 99),
    close: col(() => 100),
    volume: col(() => 1),
    source: { path: `inline:${symbol}`, sha256: '', layout: 'inline', timezone: 'UTC' },
  };
}

const coordinatorOptions = { config, clock: { now: () => README_NOW }, calendar, account: README_ACCOUNT };
const decideInput: DecideInput = readmeDecideInput(config);
const model = (): FillModel => new FillModel({ calendar, assetClasses: ['crypto'] });
const returns = (): ReturnShrinker => new ReturnShrinker({ assetClasses: ['crypto'] });
const valuatorOptions = {
  model: model(),
  returns: returns(),
  symbolIndex: new Map([['BTC/USD', 0]]),
  orderValidUntil: () => Number.NaN,
  requestValidUntil: () => Number.NaN,
};

/**
 * A call with one misspelt option, where it is named, and the option it most likely meant (null: none is close
 * enough to say). A swap of two neighbouring letters is one edit (`form` for `from`, src/core/similar.ts).
 */
const CASES: Record<string, [call: () => unknown, where: string, meant: string | null][]> = {
  resolveConfig: [[() => resolveConfig(loose({ presets: 'original' })), 'presets', 'preset']],
  loadConfig: [[() => loadConfig(loose({ files: 'bot.yaml' })), 'options.files', 'file']],
  Coordinator: [
    [
      () => new Coordinator(loose({ ...coordinatorOptions, startEmpty: true })),
      'options.startEmpty',
      'startsEmpty',
    ],
  ],
  MemoryBroker: [
    [
      () => new MemoryBroker(loose({ account: README_ACCOUNT, ordrs: [README_ETH] })),
      'options.ordrs',
      'orders',
    ],
    [
      () => new MemoryBroker(loose({ account: README_ACCOUNT, faults: { rejectCancl: () => 'no' } })),
      'options.faults.rejectCancl',
      'rejectCancel',
    ],
  ],
  decide: [[() => decide(loose({ ...decideInput, valuatr: null }), config), 'input.valuatr', 'valuator']],
  simulate: [
    [() => simulate(loose({ series: [bars('BTC/USD')], config, calendar, form: 5 })), 'form', 'from'],
    [() => simulate(loose({ series: [bars('BTC/USD')], config, calendar, qqqq: 5 })), 'qqqq', null],
  ],
  compare: [
    [
      () => compare(loose({ series: [bars('AAA'), bars('BBB')], a: config, window: '1w', windw: 3 })),
      'windw',
      'window',
    ],
    [
      () =>
        compare(
          loose({
            series: [bars('AAA'), bars('BBB')],
            a: config,
            window: '1w',
            subsets: { count: 2, sise: 1 },
          }),
        ),
      'subsets.sise',
      'size',
    ],
  ],
  compareReport: [[() => compareReport(loose({}), loose({ widht: 80 })), 'options.widht', 'width']],
  loadBars: [[() => loadBars('x.csv', loose({ sybmol: 'BTC' })), 'options.sybmol', 'symbol']],
  loadData: [[() => loadData(['x.csv'], loose({ symbol: 'BTC' })), 'options.symbol', 'symbols']],
  FillModel: [
    [
      () => new FillModel(loose({ calendar, assetClasses: ['crypto'], minBar: 5 })),
      'options.minBar',
      'minBars',
    ],
  ],
  ReturnShrinker: [
    [() => new ReturnShrinker(loose({ assetClasses: ['crypto'], prio: 0 })), 'options.prio', 'prior'],
  ],
  fillValuator: [
    [
      () => fillValuator(loose({ ...valuatorOptions, orderValidityFix: true })),
      'options.orderValidityFix',
      'orderValidityFixed',
    ],
  ],
  explainDecision: [
    [
      () => explainDecision(decide(decideInput, config), loose({ request: 0, order: () => 0, ordr: 1 })),
      'validity.ordr',
      'order',
    ],
  ],
};

/** Exports that take no options object: nothing to misspell. */
const NO_OPTIONS = [
  'MemoryJournal', // no arguments
  'decisionRecord', // a Decision
  'decisionSummary', // a Decision
  'StealHistory', // a configuration: resolveConfig().config
  'nyseCalendar', // no arguments
  'calendarFromSessions', // a sessions document, checked key by key by its own format
  'loadCalendar', // a path
  'loadSignals', // a path
  'signalsFor', // two arrays
  'expandDataArgs', // an array of paths
  'DataError', // an error
  'ValidationError', // an error
];

describe('a misspelt option is refused by name, with the option it most likely meant', () => {
  for (const [name, cases] of Object.entries(CASES))
    it(name, async () => {
      for (const [call, where, meant] of cases)
        await refused(
          call,
          where,
          new RegExp(
            `^is not an option${meant ? ` \\(did you mean "${meant}"\\?\\)` : ''}; the options are `,
          ),
        );
    });

  it('covers every function and class the package exports', () => {
    const callable = Object.entries(pkg)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name)
      .sort();
    expect(callable).toEqual([...Object.keys(CASES), ...NO_OPTIONS].sort());
  });
});

describe('the rule', () => {
  const names = ['file', 'preset', 'extra', 'flags', 'env'];

  it('property: exactly the keys outside the names are refused, each once, a key set to undefined never', () => {
    const key = fc.oneof(fc.constantFrom(...names), fc.string({ minLength: 1, maxLength: 8 }));
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(fc.integer(), fc.constant(undefined))), (options) => {
        const refusedKeys = unknownOptionIssues(options, names, 'options').map((i) => i.where);
        const expected = Object.entries(options)
          .filter(([k, v]) => v !== undefined && !names.includes(k))
          .map(([k]) => `options.${k}`);
        expect(refusedKeys).toEqual(expected);
      }),
      { seed: 20260604, numRuns: 300 },
    );
  });

  it('suggests nothing for a key close to no option', async () => {
    await refused(
      () => resolveConfig(loose({ somethingElse: 1 })),
      'somethingElse',
      /^is not an option; the options are preset, layers, env, flags$/,
    );
  });
});
