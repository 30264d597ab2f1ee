/**
 * The library entry's MemoryBroker: the in-memory venue (src/brokers/memory.ts) with what a user gives it
 * checked. The internal one takes what it is given as a venue reports it, a NaN limit included, so that the
 * coordinator's own refusals can be tested against it. A user trying the coordinator wants a venue that
 * holds what a venue can: its book is checked by the rule reconcile checks a broker's state by (each order
 * once, finite numbers, one position per symbol), so an order it would keep one of, or a value reconcile
 * would refuse, is refused where it is given; a placement, a fill, an account change and a day's fills are
 * checked as they come. Each refusal is a ValidationError naming the argument, its value and what to pass,
 * and leaves the venue unchanged.
 */
import { MemoryBroker as MemoryBrokerInternal, type MemoryBrokerOptions } from './brokers/memory.js';
import { checkOptions } from './brokers/memory-options.js';
import { accountIssues, snapshotIssues } from './coordinator/book-checks.js';
import type { PlaceLimitRequest, PlaceResult } from './coordinator/broker.js';
import type { Issue } from './core/errors.js';
import { termsIssues } from './core/policy/validate.js';
import type { Account } from './core/types.js';
import { fail, isObject } from './library-checks.js';

const positive = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x > 0;
const PRICE = 'must be a finite number > 0';

/** A venue in memory (see the internal class), refusing what no venue could hold. */
export class MemoryBroker extends MemoryBrokerInternal {
  constructor(options: MemoryBrokerOptions) {
    checkOptions(options); // the shape first: the book below is read as arrays
    fail(
      'Invalid MemoryBroker options (as reconcile would refuse them from a broker)',
      snapshotIssues(
        { account: options.account, orders: options.orders ?? [], positions: options.positions ?? [] },
        'options',
      ),
    );
    super(options);
  }

  /** As the venue's placement, for a limit and a quantity > 0 under a client order id (refused: nothing placed). */
  override async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
    const issues: Issue[] = isObject(request)
      ? termsIssues(request, 'request')
      : [
          {
            where: 'request',
            message: 'must be { clientOrderId, symbol, assetClass, side, role, limitPrice, qty }',
            value: request,
          },
        ];
    if (isObject(request) && !(typeof request.clientOrderId === 'string' && request.clientOrderId.length > 0))
      issues.unshift({
        where: 'request.clientOrderId',
        message: 'must be a non-empty string',
        value: request.clientOrderId,
      });
    fail('MemoryBroker.placeLimit refused (nothing placed)', issues);
    return super.placeLimit(request);
  }

  /** As the venue's fill of an open order, at a price > 0 and for a quantity > 0 (absent: all that is open). */
  override fillOrder(orderId: string, price: number, qty?: number): void {
    const issues: Issue[] = [];
    if (!positive(price)) issues.push({ where: 'price', message: PRICE, value: price });
    if (qty !== undefined && !positive(qty))
      issues.push({ where: 'qty', message: `${PRICE}, or absent for all that is open`, value: qty });
    fail(`MemoryBroker.fillOrder(${String(orderId)}, …) refused (nothing filled)`, issues);
    super.fillOrder(orderId, price, qty);
  }

  /** As the venue's account change, each field given checked as reconcile checks an account. */
  override setAccount(account: Partial<Account>): void {
    fail(
      'MemoryBroker.setAccount refused (the account is unchanged)',
      isObject(account)
        ? // Only the fields given can be wrong: the others are filled in with values that pass.
          accountIssues({ equity: 0, patternDayTrader: false, ...account }, 'account')
        : [{ where: 'account', message: 'must be an object { equity?, patternDayTrader? }', value: account }],
    );
    super.setAccount(account);
  }

  /** As the venue's next day, each fill at the open at a price > 0. */
  override nextDay(fills: ReadonlyMap<string, number> = new Map()): void {
    const issues: Issue[] = [];
    if (!(fills instanceof Map))
      issues.push({
        where: 'fills',
        message: 'must be a Map from order id to fill price, or absent',
        value: fills,
      });
    else
      for (const [id, price] of fills)
        if (!positive(price)) issues.push({ where: `fills[${id}]`, message: PRICE, value: price });
    fail('MemoryBroker.nextDay refused (the day is unchanged)', issues);
    super.nextDay(fills);
  }
}
