import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { loadScenarioBars } from '../../src/explain/bars.js';
import { parseScenario } from '../../src/explain/scenario.js';
import { requireMarketData } from '../support/marketdata.js';

const FILES = ['SOLUSDT_1h.csv', 'LINKUSDT_1h.csv'].map((f) =>
  join(requireMarketData(), 'binance-spot-yanniedog', f),
);

const order = (id: string, symbol: string, extra: Record<string, unknown> = {}) => ({
  id,
  symbol,
  assetClass: 'crypto',
  side: 'buy',
  limitPrice: 10,
  qty: 1,
  price: 11,
  ...extra,
});

function scenario(request: string, orders: unknown[], assetClass = 'crypto') {
  return parseScenario({
    now: '2024-06-12T21:00:00Z',
    account: { equity: 1000 },
    openOrders: orders,
    request: { symbol: request, assetClass, side: 'buy', limitPrice: 150, qty: 1, price: 151 },
  });
}

async function failure(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('loadScenarioBars (explain --data)', () => {
  it("keeps the scenario's symbols only and names the entry orders it has no bars for", async () => {
    const s = scenario('SOLUSDT', [
      order('a', 'LINKUSDT'),
      order('b', 'UNIUSDT'),
      order('tp', 'ETHUSDT', { role: 'take-profit' }),
    ]);
    const bars = await loadScenarioBars(FILES, s, { symbols: {} });
    expect(bars.series.map((x) => x.symbol).sort()).toEqual(['LINKUSDT', 'SOLUSDT']);
    expect(bars.notes).toEqual([
      'no bars for UNIUSDT in --data: their orders are not valued, so none of them is a victim (no-estimate)',
    ]);
  });

  it('a requester without bars is an error naming request.symbol and what the data holds', async () => {
    const error = await failure(loadScenarioBars(FILES, scenario('AVAXUSDT', []), { symbols: {} }));
    expect(error.issues[0]).toMatchObject({ where: 'request.symbol', value: 'AVAXUSDT' });
    expect(error.message).toContain('it holds LINKUSDT, SOLUSDT');
  });

  it('an asset class that differs between the scenario and the data is an error naming the file', async () => {
    const error = await failure(loadScenarioBars(FILES, scenario('SOLUSDT', [], 'stock'), { symbols: {} }));
    expect(error.issues[0]!.where).toBe(`--data ${FILES[0]}`);
    expect(error.message).toContain('gives SOLUSDT as crypto, but the scenario says stock');
    expect(error.message).toContain('symbols.SOLUSDT.assetClass');
  });
});
