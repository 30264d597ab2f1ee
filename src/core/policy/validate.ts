import { ValidationError, type Issue } from '../errors.js';
import {
  ASSET_CLASSES,
  ORDER_ROLES,
  SIDES,
  type EntryRequest,
  type OpenOrder,
  type OrderTerms,
  type Position,
} from '../types.js';

/**
 * Cheap structural checks for values that cross into the coordinator at run time: bad input is a validation
 * error that names the path and the value, never a decision. Hand-written rather than schema-driven because
 * they run on every request in the simulator's inner loop.
 */
export function requestIssues(r: EntryRequest, where = 'request'): Issue[] {
  const issues: Issue[] = [];
  str(issues, `${where}.symbol`, r?.symbol);
  oneOf(issues, `${where}.assetClass`, r?.assetClass, ASSET_CLASSES);
  oneOf(issues, `${where}.side`, r?.side, SIDES);
  positive(issues, `${where}.limitPrice`, r?.limitPrice);
  positive(issues, `${where}.qty`, r?.qty);
  positive(issues, `${where}.price`, r?.price);
  if (issues.length === 0)
    issues.push(...notionalIssues(r.qty, r.limitPrice, `request ${r.symbol}`, 'needs', where));
  finite(issues, `${where}.forecastPnl`, r?.forecastPnl);
  if (r?.cryptoRank !== null && !(Number.isInteger(r?.cryptoRank) && (r?.cryptoRank as number) >= 1)) {
    issues.push({
      where: `${where}.cryptoRank`,
      message: 'must be a whole number ≥ 1, or null when not ranked',
      value: r?.cryptoRank,
    });
  }
  return issues;
}

/**
 * The terms of a limit order to be placed: a symbol, an asset class, side and role of the vocabulary, and a
 * limit and a quantity > 0 whose notional is a finite number.
 */
export function termsIssues(t: OrderTerms, where: string): Issue[] {
  const issues: Issue[] = [];
  str(issues, `${where}.symbol`, t?.symbol);
  oneOf(issues, `${where}.assetClass`, t?.assetClass, ASSET_CLASSES);
  oneOf(issues, `${where}.side`, t?.side, SIDES);
  oneOf(issues, `${where}.role`, t?.role, ORDER_ROLES);
  positive(issues, `${where}.limitPrice`, t?.limitPrice);
  positive(issues, `${where}.qty`, t?.qty);
  if (issues.length === 0)
    issues.push(...notionalIssues(t.qty, t.limitPrice, `${t.side} ${t.symbol}`, 'needs', where));
  return issues;
}

export function orderIssues(o: OpenOrder, where = 'order'): Issue[] {
  const issues: Issue[] = [];
  str(issues, `${where}.id`, o?.id);
  issues.push(...termsIssues(o, where));
  if (o?.price !== null) positive(issues, `${where}.price`, o?.price);
  finite(issues, `${where}.forecastPnl`, o?.forecastPnl);
  finite(issues, `${where}.placedAt`, o?.placedAt);
  return issues;
}

export function assertValidRequest(r: EntryRequest): void {
  // The common case (a valid request) allocates nothing; the detailed issues are built only on failure.
  if (looksValid(r)) return;
  const issues = requestIssues(r);
  if (issues.length) throw new ValidationError('Invalid entry request', issues);
}

const positiveFinite = (x: unknown): boolean =>
  typeof x === 'number' && x > 0 && x < Number.POSITIVE_INFINITY;

function looksValid(r: EntryRequest): boolean {
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.symbol === 'string' &&
    r.symbol.length > 0 &&
    (r.assetClass === 'crypto' || r.assetClass === 'stock') &&
    (r.side === 'buy' || r.side === 'sell') &&
    positiveFinite(r.limitPrice) &&
    positiveFinite(r.qty) &&
    positiveFinite(r.price) &&
    finiteNotional(r.qty, r.limitPrice) &&
    typeof r.forecastPnl === 'number' &&
    Number.isFinite(r.forecastPnl) &&
    (r.cryptoRank === null || (Number.isInteger(r.cryptoRank) && r.cryptoRank >= 1))
  );
}

