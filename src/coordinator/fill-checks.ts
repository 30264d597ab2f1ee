import { ValidationError, type Issue } from '../core/errors.js';
import { ORDER_STATUSES, type OrderUpdate } from './broker.js';
import type { CapacityLedger } from './ledger.js';

/**
 * What a report of an order's fill or status must agree with (the ledger's money state equals the broker's;
 * bad input is a ValidationError, never a guess). A cumulative fill larger than the order was placed for
 * contradicts what the ledger holds of it: clipping it to the order would leave the position unlike the
 * venue's, so it is refused, as the service refuses such a report (409) by the same rule and slack.
 */

/** Relative slack for quantities that went through a venue's decimal rounding. */
export const QTY_SLACK = 1e-9;

/** The cumulative fill exceeds the quantity the order was placed with, beyond rounding. */
export const overfills = (filledQty: number, placedQty: number): boolean =>
  filledQty > placedQty * (1 + QTY_SLACK);

const RECONCILE =
  'filledQty is the cumulative fill, at most the quantity the order was placed with; if the venue holds ' +
  'something else, `await coordinator.reconcile(broker)` takes its orders and positions as they are';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const finiteAtLeastZero = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const finitePositive = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** An over-fill of an order the ledger holds, as one issue (none when the fill fits). */
function overfillIssue(ledger: CapacityLedger, id: string, filledQty: number, where: string): Issue[] {
  if (!ledger.hasOrder(id)) return [];
  const placed = ledger.placed(id);
  if (!overfills(filledQty, placed)) return [];
  const o = ledger.order(id)!;
  return [
    {
      where,
      message:
        `order ${id} (${o.side} ${o.symbol} @ ${o.limitPrice}) was placed for ${placed} ` +
        `(${ledger.filled(id)} filled so far); a cumulative fill of ${filledQty} is more. ${RECONCILE}`,
      value: filledQty,
    },
  ];
}

/**
 * An order update as a venue reports it: an id, a known status, a cumulative fill that is a finite number
 * ≥ 0 and not above the order's placed quantity, a fill price that is a finite number > 0 or null. Throws a
 * ValidationError naming the order, the field and the value; the ledger is unchanged.
 */
export function assertValidOrderUpdate(update: OrderUpdate, ledger: CapacityLedger): void {
  if (!isObject(update))
    throw new ValidationError('Order update refused (the ledger is unchanged)', [
      { where: 'update', message: 'must be { id, status, filledQty, fillPrice }', value: update },
    ]);
  const id = typeof update.id === 'string' && update.id.length > 0 ? update.id : null;
  const issues: Issue[] = [];
  const add = (field: string, message: string, value: unknown): void => {
    issues.push({ where: `update.${field}`, message, value });
  };
  if (id === null) add('id', 'must be the order id the venue gave (a non-empty string)', update.id);
  if (update.clientOrderId !== undefined && typeof update.clientOrderId !== 'string')
    add('clientOrderId', 'must be a string, or absent', update.clientOrderId);
  if (!ORDER_STATUSES.includes(update.status))
    add(
      'status',
      `must be one of ${ORDER_STATUSES.join(', ')}; map the venue's status to one`,
      update.status,
    );
  if (!finiteAtLeastZero(update.filledQty))
    add(
      'filledQty',
      'must be a finite number ≥ 0 (all that filled since the order was placed)',
      update.filledQty,
    );
  else if (id !== null) issues.push(...overfillIssue(ledger, id, update.filledQty, 'update.filledQty'));
  if (update.fillPrice !== null && update.fillPrice !== undefined && !finitePositive(update.fillPrice))
    add('fillPrice', 'must be a finite number > 0, or null when nothing filled', update.fillPrice);
  if (issues.length)
    throw new ValidationError(
      `Order update for ${id ?? 'an order'} refused (the ledger is unchanged)`,
      issues,
    );
}

/**
 * A fill applied by hand (`Coordinator.applyFill`) must be of an order the ledger holds, and not more than it
 * was placed for. An order closed since (a late repeat) is no error: the caller learns nothing from it.
 */
export function assertFillFits(ledger: CapacityLedger, id: string, cumulativeQty: number): void {
  if (ledger.wasClosed(id) || !finiteAtLeastZero(cumulativeQty)) return; // the ledger refuses a bad number
  const issues: Issue[] = ledger.hasOrder(id)
    ? overfillIssue(ledger, id, cumulativeQty, 'cumulativeQty')
    : [
        {
          where: 'orderId',
          message:
            `order ${String(id)} is not in the ledger (never added, or closed before the ledger's memory of ` +
            'closed orders): a fill of an order placed outside a saga comes after recordExitOrder or a ' +
            'reconcile that brings it; a venue update that may race its placement goes to applyOrderUpdate, ' +
            'which keeps it until the order is added',
          value: id,
        },
      ];
  if (issues.length)
    throw new ValidationError(`Fill of ${String(id)} refused (the ledger is unchanged)`, issues);
}
