/**
 * The library entry's fill model parts, for the value rankings: FillModel, ReturnShrinker and the
 * fillValuator over them, each checking what a user passes (options, every bar fed, every return recorded,
 * the symbol index) and throwing a ValidationError naming the argument, its value and what to pass. The
 * simulator and the live runtime use the unchecked internals (src/core/fill), which skip a NaN where these
 * refuse it.
 */
import type { Issue } from './core/errors.js';
import type { ExchangeCalendar } from './core/calendar/types.js';
import { FillModel as FillModelInternal } from './core/fill/model.js';
import type { FillModelOptions } from './core/fill/model-options.js';
import { ReturnShrinker as ReturnShrinkerInternal, type ReturnShrinkerOptions } from './core/fill/returns.js';
import { fillValuator as fillValuatorInternal, type FillValuatorOptions } from './core/fill/valuator.js';
import { optionNames, unknownOptionIssues } from './core/option-names.js';
import type { Valuator } from './core/policy/valuation.js';
import type { TimeMs } from './core/types.js';
import { fail, isObject } from './library-checks.js';

const FILL_MODEL_OPTIONS = optionNames<FillModelOptions>({
  calendar: true,
  assetClasses: true,
  halfLifeBars: true,
  gapHalfLife: true,
  minBars: true,
  maxHorizonMs: true,
  calibrationHorizonMs: true,
  calibrationPriorWeight: true,
  maxPendingOrigins: true,
  tape: true,
});
const RETURN_SHRINKER_OPTIONS = optionNames<ReturnShrinkerOptions>({
  assetClasses: true,
  prior: true,
  symbolWeight: true,
  classWeight: true,
});
const FILL_VALUATOR_OPTIONS = optionNames<FillValuatorOptions>({
  model: true,
  returns: true,
  symbolIndex: true,
  orderValidUntil: true,
  orderValidityFixed: true,
  requestValidUntil: true,
});

/** Asset classes per symbol index: a non-empty array of 'crypto' and 'stock'. */
function assetClassIssues(assetClasses: unknown): Issue[] {
  if (!Array.isArray(assetClasses) || assetClasses.length === 0)
    return [
      {
        where: 'options.assetClasses',
        message: "must be a non-empty array of 'crypto' or 'stock', one per symbol index",
        value: assetClasses,
      },
    ];
  const i = assetClasses.findIndex((c) => c !== 'crypto' && c !== 'stock');
  return i < 0
    ? []
    : [
        {
          where: `options.assetClasses[${i}]`,
          message: "must be 'crypto' or 'stock'",
          value: assetClasses[i],
        },
      ];
}

/** A symbol index of `n` symbols. */
function indexIssue(i: unknown, n: number): Issue[] {
  if (Number.isInteger(i) && (i as number) >= 0 && (i as number) < n) return [];
  return [
    {
      where: 'i',
      message: `must be a symbol index 0..${n - 1} (the index in options.assetClasses)`,
      value: i,
    },
  ];
}

/** The fill model, its options and each bar fed checked: a bar out of order or NaN would be learnt silently. */
export class FillModel extends FillModelInternal {
  readonly #lastBar: Float64Array;

  constructor(options: FillModelOptions) {
    const calendar: Partial<ExchangeCalendar> | undefined = isObject(options) ? options.calendar : undefined;
    fail(
      'Invalid FillModel options',
      isObject(options)
        ? [
            ...unknownOptionIssues(options, FILL_MODEL_OPTIONS, 'options'),
            ...assetClassIssues(options.assetClasses),
            ...(typeof calendar?.sessionAt === 'function'
              ? []
              : [
                  {
                    where: 'options.calendar',
                    message: 'must be a trading calendar: pass nyseCalendar(), or calendarFromSessions(json)',
                    value: calendar,
                  },
                ]),
          ]
        : [{ where: 'options', message: 'must be an object { calendar, assetClasses, … }', value: options }],
    );
    super(options);
    this.#lastBar = new Float64Array(options.assetClasses.length).fill(-Infinity);
  }

