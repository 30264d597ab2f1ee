/**
 * The library entry's own layer over the internal modules (src/index.ts): what a user calls is checked here,
 * with errors that name the field, the value and what to pass, while the simulator's and the service's hot
 * paths call the unchecked internals. Also the one place the library reads randomness: a coordinator built
 * without an `idPrefix` gets a random one, so two coordinators (or two runs) never share client order ids.
 */
import { randomBytes } from 'node:crypto';
import {
  resolveConfig as resolveInternal,
  type ResolveInput,
  type ResolvedConfig,
} from './core/config/resolve.js';
import { ValidationError, type Issue } from './core/errors.js';
import { optionNames, unknownOptionIssues } from './core/option-names.js';
import { decide as decideInternal, type DecideConfig, type DecideInput } from './core/policy/decide.js';
import type { Decision } from './core/policy/decision.js';
import type { EntryRequest } from './core/types.js';
import { OrderColumns } from './core/policy/order-columns.js';
import { StealHistory } from './core/policy/steal-history.js';
import { requestIssues } from './core/policy/validate.js';
import { missingValuatorIssue } from './core/policy/value-policy.js';
import { snapshotIssues } from './coordinator/book-checks.js';
import type { Broker } from './coordinator/broker.js';
import { Coordinator as CoordinatorInternal } from './coordinator/coordinator.js';
import type { CoordinatorOptions } from './coordinator/options.js';
import { simulate as simulateInternal } from './sim/engine.js';
import { validateSeries } from './sim/sim-input.js';
import { rangeMissIssue } from './marketdata/coverage.js';
import type { Outcome } from './coordinator/saga.js';
import type { SimInput as SimInputInternal, SimOutput } from './sim/sim-types.js';
import { calendarIssues, configIssues, isObject, rangeIssues, replayIssues } from './library-checks.js';

/** What the coordinator calls on a broker (the Broker port): a missing one would fail mid-saga. */
const BROKER_METHODS = ['placeLimit', 'cancel', 'openOrders', 'positions', 'account'] as const;

/** A Broker, or a ValidationError naming what it lacks, before the coordinator reads or changes anything. */
function checkBroker(broker: unknown, call: string): void {
  const fix =
    'pass your Broker implementation (placeLimit, cancel, openOrders, positions, account), or a MemoryBroker';
  const missing = isObject(broker) ? BROKER_METHODS.filter((m) => typeof broker[m] !== 'function') : [];
  if (isObject(broker) && missing.length === 0) return;
  throw new ValidationError(`Invalid ${call} broker`, [
    {
      where: 'broker',
      message: isObject(broker)
        ? `has no ${missing.map((m) => `${m}()`).join(', ')}: ${fix}`
        : `must be a broker: ${fix}`,
      value: isObject(broker) ? Object.keys(broker) : broker,
    },
  ]);
}

/** 48 random bits: two coordinators share a prefix about once in 10^14 pairs. */
const randomIdPrefix = (): string => `ws-${randomBytes(6).toString('hex')}`;

/**
 * The coordinator (see the internal class for everything it does). Without `idPrefix` its client order ids
 * are `ws-<12 random hex digits>-<n>`: unique per coordinator, so a second coordinator on the same account or
 * a restarted process never reuses an id the broker has seen. Pass `idPrefix` to choose them yourself.
 */
export class Coordinator extends CoordinatorInternal {
  constructor(options: CoordinatorOptions) {
    super(
      isObject(options) && options.idPrefix === undefined
        ? Object.assign({}, options, { idPrefix: randomIdPrefix() })
        : options,
    );
  }

  /** As the internal submit, after checking the broker is one (the request it checks itself). */
  override async submit(request: EntryRequest, broker: Broker): Promise<Outcome> {
    checkBroker(broker, 'submit()');
    return super.submit(request, broker);
  }

  /** As the internal reconcile, after checking the broker is one. */
  override async reconcile(broker: Broker): Promise<void> {
    checkBroker(broker, 'reconcile()');
    return super.reconcile(broker);
  }
}

const DECIDE_INPUT_NAMES = optionNames<DecideInput>({
  now: true,
  sessionOpen: true,
  extendedSessionOpen: true,
  account: true,
  positions: true,
  orders: true,
  columns: true,
  history: true,
  request: true,
  valuator: true,
  claimedMargin: true,
});

/**
 * Configurations decide() has found valid. The schema check costs tens of µs, more than most decisions, and a
 * bot decides with one configuration object many times: each object is checked the first time it is seen,
 * as a coordinator checks its configuration once, when it is built. An object edited in place after that is
 * not checked again; edit a copy (`{ ...config, bufferPct: 5 }`) or resolve a new one.
 */
const validConfigs = new WeakSet<object>();

/** The configuration's issues (its values against the schema resolveConfig() validates with), once per object. */
function decideConfigIssues(config: unknown): Issue[] {
  if (isObject(config) && validConfigs.has(config)) return [];
  const issues = configIssues(config, 'config', { values: true });
  if (issues.length === 0) validConfigs.add(config as object);
  return issues;
}

/**
 * The pure decision with its input checked first: the request as submit() checks it, the book (account,
 * orders, positions) as the ledger checks the broker's state, the configuration's values as resolveConfig()
 * does, and the other fields by type. Throws a ValidationError naming every problem; the decision itself is
 * the internal one, unchanged.
 */
