import type { Session } from '../core/calendar/index.js';
import { resolvedConfigIssues } from '../core/config/resolve.js';
import type { VictimRanking, WorkstealConfig } from '../core/config/schema.js';
import { ValidationError, type Issue } from '../core/errors.js';
import { optionNames, unknownOptionIssues } from '../core/option-names.js';
import type { Valuator } from '../core/policy/valuation.js';
import { requiresValuator } from '../core/policy/value-policy.js';
import { BAR_TWINS, barKeysSet, type BarKey } from '../core/policy/steal-history.js';
import type { Account, StealEvent, TimeMs } from '../core/types.js';
import type { Decision } from '../core/policy/decision.js';
import { accountIssues } from './book-checks.js';
import type { SagaJournal } from './saga.js';

/** Time comes in through this port; core and coordinator never read a clock themselves. */
export interface Clock {
  now(): TimeMs;
}

/** Only what the coordinator needs of the calendar (sessions by day: extended hours). */
export interface SessionOracle {
  isRegularSession(t: TimeMs): boolean;
  sessionFor?(day: string): Session | null;
}

export interface CoordinatorOptions {
  config: WorkstealConfig;
  clock: Clock;
  calendar: SessionOracle;
  account: Account;
  journal?: SagaJournal;
  /** Called with every decision, in order (the decision log). */
  onDecision?: (decision: Decision) => void;
  /** Called after each steal is recorded in the history (persistence of cooldowns and fights). */
  onSteal?: (event: StealEvent) => void;
  /**
   * Prefix of client order ids (`<idPrefix>-1`, `-2`, …). A broker answers a client order id it has seen with
   * the order placed under it, so it must be unique per coordinator and per process start. The library's
   * `Coordinator` (`import { Coordinator } from 'worksteal'`) draws a random one when this is absent.
   */
  idPrefix?: string;
  /**
   * The broker account holds nothing yet (no orders, no positions) and `account` is its truth: `submit` may
   * run before any `reconcile`. Without it `submit` refuses until the first `reconcile`.
   */
  startsEmpty?: boolean;
  /** How often a request is decided again when victims keep filling during their cancel. */
  maxRedecide?: number;
  /** How many closed order ids the ledger remembers to recognise late events (default 10,000). */
  closedOrderMemory?: number;
  /** Fill probabilities and values for the value rankings (`victimRanking` other than `distance`). */
  valuator?: Valuator;
  /** The bar length the session trades on: converts `cooldownBars` and the other `*Bars` keys. */
  barMs?: number;
}

const OPTION_NAMES = optionNames<CoordinatorOptions>({
  config: true,
  clock: true,
  calendar: true,
  account: true,
  journal: true,
  onDecision: true,
  onSteal: true,
  idPrefix: true,
  startsEmpty: true,
  maxRedecide: true,
  closedOrderMemory: true,
  valuator: true,
  barMs: true,
});

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isFunction = (x: unknown): boolean => typeof x === 'function';
const isValuator = (x: unknown): boolean =>
  isObject(x) && isFunction(x.valueRequest) && isFunction(x.valueOrder);
const wholeAtLeast = (x: unknown, min: number): boolean => Number.isInteger(x) && (x as number) >= min;

/** The options a coordinator is built from, checked once: each problem with its key, value and what to pass. */
export function assertValidOptions(o: CoordinatorOptions): void {
  if (!isObject(o))
    throw new ValidationError('Invalid coordinator options', [
      { where: 'options', message: 'must be an object { config, clock, calendar, account }', value: o },
    ]);
  const issues: Issue[] = [];
  const add = (where: string, message: string, value: unknown): void => {
    issues.push({ where: `options.${where}`, message, value });
  };
  const config = o.config as unknown;
  if (!isObject(config) || !isObject(config.margin) || typeof config.bufferPct !== 'number')
    add('config', 'must be a resolved configuration: pass resolveConfig().config', config);
  else
    for (const issue of resolvedConfigIssues(config, 'config')) add(issue.where, issue.message, issue.value);
  if (!isObject(o.clock) || !isFunction(o.clock.now))
    add('clock', 'must be { now(): number } returning epoch ms, e.g. { now: () => Date.now() }', o.clock);
  if (!isObject(o.calendar) || !isFunction(o.calendar.isRegularSession))
    add('calendar', 'must have isRegularSession(t): boolean; pass nyseCalendar()', o.calendar);
  for (const i of accountIssues(o.account, 'account')) add(i.where, i.message, i.value);
  if (o.idPrefix !== undefined && !(typeof o.idPrefix === 'string' && o.idPrefix.length > 0))
    add('idPrefix', 'must be a non-empty string, or absent', o.idPrefix);
  if (o.startsEmpty !== undefined && typeof o.startsEmpty !== 'boolean')
    add('startsEmpty', 'must be true or false, or absent', o.startsEmpty);
  if (o.maxRedecide !== undefined && !wholeAtLeast(o.maxRedecide, 1))
    add('maxRedecide', 'must be a whole number ≥ 1, or absent', o.maxRedecide);
  if (o.closedOrderMemory !== undefined && !wholeAtLeast(o.closedOrderMemory, 0))
    add('closedOrderMemory', 'must be a whole number ≥ 0, or absent', o.closedOrderMemory);
  // Without one a value ranking could not decide at all: every submit would fail, so it is refused here.
  if (isObject(config) && requiresValuator(config.victimRanking as VictimRanking) && !isObject(o.valuator))
    add(
      'valuator',
      `config.victimRanking '${String(config.victimRanking)}' needs a valuator: build one with ` +
        'fillValuator({ model, returns, … }) from a FillModel fed with closed bars (src/core/fill/USAGE.md) ' +
        "and pass it as options.valuator, or set victimRanking to 'auto' or 'distance'",
      o.valuator,
    );
  else if (o.valuator !== undefined && o.valuator !== null && !isValuator(o.valuator))
    add('valuator', 'must have valueRequest() and valueOrder(): build it with fillValuator()', o.valuator);
  if (o.barMs !== undefined && !(Number.isFinite(o.barMs) && o.barMs >= 0))
    add('barMs', 'must be a finite number ≥ 0 (ms), or absent', o.barMs);
  // Keys in bars without a bar length would fall back to their seconds twins without a word. A session that
  // passes barMs (0 while no series knows its length yet) has one; a coordinator without the option has none.
  const held = isObject(config) ? config : {};
  const inBars = o.barMs === undefined ? barKeysSet(held as Pick<WorkstealConfig, BarKey>) : [];
  if (inBars.length > 0)
    add(
      'barMs',
      `config ${inBars.map((k) => `${k} ${String(held[k])}`).join(', ')} count${inBars.length > 1 ? '' : 's'} ` +
        `bars, and the coordinator has no bar length: pass options.barMs (the bar length in ms), or set ` +
        `${inBars.join(', ')} to 0 and give ${inBars.map((k) => BAR_TWINS[k]).join(', ')} in seconds`,
      o.barMs,
    );
  for (const key of ['onDecision', 'onSteal'] as const)
    if (o[key] !== undefined && !isFunction(o[key])) add(key, 'must be a function, or absent', o[key]);
  if (o.journal !== undefined && !(isObject(o.journal) && isFunction(o.journal.transition)))
    add('journal', 'must have transition(t), or be absent', o.journal);
  issues.push(...unknownOptionIssues(o, OPTION_NAMES, 'options'));
  if (issues.length) throw new ValidationError('Invalid coordinator options', issues);
}