export function assertValidOrder(o: OpenOrder, where?: string): void {
  const issues = orderIssues(o, where);
  if (issues.length) throw new ValidationError('Invalid order', issues);
}

/**
 * qty × limit, the notional the margin is taken from, is a finite number: two finite numbers can make an
 * infinite one (1e200 × 1e200), and the margin needed or held, and every sum after it, would be unknown. The
 * one rule for a request and for an order the ledger takes (coordinator/book-checks.ts).
 */
export const finiteNotional = (qty: number, limitPrice: number): boolean => Number.isFinite(qty * limitPrice);

/**
 * The issue at `${where}.qty` of a finite qty and limit whose product is not (none otherwise): `subject` names
 * the order or request, `margin` says whether it holds margin (an order) or needs it (a request).
 */
export function notionalIssues(
  qty: number,
  limitPrice: number,
  subject: string,
  margin: 'holds' | 'needs',
  where: string,
): Issue[] {
  if (!Number.isFinite(qty) || !Number.isFinite(limitPrice) || finiteNotional(qty, limitPrice)) return [];
  return [
    {
      where: `${where}.qty`,
      message: `${subject}: qty × limit = ${qty} × ${limitPrice} is not a finite number, so the margin it ${margin} is unknown; check the qty and the limit (units of the asset, and its price in the account's currency)`,
      value: qty,
    },
  ];
}

function str(issues: Issue[], where: string, v: unknown): void {
  if (typeof v !== 'string' || v.length === 0)
    issues.push({ where, message: 'must be a non-empty string', value: v });
}
function oneOf(issues: Issue[], where: string, v: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(v as string))
    issues.push({ where, message: `must be one of ${allowed.join(', ')}`, value: v });
}
function positive(issues: Issue[], where: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    issues.push({ where, message: 'must be a finite number > 0', value: v });
}
function finite(issues: Issue[], where: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v))
    issues.push({ where, message: 'must be a finite number', value: v });
}

/**
 * What makes the margin sums of a decision unknown (bad input is a validation error, never a decision): an
 * equity, cap, position or entry order that is not a finite number. Read only when the sums came out
 * non-finite, so a valid book costs nothing here. A NaN shortfall would otherwise pass every "short?" and
 * "covered?" test at once, and a steal would cancel one victim for a need nobody knows.
 */
export function marginInputIssues(
  account: { equity: number; capacityCap?: number | undefined },
  positions: readonly Position[],
  orders: readonly OpenOrder[],
): Issue[] {
  const issues: Issue[] = [];
  const bad = (where: string, what: string, value: unknown): void => {
    issues.push({ where, message: `${what} must be a finite number; fix it where it comes from`, value });
  };
  if (!Number.isFinite(account.equity)) bad('account.equity', 'equity', account.equity);
  const cap = account.capacityCap;
  if (cap !== undefined && Number.isNaN(cap)) bad('account.capacityCap', 'the capacity cap', cap);
  positions.forEach((p, i) => {
    if (!Number.isFinite(p.qty)) bad(`positions.${i}.qty`, `the ${p.symbol} position's qty`, p.qty);
    if (!Number.isFinite(p.price)) bad(`positions.${i}.price`, `the ${p.symbol} position's mark`, p.price);
  });
  orders.forEach((o, i) => {
    if (o.role !== 'entry') return;
    if (!Number.isFinite(o.qty)) bad(`orders.${i}.qty`, `order ${o.id}'s qty`, o.qty);
    if (!Number.isFinite(o.limitPrice)) bad(`orders.${i}.limitPrice`, `order ${o.id}'s limit`, o.limitPrice);
  });
  if (issues.length === 0)
    issues.push({ where: 'account', message: 'the margin held or the capacity is not a finite number' });
  return issues;
}
