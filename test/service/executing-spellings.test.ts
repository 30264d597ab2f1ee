/**
 * One market, one spelling, in executing mode too. The spelling rule (symbol-spelling.ts) held only in advisory
 * mode: executing against a broker, a request for `ETHUSD` did not see the `ETH/USD` order the broker held for
 * the same market, and stole it (a steal from itself, recorded as one) instead of replacing it. Now another
 * spelling than the broker's own (LiveBroker.symbolOf) or the one the service knows (configured, the broker's
 * orders and positions, or first seen) is refused before anything is decided, naming the spelling to send.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalSymbol } from '../../src/brokers/alpaca/symbols.js';
import type { AssetClass, OpenOrder } from '../../src/core/types.js';
import { BadRequest } from '../../src/service/bad-request.js';
import { executingService, MemoryVenue, readyRequest, restingOrder, T0 } from './fixture.js';

/** A venue that spells crypto pairs BASE/QUOTE, as Alpaca does. */
class PairSpellingVenue extends MemoryVenue {
  override readonly name = 'pairs';
  symbolOf(symbol: string, assetClass: AssetClass): string {
    return canonicalSymbol(symbol, assetClass);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function executing(orders: OpenOrder[], venueOf = MemoryVenue, symbols: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-exec-spell-'));
  const broker = new venueOf({ account: { equity: 10_000, patternDayTrader: false }, orders, now: () => T0 });
  const stores: { close(): void }[] = [];
  cleanups.push(async () => {
    for (const s of stores) s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = () => {
    const { service, store } = executingService(dir, broker, { config: { symbols } });
    stores.push(store);
    return service;
  };
  return { start, broker };
}

function resting(id: string, symbol: string, margin: number): OpenOrder {
  const o = restingOrder(id, symbol, margin);
  return { ...o, placedAt: o.placedAt!, clientOrderId: undefined } as OpenOrder;
}

async function refusal(p: Promise<unknown>): Promise<BadRequest> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadRequest);
  return error as BadRequest;
}

describe('executing mode, another spelling of a market', () => {
  it("is refused when the broker holds the market's order under its own, which is then replaced", async () => {
    const { start, broker } = executing([resting('eth-1', 'ETH/USD', 8_000)]);
    const service = start();
    cleanups.unshift(() => service.close());
    for (const spelling of ['ETHUSD', 'eth/usd']) {
      const e = await refusal(service.request(readyRequest(spelling, 3_000)));
      expect(e.issues).toEqual([
        {
          field: 'symbol',
          value: spelling,
          message: expect.stringMatching(
            /another spelling of ETH\/USD, the spelling the broker holds .*send "ETH\/USD"/,
          ),
        },
      ]);
    }
    // Before: `stole`, victims ['eth-1'], the history saying ETHUSD stole from ETH/USD.
    expect((await broker.openOrders()).map((o) => o.id)).toEqual(['eth-1']);
    expect(service.coordinator.history.all()).toEqual([]);
    const answer = await service.request(readyRequest('ETH/USD', 3_000));
    expect([answer.status, answer.victims]).toEqual(['placed', []]);
    expect((await broker.openOrders()).map((o) => o.symbol)).toEqual(['ETH/USD']);
  });

  it('is refused in a quote as in a request', async () => {
    const { start } = executing([resting('eth-1', 'ETH/USD', 8_000)]);
    const service = start();
    cleanups.unshift(() => service.close());
    await service.request(readyRequest('ETH/USD', 1_000)); // the first decision reads the broker's book
    expect(() => service.event({ kind: 'quote', symbol: 'ethusd', bid: 100, ask: 100.1 })).toThrow(
      /another spelling of ETH\/USD/,
    );
    expect(service.event({ kind: 'quote', symbol: 'ETH/USD', bid: 100, ask: 100.1 }).applied).toBe(true);
  });

  it('is refused when the broker would change it, even for a market it has nothing of yet', async () => {
    const { start, broker } = executing([], PairSpellingVenue);
    const service = start();
    cleanups.unshift(() => service.close());
    const e = await refusal(service.request(readyRequest('BTCUSD', 1_000)));
    expect(e.issues[0]!.message).toMatch(/pairs names this market "BTC\/USD".*send "BTC\/USD"/);
    expect(await broker.openOrders()).toEqual([]);
    expect((await service.request(readyRequest('BTC/USD', 1_000))).status).toBe('placed');
  });

  it("is a configuration error at start when a configured symbol is not the broker's spelling", () => {
    const { start } = executing([], PairSpellingVenue, { ETHUSD: { assetClass: 'crypto' } });
    expect(start).toThrow(
      'config symbols: "ETHUSD" is spelled "ETH/USD" by pairs, which names its orders and positions so; ' +
        'requests under "ETHUSD" would not see them. Rename the key to "ETH/USD"',
    );
  });
});