export function decide(input: DecideInput, config: DecideConfig): Decision {
  const issues = decideConfigIssues(config);
  if (!isObject(input)) {
    issues.unshift({
      where: 'input',
      message: 'must be an object { now, sessionOpen, account, positions, orders, history, request }',
      value: input,
    });
    throw new ValidationError('Invalid decide() input', issues);
  }
  const add = (where: string, message: string, value: unknown): void => {
    issues.push({ where: `input.${where}`, message, value });
  };
  issues.push(...unknownOptionIssues(input, DECIDE_INPUT_NAMES, 'input'));
  if (!Number.isFinite(input.now)) add('now', 'must be a finite time in epoch ms', input.now);
  if (typeof input.sessionOpen !== 'boolean')
    add('sessionOpen', 'must be true or false: calendar.isRegularSession(now)', input.sessionOpen);
  if (input.extendedSessionOpen !== undefined && typeof input.extendedSessionOpen !== 'boolean')
    add('extendedSessionOpen', 'must be true or false, or absent', input.extendedSessionOpen);
  issues.push(
    ...snapshotIssues({ account: input.account, orders: input.orders, positions: input.positions }, 'input'),
  );
  if (!(input.history instanceof StealHistory))
    add('history', 'must be a StealHistory: pass new StealHistory(config)', input.history);
  issues.push(...requestIssues(input.request, 'input.request'));
  const { columns, valuator, claimedMargin } = input;
  if (columns !== undefined && columns !== null && !(columns instanceof OrderColumns))
    add('columns', 'leave it out: decide() builds the columns from `orders`', '(not OrderColumns)');
  if (valuator !== undefined && valuator !== null && !isObject(valuator))
    add('valuator', 'must be a Valuator, or absent under the distance ranking', valuator);
  else if (isObject(config)) {
    const missing = missingValuatorIssue(config.victimRanking, valuator);
    if (missing) issues.push(missing);
  }
  if (claimedMargin !== undefined && !(Number.isFinite(claimedMargin) && claimedMargin >= 0))
    add('claimedMargin', 'must be a finite number ≥ 0, or absent', claimedMargin);
  if (issues.length) throw new ValidationError('Invalid decide() input', issues);
  return decideInternal(input, config);
}

/** Layers and flags: lists of `{ source, values }`. */
function layerIssues(layers: unknown, where: string): Issue[] {
  if (layers === undefined) return [];
  if (!Array.isArray(layers))
    return [
      {
        where,
        message: 'must be an array of { source, values }, e.g. [{ source: "my.json", values: {…} }]',
        value: layers,
      },
    ];
  const issues: Issue[] = [];
  layers.forEach((layer: unknown, i) => {
    if (!isObject(layer) || typeof layer.source !== 'string' || layer.source.length === 0)
      issues.push({
        where: `${where}[${i}]`,
        message: 'must be { source: a non-empty name, values: {…} }',
        value: layer,
      });
  });
  return issues;
}

const RESOLVE_INPUT_NAMES = optionNames<ResolveInput>({ preset: true, layers: true, env: true, flags: true });

/** resolveConfig with the shape of its input checked (the keys and values inside the layers it checks itself). */
export function resolveConfig(input: ResolveInput = {}): ResolvedConfig {
  const issues: Issue[] = [];
  if (!isObject(input)) {
    issues.push({
      where: 'input',
      message: 'must be an object { preset?, layers?, env?, flags? }, or absent',
      value: input,
    });
  } else {
    if (input.preset !== undefined && typeof input.preset !== 'string')
      issues.push({
        where: 'preset',
        message: 'must be a preset name (PRESET_NAMES), or absent',
        value: input.preset,
      });
    issues.push(...layerIssues(input.layers, 'layers'), ...layerIssues(input.flags, 'flags'));
    if (input.env !== undefined && !isObject(input.env))
      issues.push({
        where: 'env',
        message: 'must be an object of variables, e.g. process.env, or absent',
        value: input.env,
      });
    issues.push(...unknownOptionIssues(input, RESOLVE_INPUT_NAMES, ''));
  }
  if (issues.length) throw new ValidationError('Invalid resolveConfig() input', issues);
  return resolveInternal(input);
}

/**
 * What {@link simulate} takes: the bars, the configuration and the calendar, with optional signals, a time
 * range and callbacks. (The simulator's own caches, which the CLI's compare shares between runs, are internal.)
 */
export type SimInput = Omit<SimInputInternal, 'forecasts' | 'timelines' | 'fillTapes'>;

const SIM_INPUT_NAMES = optionNames<SimInput>({
  series: true,
  config: true,
  calendar: true,
  signals: true,
  from: true,
  to: true,
  assertInvariants: true,
  keepWaits: true,
  records: true,
  onProgress: true,
  onEntryPlaced: true,
  onLimitFill: true,
});

/** simulate with its input checked: its shape, the bars (the simulator's own check) and a from/to that meets no bar. */
export function simulate(input: SimInput): SimOutput {
  const issues: Issue[] = [];
  if (!isObject(input)) {
    issues.push({ where: 'input', message: 'must be an object { series, config, calendar }', value: input });
  } else {
    if (!Array.isArray(input.series))
      issues.push({
        where: 'series',
        message: 'must be an array of bar series (loadBars, or built in memory)',
        value: input.series,
      });
    issues.push(...configIssues(input.config, 'config', { values: true }));
    issues.push(...calendarIssues(input.calendar));
    issues.push(...rangeIssues(input.from, input.to), ...replayIssues(input.series, input.signals));
    issues.push(...unknownOptionIssues(input, SIM_INPUT_NAMES, ''));
  }
  if (issues.length) throw new ValidationError('Invalid simulate() input', issues);
  // The simulator's own check of the bars (it keeps what it passed), then the range measured on them: a range
  // that meets no bar would simulate nothing and report 0 trades as a result, as `worksteal simulate` refuses.
  validateSeries(input.series);
  const miss = rangeMissIssue(input.from, input.to, input.series, { from: 'from', to: 'to' });
  if (miss) throw new ValidationError('The requested window holds no data', [miss]);
  return simulateInternal(input);
}
