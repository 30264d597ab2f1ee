/**
 * A request that ends at once (a wait or a block) says why in `detail`, in one sentence with its numbers, so
 * that a bot's log answers "why was I not placed?" without `?explain=true`. A place or a steal starts a saga
 * and has no detail yet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { advisoryService, readyRequest, restingOrder, type Harness } from './fixture.js';

let open: Harness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

describe('the answer to a request that ends at once', () => {
  it('says why in detail, with the numbers; a saga has none yet', async () => {
    const h = advisoryService({ equity: 10_000, config: { protectionPct: 0 } });
    open.push(h);
    const far = await h.service.request({ ...readyRequest('SOL/USD', 1_000), price: 110 }, false);
    expect(far.status).toBe('waited');
    expect(far.detail).toMatch(
      /^SOL\/USD's price is 10\.00% from the limit, beyond the crypto-(normal|out-of-hours) tolerance of \d+\.\d\d%: the order rests once the price is within it$/,
    );

    h.service.event({ kind: 'placed', order: { ...restingOrder('x-1', 'ETH/USD', 9_000), external: true } });
    const blocked = await h.service.request(readyRequest('SOL/USD', 3_000), false);
    expect(blocked.status).toBe('blocked');
    expect(blocked.reason).toBe('margin');
    expect(blocked.detail).toMatch(
      /^short of [\d,]+\.\d\d of margin \(needs 3,000\.00, [\d,]+\.\d\d free of [\d,]+\.\d\d\) and nothing is ours to cancel for it: the margin is held by positions, by orders not placed by us or by SOL\/USD's own$/,
    );

    const placed = await h.service.request(readyRequest('ADA/USD', 100), false);
    expect(placed.status).toBe('waiting-for-bot');
    expect(placed.detail).toBeNull();
  });

  it('a dry run says first that nothing was done', async () => {
    const h = advisoryService({ equity: 10_000, config: { dryRun: true } });
    open.push(h);
    const answer = await h.service.request(readyRequest('ADA/USD', 100), false);
    expect(answer.status).toBe('dry-run');
    expect(answer.detail).toBe(
      'dry run, nothing was cancelled or placed: 100.00 of margin needed and 10,000.00 free',
    );
  });
});
