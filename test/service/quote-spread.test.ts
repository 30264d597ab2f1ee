/**
 * Quotes markets make at a price of a few ticks are taken: one tick apart is a wide ratio there (a penny
 * stock at 0.01 / 0.02, a micro-priced coin at 1e-8 / 2e-8 were refused with 400 and the stale quote stayed).
 * Crossed quotes, quotes wide in ratio and in money, and unit slips between the sides stay refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { advisoryService, type Harness } from './fixture.js';

let open: Harness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

const start = (): Harness => {
  const h = advisoryService({ equity: 10_000 });
  open.push(h);
  return h;
};

/** The service's answer to a quote: applied, or the 400's message. */
function quote(h: Harness, symbol: string, bid: number, ask: number): string {
  try {
    const answer = h.service.event({ kind: 'quote', symbol, bid, ask });
    return answer.applied ? 'taken' : answer.detail;
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

describe('a quote at a price of a few ticks', () => {
  it('is taken one or a few ticks apart, and replaces the quote before it', () => {
    const h = start();
    h.service.event({ kind: 'position', symbol: 'PENNY', assetClass: 'stock', qty: 1000, price: 0.4 });
    expect(quote(h, 'PEPE/USD', 1e-8, 2e-8)).toBe('taken');
    expect(quote(h, 'PEPE/USD', 1e-8, 3e-8)).toBe('taken');
    expect(quote(h, 'PENNY', 0.01, 0.02)).toBe('taken');
    expect(quote(h, 'PENNY', 0.0001, 0.0002)).toBe('taken');
    expect(quote(h, 'PENNY', 0.5, 0.51)).toBe('taken');
    expect(h.service.coordinator.ledger.position('PENNY')?.price).toBeCloseTo(0.505, 12); // marked at the mid
  });

  it('is refused crossed, wide in ratio and in money, or with one side in other units', () => {
    const h = start();
    h.service.event({ kind: 'position', symbol: 'ETH/USD', assetClass: 'crypto', qty: 1, price: 90 });
    expect(quote(h, 'ETH/USD', 100, 140)).toBe('taken');
    for (const [bid, ask] of [
      [1e-7, 1e15], // a placeholder
      [0.5, 51], // the ask in cents
      [100, 151], // 51% wide
      [0.01, 0.03], // two cents apart at 3 times
      [1e-8, 1e-6], // 100 times: a unit slip, however narrow in money
    ] as const)
      expect(quote(h, 'ETH/USD', bid, ask)).toMatch(
        /^BadRequest: .*at most 1\.5 times its bid, or .* at most 0\.01 above/,
      );
    // As every other 400 (it was the ledger's ValidationError, "Quote for ETH/USD refused (the ledger is …").
    expect(quote(h, 'ETH/USD', 101, 100)).toBe(
      'BadRequest: bad request (quote for ETH/USD, nothing changed): bid = 101: is above the ask 100: send the ' +
        'bid and the ask in their places',
    );
    expect(h.service.coordinator.ledger.position('ETH/USD')?.price).toBe(120); // the quote taken last
  });
});
