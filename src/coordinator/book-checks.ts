import { ValidationError, type Issue } from '../core/errors.js';
import {
  ASSET_CLASSES,
  ORDER_ROLES,
  SIDES,
  type AssetClass,
  type OpenOrder,
  type Position,
} from '../core/types.js';
import { finiteNotional, notionalIssues } from '../core/policy/validate.js';

/**
 * What the ledger refuses to hold (a ValidationError naming the value, never a guess): a number that is not
 * finite where margin is summed, a field outside its vocabulary, two orders under one id. One NaN in the book
 * makes every later margin sum unknown (a NaN shortfall passes "short?" and "covered?" at once), so it is
 * refused where it comes in, with the book unchanged, rather than found at the next decision with no hint
 * where it came from.
 *
 * Broker truth is checked more leniently than a request: an external market order reads back with limit 0,
 * a notional order with qty 0; neither corrupts a sum, so both are taken as the venue reports them.
 */

/** A book as the ledger holds it, or as decide() reads it. */
interface Book {
  account: { equity: number; patternDayTrader: boolean; capacityCap?: number | undefined };
  orders: readonly OpenOrder[];
  positions: readonly Position[];
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const atLeastZero = (x: unknown): boolean => finite(x) && x >= 0;
const positive = (x: unknown): boolean => finite(x) && x > 0;
const name = (x: unknown): boolean => typeof x === 'string' && x.length > 0;

/** The order as the ledger can hold it: every margin input finite, every field in its vocabulary. */
function orderLooksValid(o: OpenOrder): boolean {
  return (
    typeof o === 'object' &&
    o !== null &&
    name(o.id) &&
    name(o.symbol) &&
    (o.assetClass === 'crypto' || o.assetClass === 'stock') &&
    (o.side === 'buy' || o.side === 'sell') &&
    ORDER_ROLES.includes(o.role) &&
    atLeastZero(o.qty) &&
    atLeastZero(o.limitPrice) &&
    (o.filledQty === undefined || atLeastZero(o.filledQty)) &&
    finiteNotional(o.qty + (o.filledQty ?? 0), o.limitPrice) &&
    (o.price === null || positive(o.price)) &&
    finite(o.forecastPnl) &&
    finite(o.placedAt)
  );
}

/** Every problem of one order, each with where it is, what is wrong and the value. */
export function ledgerOrderIssues(o: OpenOrder, where: string): Issue[] {
  if (orderLooksValid(o)) return [];
  if (typeof o !== 'object' || o === null) return [{ where, message: 'must be an order object', value: o }];
  const issues: Issue[] = [];
  const bad = (key: string, message: string, value: unknown): void => {
    issues.push({ where: `${where}.${key}`, message, value });
  };
  if (!name(o.id)) bad('id', 'must be a non-empty string', o.id);
  if (!name(o.symbol)) bad('symbol', 'must be a non-empty string', o.symbol);
  if (!ASSET_CLASSES.includes(o.assetClass))
    bad('assetClass', `must be one of ${ASSET_CLASSES.join(', ')}`, o.assetClass);
  if (!SIDES.includes(o.side)) bad('side', `must be one of ${SIDES.join(', ')}`, o.side);
  if (!ORDER_ROLES.includes(o.role)) bad('role', `must be one of ${ORDER_ROLES.join(', ')}`, o.role);
  if (!atLeastZero(o.qty)) bad('qty', 'must be a finite number ≥ 0 (the quantity still open)', o.qty);
  if (!atLeastZero(o.limitPrice)) bad('limitPrice', 'must be a finite number ≥ 0', o.limitPrice);
  if (o.filledQty !== undefined && !atLeastZero(o.filledQty))
    bad('filledQty', 'must be a finite number ≥ 0 (the cumulative fill), or absent', o.filledQty);
  if (issues.length === 0)
    issues.push(
      ...notionalIssues(
        o.qty + (o.filledQty ?? 0),
        o.limitPrice,
        `order ${o.id} (${o.symbol})`,
        'holds',
        where,
      ),
    );
  if (o.price !== null && !positive(o.price))
    bad('price', 'must be a finite number > 0, or null when unknown', o.price);
  if (!finite(o.forecastPnl)) bad('forecastPnl', 'must be a finite number', o.forecastPnl);
  if (!finite(o.placedAt)) bad('placedAt', 'must be a finite time in ms', o.placedAt);
  return issues;
}

/** Every problem of one position. */
export function positionIssues(p: Position, where: string): Issue[] {
  if (typeof p !== 'object' || p === null) return [{ where, message: 'must be a position object', value: p }];
  const issues: Issue[] = [];
  if (!name(p.symbol))
    issues.push({ where: `${where}.symbol`, message: 'must be a non-empty string', value: p.symbol });
  if (!ASSET_CLASSES.includes(p.assetClass))
    issues.push({
      where: `${where}.assetClass`,
      message: `must be one of ${ASSET_CLASSES.join(', ')}`,
      value: p.assetClass,
    });
  if (!finite(p.qty))
    issues.push({
      where: `${where}.qty`,
      message: 'must be a finite number (negative: short)',
      value: p.qty,
    });
  if (!finite(p.price))
    issues.push({ where: `${where}.price`, message: 'must be a finite number', value: p.price });
  else if (finite(p.qty) && !Number.isFinite(p.qty * p.price))
    issues.push({
      where: `${where}.qty`,
      message: `the ${p.symbol} position's qty × price = ${p.qty} × ${p.price} is not a finite number`,
      value: p.qty,
    });
  return issues;
}

/** Every problem of an account: equity may be negative (a loss) but must be a finite number. */
export function accountIssues(account: Book['account'], where: string): Issue[] {
  if (typeof account !== 'object' || account === null)
    return [{ where, message: 'must be an account object { equity, patternDayTrader }', value: account }];
  const issues: Issue[] = [];
  if (!finite(account.equity))
    issues.push({
      where: `${where}.equity`,
      message: 'must be a finite number (negative is allowed)',
      value: account.equity,
    });
  if (typeof account.patternDayTrader !== 'boolean')
    issues.push({
      where: `${where}.patternDayTrader`,
      message: 'must be true or false',
      value: account.patternDayTrader,
    });
  const cap = account.capacityCap;
  if (cap !== undefined && !(typeof cap === 'number' && cap >= 0))
    issues.push({ where: `${where}.capacityCap`, message: 'must be a number ≥ 0, or absent', value: cap });
  return issues;
}

/**
 * The whole snapshot, before any of it is taken: each order, position and the account, one order per id and
 * one position per symbol. Throws naming every problem; the caller's ledger is untouched.
 */
export function assertValidSnapshot(snapshot: Book, where = 'broker'): void {
  const issues = snapshotIssues(snapshot, where);
  if (issues.length)
    throw new ValidationError(
      `The broker's state was not taken (the ledger is unchanged); fix what the broker adapter reports`,
      issues,
    );
}

/** Every problem of a book (account, orders, positions), also one order id or position symbol listed twice. */
export function snapshotIssues(snapshot: Book, where: string): Issue[] {
  const issues: Issue[] = [];
  if (typeof snapshot !== 'object' || snapshot === null) {
    issues.push({ where, message: 'must be { account, orders, positions }', value: snapshot });
  } else {
    issues.push(...accountIssues(snapshot.account, `${where}.account`));
    if (!Array.isArray(snapshot.orders))
      issues.push({
        where: `${where}.orders`,
        message: 'must be an array of open orders',
        value: snapshot.orders,
      });
    else {
      const seen = new Map<string, number>();
      snapshot.orders.forEach((o, i) => {
        issues.push(...ledgerOrderIssues(o, `${where}.orders[${i}]`));
        const id = (o as OpenOrder | null)?.id;
        if (typeof id !== 'string') return;
        const first = seen.get(id);
        if (first === undefined) seen.set(id, i);
        else
          issues.push({
            where: `${where}.orders[${i}].id`,
            message: `order id ${id} is listed twice (also at ${where}.orders[${first}]); an id names one order: list each order once`,
            value: id,
          });
      });
    }
    if (!Array.isArray(snapshot.positions))
      issues.push({
        where: `${where}.positions`,
        message: 'must be an array of positions',
        value: snapshot.positions,
      });
    else {
      const seen = new Map<string, number>();
      snapshot.positions.forEach((p, i) => {
        issues.push(...positionIssues(p, `${where}.positions[${i}]`));
        const symbol = (p as Position | null)?.symbol;
        if (typeof symbol !== 'string') return;
        const first = seen.get(symbol);
        if (first === undefined) seen.set(symbol, i);
        else
          issues.push({
            where: `${where}.positions[${i}].symbol`,
            message: `${symbol} has two positions (also at ${where}.positions[${first}]); a symbol has one net position: list it once`,
            value: symbol,
          });
      });
    }
  }
  return issues;
}

/** One order before it goes into the ledger (a placement, an exit order, a hand-built book). */
export function assertValidLedgerOrder(o: OpenOrder, where = 'order'): void {
  if (orderLooksValid(o)) return;
  throw new ValidationError(
    'Order not added to the ledger (the ledger is unchanged)',
    ledgerOrderIssues(o, where),
  );
}

/** A number a setter writes into the ledger: refused, with the ledger unchanged, unless `ok`. */
export function assertNumber(
  ok: boolean,
  what: string,
  where: string,
  message: string,
  value: unknown,
): void {
  if (!ok)
    throw new ValidationError(`${what} refused (the ledger is unchanged)`, [{ where, message, value }]);
}

/** A quote: both sides finite and > 0, the bid not above the ask. */
export function assertValidQuote(symbol: string, bid: number, ask: number): void {
  if (positive(bid) && positive(ask) && bid <= ask) return;
  const what = `Quote for ${symbol}`;
  const price = 'must be a finite number > 0';
  assertNumber(positive(bid), what, 'bid', price, bid);
  assertNumber(positive(ask), what, 'ask', price, ask);
  assertNumber(false, what, 'bid', `is above the ask ${ask}: send the bid and the ask in their places`, bid);
}

/** A position moved by `deltaQty` at `price` to `qty`: every number finite, the asset class known. */
export function assertPositionChange(
  symbol: string,
  assetClass: AssetClass,
  deltaQty: number,
  qty: number,
  price: number,
): void {
  const knownClass = assetClass === 'crypto' || assetClass === 'stock';
  if (finite(deltaQty) && positive(price) && finite(qty * price) && knownClass) return;
  const issues = positionIssues({ symbol, assetClass, qty, price }, `position ${symbol}`);
  if (!finite(deltaQty))
    issues.unshift({ where: 'deltaQty', message: 'must be a finite number', value: deltaQty });
  if (finite(price) && !positive(price))
    issues.push({ where: 'price', message: 'must be a finite number > 0', value: price });
  throw new ValidationError(`Position change of ${symbol} refused (the ledger is unchanged)`, issues);
}

export { finite, positive, atLeastZero };
