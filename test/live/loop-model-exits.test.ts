import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CancelResult, PlaceLimitRequest, PlaceResult } from '../../src/coordinator/broker.js';
import type { MarketOrderRequest } from '../../src/ports/venue.js';
import { ReplayBroker } from '../../src/live/replay-broker.js';
import { LiveStore } from '../../src/live/store.js';
import type { BarVenue } from '../../src/live/venue.js';
import {
  BARS,
  CLOSE,
  FixedSignals,
  HALF_HOUR,
  OPEN,
  loopModel,
  loopRuntime,
  runToEnd,
  stockBars,
} from '../support/loop-model.js';

/**
 * The run loop's exits when a cancel is not confirmed (Alpaca's cancel timed out, or it was refused): a time
 * stop must not send a sell for the whole position while the take-profit it cancelled may still rest, or
 * both can trade and a long is sold through to a short. Checked at every sell we send: our resting sells and
 * this one never exceed the long the venue holds.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-loop-exits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SYMBOLS = ['DDD', 'EEE'];

/**
 * The n-th cancel goes unconfirmed (the order stays on the book) when `unconfirmed[n]` says so; every sell
 * sent is checked against the long it closes.
 */
class UnsureBroker extends ReplayBroker {
  private cancels = 0;
  readonly oversold: string[] = [];
  constructor(
    private readonly book: BarVenue,
    private readonly unconfirmed: readonly boolean[],
  ) {
    super(book);
  }
  override async cancel(orderId: string): Promise<CancelResult> {
    if (this.unconfirmed[this.cancels++ % this.unconfirmed.length])
      return { status: 'rejected', reason: `the cancel of ${orderId} was not confirmed` };
    return super.cancel(orderId);
  }
  private check(symbol: string, side: string, qty: number): void {
    if (side !== 'sell') return;
    const long = this.book.positions().find((p) => p.symbol === symbol)?.qty ?? 0;
    const resting = this.book
      .openOrders()
      .filter((o) => o.symbol === symbol && o.side === 'sell')
      .reduce((sum, o) => sum + o.qty - o.filledQty, 0);
    if (resting + qty > long + 1e-9)
      this.oversold.push(`${symbol}: sells ${resting} + ${qty} on a long of ${long}`);
  }
  override async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
    this.check(request.symbol, request.side, request.qty);
    return super.placeLimit(request);
  }
  override async placeMarket(request: MarketOrderRequest): Promise<PlaceResult> {
    this.check(request.symbol, request.side, request.qty);
    return super.placeMarket(request);
  }
}

let runs = 0;

/** Buy signals for every symbol at 99.6 (filled where its bars dip), take-profit 102 (never reached). */
async function tradeDay(unconfirmed: readonly boolean[], dips: readonly number[]) {
  const db = join(dir, `run${runs++}.sqlite`);
  const model = loopModel({
    stateDb: db,
    sim: { timeStopHours: 1 },
    series: SYMBOLS.map((s, i) => stockBars(s, { dip: dips[i]! })),
  });
  const store = new LiveStore(db);
  const broker = new UnsureBroker(model.venue, unconfirmed);
  const signals = new FixedSignals(99.6);
  await runToEnd(
    loopRuntime(model, {
      store,
      broker,
      signals,
      runTag: `exits${runs}`,
      start: OPEN,
      end: CLOSE - HALF_HOUR,
    }),
  );
  store.close();
  return broker.oversold;
}

describe('the run loop when a cancel is not confirmed', () => {
  it('never sends a sell that, with our resting sells, exceeds the long', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 2, max: BARS - 4 }), { minLength: 2, maxLength: 2 }),
        async (unconfirmed, dips) => {
          expect(await tradeDay(unconfirmed, dips)).toEqual([]);
        },
      ),
      { seed: 20261205, numRuns: 10, endOnFailure: true },
    );
  });
});