  override onBar(i: number, t: TimeMs, o: number, h: number, l: number, c: number, barMs: number): void {
    const issues = indexIssue(i, this.#lastBar.length);
    if (!Number.isFinite(t))
      issues.push({ where: 't', message: "must be the bar's open time in epoch ms", value: t });
    else if (issues.length === 0 && t <= this.#lastBar[i]!)
      issues.push({
        where: 't',
        message: `must be after the last bar fed for symbol ${i} (${new Date(this.#lastBar[i]!).toISOString()}): feed each symbol's closed bars once, in time order`,
        value: t,
      });
    for (const [where, value] of [
      ['o', o],
      ['h', h],
      ['l', l],
      ['c', c],
    ] as const)
      if (!Number.isFinite(value)) issues.push({ where, message: 'must be a finite price', value });
    if (!(Number.isFinite(barMs) && barMs > 0))
      issues.push({ where: 'barMs', message: "must be the bar's length in ms, > 0", value: barMs });
    fail(`FillModel.onBar(${String(i)}, …) refused (the model is unchanged)`, issues);
    this.#lastBar[i] = t;
    super.onBar(i, t, o, h, l, c, barMs);
  }
}

/** Realised net returns per symbol, each checked: NaN or an unknown index is refused, not skipped. */
export class ReturnShrinker extends ReturnShrinkerInternal {
  readonly #symbols: number;

  constructor(options: ReturnShrinkerOptions) {
    fail(
      'Invalid ReturnShrinker options',
      isObject(options)
        ? [
            ...unknownOptionIssues(options, RETURN_SHRINKER_OPTIONS, 'options'),
            ...assetClassIssues(options.assetClasses),
          ]
        : [
            {
              where: 'options',
              message: 'must be an object { assetClasses, prior?, symbolWeight?, classWeight? }',
              value: options,
            },
          ],
    );
    super(options);
    this.#symbols = options.assetClasses.length;
  }

  override record(i: number, netReturn: number): boolean {
    const issues = indexIssue(i, this.#symbols);
    if (!Number.isFinite(netReturn))
      issues.push({
        where: 'netReturn',
        message: "must be a finite number: the trade's pnl after fees / its entry notional",
        value: netReturn,
      });
    fail('ReturnShrinker.record refused (nothing recorded)', issues);
    return super.record(i, netReturn);
  }
}

/**
 * The symbol index: a Map from each symbol to a whole index that the model and the returns both hold, no two
 * symbols at one index. An index beyond the model failed only at a later submit, with a TypeError from inside
 * the fill model; two symbols at one index would value each with the other's bars and trades.
 */
function symbolIndexIssues(symbolIndex: unknown, model: unknown, returns: unknown): Issue[] {
  if (!(symbolIndex instanceof Map))
    return [
      {
        where: 'options.symbolIndex',
        message: 'must be a Map from symbol to its index, e.g. new Map([["BTC/USD", 0]])',
        value: symbolIndex,
      },
    ];
  // The range is known once both are given (a missing one is named by its own issue).
  const sized = model instanceof FillModelInternal && returns instanceof ReturnShrinkerInternal;
  const held = sized ? Math.min(model.symbolCount, returns.symbolCount) : Number.POSITIVE_INFINITY;
  const holds = !sized
    ? ''
    : model.symbolCount === returns.symbolCount
      ? `the model holds ${held} symbols`
      : `the model holds ${model.symbolCount} symbols and the returns ${returns.symbolCount}`;
  const range = sized ? ` (0..${held - 1})` : '';
  const issues: Issue[] = [];
  const symbolAt = new Map<number, string>();
  for (const [symbol, index] of symbolIndex as Map<unknown, unknown>) {
    const where = `options.symbolIndex[${typeof symbol === 'string' ? JSON.stringify(symbol) : String(symbol)}]`;
    const bad = (message: string, value: unknown): void => void issues.push({ where, message, value });
    if (typeof symbol !== 'string' || symbol.length === 0) {
      bad('must be keyed by a symbol, a non-empty string', symbol);
    } else if (!(Number.isInteger(index) && (index as number) >= 0)) {
      bad(`must be a whole number ≥ 0: ${symbol}'s index in the model's assetClasses${range}`, index);
    } else if ((index as number) >= held) {
      bad(
        `${symbol}'s index ${String(index)} is beyond the model: ${holds}, indices 0..${held - 1}; give ` +
          `${symbol} an index below ${held}, or build the FillModel and the ReturnShrinker with an asset class for it`,
        index,
      );
    } else if (symbolAt.has(index as number)) {
      bad(
        `${symbol}'s index ${String(index)} is also ${symbolAt.get(index as number)!}'s: each symbol needs an ` +
          "index of its own (the model learns an index from one symbol's bars, the returns from its trades)",
        index,
      );
    } else symbolAt.set(index as number, symbol);
  }
  return issues;
}

/** The Valuator over a fill model and returns, its options checked. */
export function fillValuator(options: FillValuatorOptions): Valuator {
  const issues: Issue[] = [];
  if (!isObject(options)) {
    issues.push({
      where: 'options',
      message: 'must be an object { model, returns, symbolIndex, orderValidUntil, requestValidUntil }',
      value: options,
    });
  } else {
    if (!(options.model instanceof FillModelInternal))
      issues.push({
        where: 'options.model',
        message: 'must be a FillModel: new FillModel({ calendar, assetClasses })',
        value: options.model,
      });
    if (!(options.returns instanceof ReturnShrinkerInternal))
      issues.push({
        where: 'options.returns',
        message: 'must be a ReturnShrinker: new ReturnShrinker({ assetClasses })',
        value: options.returns,
      });
    issues.push(...symbolIndexIssues(options.symbolIndex, options.model, options.returns));
    for (const key of ['orderValidUntil', 'requestValidUntil'] as const)
      if (typeof options[key] !== 'function')
        issues.push({
          where: `options.${key}`,
          message: 'must be a function returning a time in epoch ms (NaN: unknown)',
          value: options[key],
        });
  }
  if (isObject(options)) issues.push(...unknownOptionIssues(options, FILL_VALUATOR_OPTIONS, 'options'));
  fail('Invalid fillValuator() options', issues);
  // A copy of the map as checked: an index set on the caller's map later could not be refused here.
  return fillValuatorInternal({ ...options, symbolIndex: new Map(options.symbolIndex) });
}
