/**
 * The package's MemoryBroker checks its input as the other parts do. Two orders under one id were taken and
 * one kept without a word, so reconcile's refusal of a repeated id (which a custom broker returning the same
 * two orders gets) never fired; a placement of qty NaN answered ok. It refuses, with a ValidationError naming
 * the argument, what reconcile refuses from a broker, and a placement, fill or account change that is not a
 * finite number (> 0 where a venue needs it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Coordinator,
  MemoryBroker,
  nyseCalendar,
  resolveConfig,
  type Broker,
  type OpenOrder,
  type PlaceLimitRequest,
  type Position,
} from '../../src/index.js';
import { refusal, refusalOf } from '../support/refusal.js';
import { README_ACCOUNT, README_ETH, README_NOW } from '../support/readme-book.js';

const loose = <T>(x: unknown): T => x as T;
const { config } = resolveConfig();
const ethQty3: OpenOrder = { ...README_ETH, qty: 3 };
const ethQty1: OpenOrder = { ...README_ETH, qty: 1 };
const place: PlaceLimitRequest = {
  clientOrderId: 'bot-1',
  symbol: 'BTC/USD',
  assetClass: 'crypto',
  side: 'buy',
  role: 'entry',
  limitPrice: 60_000,
  qty: 0.06,
};

/** A broker of our own that reports this snapshot: what reconcile makes of it. */
function reporting(orders: OpenOrder[], positions: Position[] = []): Broker {
  const memory = new MemoryBroker({ account: README_ACCOUNT });
  return {
    placeLimit: (r) => memory.placeLimit(r),
    cancel: (id) => memory.cancel(id),
    openOrders: async () => orders,
    positions: async () => positions,
    account: async () => README_ACCOUNT,
  };
}

const coordinator = (): Coordinator =>
  new Coordinator({
    config,
    clock: { now: () => README_NOW },
    calendar: nyseCalendar(),
    account: README_ACCOUNT,
  });

/** reconcile's refusal of the snapshot, or null when it takes it. */
async function reconcileRefusal(orders: OpenOrder[], positions: Position[] = []): Promise<unknown> {
  return coordinator()
    .reconcile(reporting(orders, positions))
    .then(() => null)
    .catch((e: unknown) => e);
}

describe('new MemoryBroker', () => {
  it('refuses two orders under one id, as reconcile refuses them from a broker of your own', async () => {
    const error = refusal(() => new MemoryBroker({ account: README_ACCOUNT, orders: [ethQty3, ethQty1] }));
    expect(error.issues).toEqual([
      expect.objectContaining({ where: 'options.orders[1].id', value: 'eth-1' }),
    ]);
    expect(error.issues[0]!.message).toContain('order id eth-1 is listed twice (also at options.orders[0])');
    expect(String(await reconcileRefusal([ethQty3, ethQty1]))).toContain('order id eth-1 is listed twice');
  });

  it('refuses a NaN limit, an infinite equity and two positions of one symbol', () => {
    const position: Position = { symbol: 'ETH/USD', assetClass: 'crypto', qty: 1, price: 2_500 };
    const error = refusal(
      () =>
        new MemoryBroker({
          account: { equity: Number.POSITIVE_INFINITY, patternDayTrader: false },
          orders: [{ ...ethQty3, limitPrice: Number.NaN }],
          positions: [position, position],
        }),
    );
    expect(error.issues.map((i) => i.where)).toEqual([
      'options.account.equity',
      'options.orders[0].limitPrice',
      'options.positions[1].symbol',
    ]);
  });

  it('property: refuses a book exactly when reconcile refuses it from a broker', async () => {
    const number = fc.constantFrom(1, 2.5, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e200);
    const order = fc.record({ id: fc.constantFrom('a', 'b', 'c'), qty: number, limitPrice: number });
    const position = fc.record({ symbol: fc.constantFrom('ETH/USD', 'SOL/USD'), qty: number, price: number });
    await fc.assert(
      fc.asyncProperty(
        fc.array(order, { maxLength: 3 }),
        fc.array(position, { maxLength: 2 }),
        async (orderFields, positionFields) => {
          const orders = orderFields.map((f) => ({ ...README_ETH, ...f }));
          const positions = positionFields.map((f) => ({ assetClass: 'crypto' as const, ...f }));
          const refusedHere = refusalOf(
            () => new MemoryBroker({ account: README_ACCOUNT, orders, positions }),
          );
          const refusedThere = await reconcileRefusal(orders, positions);
          expect(refusedHere === null).toBe(refusedThere === null);
        },
      ),
      { seed: 20260605, numRuns: 200 },
    );
  });
});

describe("the MemoryBroker's calls", () => {
  const broker = (): MemoryBroker =>
    new MemoryBroker({ account: README_ACCOUNT, orders: [ethQty3], now: () => README_NOW });

  it.each([
    ['qty NaN', { qty: Number.NaN }, 'request.qty'],
    ['qty 0', { qty: 0 }, 'request.qty'],
    ['limit -1', { limitPrice: -1 }, 'request.limitPrice'],
    ['limit Infinity', { limitPrice: Number.POSITIVE_INFINITY }, 'request.limitPrice'],
    ['qty × limit overflowing', { qty: 1e200, limitPrice: 1e200 }, 'request.qty'],
    ['no client order id', { clientOrderId: '' }, 'request.clientOrderId'],
  ])('placeLimit refuses %s, placing nothing', async (_name, patch, where) => {
    const b = broker();
    const error = await b.placeLimit(loose({ ...place, ...patch })).catch((e: unknown) => e);
    expect(
      refusalOf(() => {
        throw error;
      })?.issues.map((i) => i.where),
    ).toEqual([where]);
    expect((await b.openOrders()).map((o) => o.id)).toEqual(['eth-1']);
  });

  it('placeLimit still places a valid order', async () => {
    const b = broker();
    expect(await b.placeLimit(place)).toEqual({ ok: true, orderId: 'm1' });
  });

  it('fillOrder refuses a NaN price and a qty of 0, filling nothing', () => {
    const b = broker();
    expect(refusal(() => b.fillOrder('eth-1', Number.NaN)).issues[0]!.where).toBe('price');
    expect(refusal(() => b.fillOrder('eth-1', 2_400, 0)).issues[0]!.where).toBe('qty');
    expect(b.openOrder('eth-1')?.qty).toBe(3);
  });

  it('setAccount refuses a NaN equity, and nextDay a NaN fill price', () => {
    const b = broker();
    expect(refusal(() => b.setAccount({ equity: Number.NaN })).issues[0]!.where).toBe('account.equity');
    expect(refusal(() => b.nextDay(new Map([['eth-1', Number.NaN]]))).issues[0]!.where).toBe('fills[eth-1]');
  });
});
