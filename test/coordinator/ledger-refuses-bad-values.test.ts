import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Broker } from '../../src/coordinator/broker.js';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import { ValidationError } from '../../src/core/errors.js';
import type { AssetClass, OpenOrder, Position } from '../../src/core/types.js';
import { config, order, T0 } from '../support/builders.js';

/**
 * Values that would make the ledger's margin sums unknown (NaN, ±Infinity), fields outside their vocabulary,
 * and a broker state with one id twice are refused with the field, the value and what to do, and the ledger
 * is left exactly as it was. A negative finite equity (a loss) is a fact and stays accepted.
 */
const account = { equity: 10_000, patternDayTrader: false };
const eth = (partial: Partial<OpenOrder> = {}): OpenOrder =>
  order({
    id: 'eth-1',
    symbol: 'ETH/USD',
    assetClass: 'crypto',
    limitPrice: 2_400,
    qty: 3,
    price: 2_600,
    ...partial,
  });
const sol = (partial: Partial<OpenOrder> = {}): OpenOrder =>
  order({
    id: 'x1',
    symbol: 'SOL/USD',
    assetClass: 'crypto',
    limitPrice: 100,
    qty: 10,
    price: 101,
    ...partial,
  });

/** A broker that reports exactly this state (no venue logic: what an adapter might send). */
function reporting(orders: OpenOrder[], positions: Position[] = [], acct = account): Broker {
  const refuse = async (): Promise<never> => {
    throw new Error('not called');
  };
  return {
    openOrders: async () => orders,
    positions: async () => positions,
    account: async () => acct,
    placeLimit: refuse,
    cancel: refuse,
  };
}

async function reconciled(): Promise<Coordinator> {
  const c = new Coordinator({
    config: config(),
    clock: { now: () => T0 },
    calendar: { isRegularSession: () => false },
    account,
  });
  await c.reconcile(
    reporting([eth(), sol()], [{ symbol: 'BTC/USD', assetClass: 'crypto', qty: 0.01, price: 60_000 }]),
  );
  c.capToBrokerFree(5_000);
  return c;
}

/** The error is a ValidationError naming `where` and the value, and the ledger is unchanged. */
async function expectRefused(act: (c: Coordinator) => unknown, where: string, value: string): Promise<void> {
  const c = await reconciled();
  const before = JSON.stringify(c.ledger.snapshot());
  let error: unknown = null;
  try {
    await act(c);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  const message = (error as Error).message;
  expect(message).toContain(where);
  expect(message).toContain(`(got ${value})`);
  expect(message).toContain('the ledger is unchanged');
  expect(JSON.stringify(c.ledger.snapshot())).toBe(before);
}

describe('setters refuse values that make the margin unknown', () => {
  it.each([
    ['applyFill price NaN', (c: Coordinator) => c.applyFill('eth-1', 1, Number.NaN), 'price', 'NaN'],
    [
      'applyFill qty NaN',
      (c: Coordinator) => c.applyFill('eth-1', Number.NaN, 2_400),
      'cumulativeQty',
      'NaN',
    ],
    [
      'adjustPosition qty NaN',
      (c: Coordinator) => c.adjustPosition('SOL/USD', 'crypto', Number.NaN, 100),
      'deltaQty',
      'NaN',
    ],
    [
      'adjustPosition forex',
      (c: Coordinator) => c.adjustPosition('EUR/USD', 'forex' as AssetClass, 1, 1.1),
      'assetClass',
      '"forex"',
    ],
    ['capToBrokerFree NaN', (c: Coordinator) => c.capToBrokerFree(Number.NaN), 'freeMargin', 'NaN'],
    ['setEquity NaN', (c: Coordinator) => c.setEquity(Number.NaN), 'equity', 'NaN'],
    ['setEquity Infinity', (c: Coordinator) => c.setEquity(Number.POSITIVE_INFINITY), 'equity', 'Infinity'],
    ['markQuote NaN', (c: Coordinator) => c.markQuote('ETH/USD', Number.NaN, Number.NaN), 'bid', 'NaN'],
    [
      'markQuote bid above ask',
      (c: Coordinator) => c.markQuote('ETH/USD', 3_000, 2_000),
      'is above the ask 2000',
      '3000',
    ],
    [
      'an exit order with an infinite margin',
      (c: Coordinator) =>
        c.recordExitOrder(sol({ id: 'tp', role: 'take-profit', qty: 1e300, limitPrice: 1e300 })),
      'order tp (SOL/USD): qty × limit',
      '1e+300',
    ],
    [
      'an order id twice',
      (c: Coordinator) => c.recordExitOrder(eth({ role: 'take-profit' })),
      'order eth-1 is already in the ledger',
      '"eth-1"',
    ],
  ])('%s', async (_name, act, where, value) => {
    await expectRefused(act, where, value);
  });

  it('a negative finite equity (a loss) is accepted', async () => {
    const c = await reconciled();
    c.setEquity(-5_000);
    expect(c.ledger.account.equity).toBe(-5_000);
  });

  it('a negative free margin means none free (the live runtime reports it so): capacity is what is held', async () => {
    const c = await reconciled();
    c.capToBrokerFree(-1);
    expect(c.ledger.capacity(0)).toBeCloseTo(c.ledger.usedMargin(false, config().margin), 9);
  });
});

describe('reconcile takes the broker’s whole state or nothing', () => {
  it('two orders under one id: the duplicate is named and the ledger is unchanged', async () => {
    await expectRefused(
      (c) => c.reconcile(reporting([sol(), eth(), eth({ qty: 1 })])),
      'broker.orders[2].id: order id eth-1 is listed twice (also at broker.orders[1])',
      '"eth-1"',
    );
  });

  it.each([
    ['an order qty NaN', [eth({ qty: Number.NaN })], [], 'broker.orders[0].qty', 'NaN'],
    ['an order limit negative', [eth({ limitPrice: -1 })], [], 'broker.orders[0].limitPrice', '-1'],
    [
      'an order whose qty × limit overflows',
      [eth({ id: 'q', symbol: 'Q/USD', qty: 1e300, limitPrice: 1e300 })],
      [],
      'order q (Q/USD): qty × limit = 1e+300 × 1e+300 is not a finite number',
      '1e+300',
    ],
    [
      'a position price NaN',
      [],
      [{ symbol: 'BTC/USD', assetClass: 'crypto' as const, qty: 1, price: Number.NaN }],
      'broker.positions[0].price',
      'NaN',
    ],
  ])('%s is refused by field and value', async (_name, orders, positions, where, value) => {
    await expectRefused((c) => c.reconcile(reporting(orders, positions)), where, value);
  });

  it('any one bad field in a snapshot leaves the ledger as it was (property)', async () => {
    const fields = ['qty', 'limitPrice', 'price', 'forecastPnl', 'placedAt', 'filledQty'] as const;
    const bad = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom(...fields),
        bad,
        async (row, field, value) => {
          const orders = [eth(), sol(), eth({ id: 'eth-2' })];
          orders[row] = { ...orders[row]!, [field]: value };
          const c = await reconciled();
          const before = JSON.stringify(c.ledger.snapshot());
          await expect(c.reconcile(reporting(orders))).rejects.toThrow(`broker.orders[${row}].${field}`);
          expect(JSON.stringify(c.ledger.snapshot())).toBe(before);
        },
      ),
      { seed: 2705, numRuns: 60 },
    );
  });
});
