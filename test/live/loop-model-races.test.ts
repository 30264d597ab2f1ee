import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CancelResult } from '../../src/coordinator/broker.js';
import { ReplayBroker } from '../../src/live/replay-broker.js';
import { LiveStore } from '../../src/live/store.js';
import type { BarVenue } from '../../src/live/venue.js';
import {
  CLOSE,
  FixedSignals,
  HALF_HOUR,
  OPEN,
  loopModel,
  loopRuntime,
  runToEnd,
  seedLongs,
  stockBars,
} from '../support/loop-model.js';

/**
 * The run loop over a venue where any cancel may lose the race to a fill (Alpaca holds a cancel in
 * `pending_cancel`, and the order can still trade): whatever the race's outcomes, no long is sold through
 * to a short, and the end of day still leaves stock margin within the overnight requirement.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-loop-races-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SYMBOLS = ['AAA', 'BBB', 'CCC'];

/** The n-th cancel of the run loses the race to a fill at the order's limit when `fillsFirst[n]` says so. */
class RacingBroker extends ReplayBroker {
  private cancels = 0;
  constructor(
    private readonly book: BarVenue,
    private readonly fillsFirst: readonly boolean[],
  ) {
    super(book);
  }
  override async cancel(orderId: string): Promise<CancelResult> {
    const order = this.book.order(orderId);
    if (order && this.fillsFirst[this.cancels++ % this.fillsFirst.length])
      this.book.fillNow(orderId, order.limitPrice);
    return super.cancel(orderId);
  }
}

let runs = 0;

/**
 * A pattern-day-trader account holding 250,000 of stock on 85,000 of equity (AAA bought at 110, BBB at 100),
 * 125,000 of margin at 2x overnight, each position held by a take-profit of ours for all of it. Flat bars
 * (no resting limit ever fills by itself) and one buy signal, for CCC: a stock entry that the end-of-day
 * window cancels.
 */
async function tradeDay(fillsFirst: readonly boolean[], takeProfit: number) {
  const db = join(dir, `run${runs++}.sqlite`);
  const model = loopModel({ stateDb: db, series: SYMBOLS.map((s) => stockBars(s)) });
  seedLongs(model.venue, takeProfit);
  const store = new LiveStore(db);
  const broker = new RacingBroker(model.venue, fillsFirst);
  const signals = new FixedSignals({ CCC: 99.6 });
  await runToEnd(
    loopRuntime(model, {
      store,
      broker,
      signals,
      runTag: `races${runs}`,
      start: OPEN,
      end: CLOSE + HALF_HOUR,
    }),
  );
  store.close();
  return model.venue;
}

describe('the run loop when a cancel can lose the race to a fill', () => {
  it('never sells a long through to a short, and ends the day within the overnight requirement', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(100.5, 101, 105),
        async (fillsFirst, takeProfit) => {
          const venue = await tradeDay(fillsFirst, takeProfit);
          const positions = venue.positions();
          for (const p of positions)
            expect({ symbol: p.symbol, qty: p.qty }).toEqual({ symbol: p.symbol, qty: Math.max(0, p.qty) });
          const notional = positions.reduce((sum, p) => sum + Math.abs(p.qty) * 100, 0);
          expect(notional * 0.5).toBeLessThanOrEqual(venue.account().equity + 1e-6);
        },
      ),
      { seed: 20261205, numRuns: 12, endOnFailure: true },
    );
  });
});
