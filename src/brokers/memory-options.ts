/**
 * What a MemoryBroker (memory.ts) is built from: the options, the faults it can inject, and the check of their
 * shape (an unknown option or fault, a misspelling, is refused by name rather than ignored).
 */
import type { PlaceLimitRequest } from '../coordinator/broker.js';
import { ValidationError, type Issue } from '../core/errors.js';
import { optionNames, unknownOptionIssues } from '../core/option-names.js';
import type { Account, OpenOrder, Position } from '../core/types.js';

/**
 * Faults the in-memory broker can inject, each decided per call so tests can aim them at one order.
 * `delay` models slow confirmations: it is awaited before a cancel or placement takes effect.
 */
export interface MemoryBrokerFaults {
  rejectCancel?: (orderId: string) => string | null;
  /** The order fills completely while its cancel is in flight; return the fill price, or null for no race. */
  fillDuringCancel?: (order: OpenOrder) => number | null;
  /** Part of the order fills before the cancel takes effect; return the quantity, or null. */
  partialFillBeforeCancel?: (order: OpenOrder) => number | null;
  rejectPlace?: (request: PlaceLimitRequest) => string | null;
  delay?: (call: 'cancel' | 'place', id: string) => Promise<void>;
  /**
   * Runs after a cancel or placement took effect and before its answer goes back (`id`: the order id), so a
   * test can fill the order or deliver events first, as a venue's stream can.
   */
  beforeAnswer?: (call: 'cancel' | 'place', id: string) => Promise<void> | void;
  /** The call takes effect at the venue but its answer is lost (the promise rejects): true to lose it. */
  loseAnswer?: (call: 'cancel' | 'place', id: string) => boolean;
}

/** What a {@link MemoryBroker} starts from: the venue's account, its open orders and positions, and faults. */
export interface MemoryBrokerOptions {
  account: Account;
  orders?: OpenOrder[];
  positions?: Position[];
  faults?: MemoryBrokerFaults;
  /** The venue's clock, for the time an order is placed at (default: always 0). */
  now?: () => number;
}

const OPTION_NAMES = optionNames<MemoryBrokerOptions>({
  account: true,
  orders: true,
  positions: true,
  faults: true,
  now: true,
});
const FAULT_NAMES = optionNames<MemoryBrokerFaults>({
  rejectCancel: true,
  fillDuringCancel: true,
  partialFillBeforeCancel: true,
  rejectPlace: true,
  delay: true,
  beforeAnswer: true,
  loseAnswer: true,
});

/**
 * The options' shape. Their values are what the venue reports, checked where a coordinator takes them
 * (`reconcile`): a test may make the venue report a NaN limit or equity on purpose.
 */
export function checkOptions(options: unknown): void {
  const issues: Issue[] = [];
  if (typeof options !== 'object' || options === null) {
    issues.push({
      where: 'options',
      message: 'must be an object { account, orders?, positions?, faults?, now? }',
      value: options,
    });
  } else {
    const o = options as Record<string, unknown>;
    if (typeof o.account !== 'object' || o.account === null)
      issues.push({
        where: 'options.account',
        message: 'must be an account { equity, patternDayTrader }',
        value: o.account,
      });
    for (const key of ['orders', 'positions'] as const)
      if (o[key] !== undefined && !Array.isArray(o[key]))
        issues.push({
          where: `options.${key}`,
          message: `must be an array of ${key}, or absent`,
          value: o[key],
        });
    if (o.now !== undefined && typeof o.now !== 'function')
      issues.push({
        where: 'options.now',
        message: 'must be a clock, () => epoch ms, e.g. () => Date.now(), or absent',
        value: o.now,
      });
    if (o.faults !== undefined && (typeof o.faults !== 'object' || o.faults === null))
      issues.push({
        where: 'options.faults',
        message: 'must be an object of faults (MemoryBrokerFaults), or absent',
        value: o.faults,
      });
    else if (o.faults !== undefined)
      issues.push(...unknownOptionIssues(o.faults, FAULT_NAMES, 'options.faults'));
    issues.push(...unknownOptionIssues(o, OPTION_NAMES, 'options'));
  }
  if (issues.length) throw new ValidationError('Invalid MemoryBroker options', issues);
}
