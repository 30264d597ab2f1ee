import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../src/ports/venue.js';
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
 * The run loop over an order stream with gaps: any order event may be lost, and a reconnect then tells the
 * runtime to reconcile (`resync`), as Alpaca's trade_updates stream does. Whatever was lost, every filled
 * entry ends with exactly one take-profit of ours for its whole position, and the store knows the fill.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-loop-gap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SYMBOLS = ['DDD', 'EEE'];

/** The n-th order event is lost when `lost[n]` says so; the reconnect after it asks for a reconcile. */
class GappyBroker extends ReplayBroker {
  private events = 0;
  constructor(
    venue: BarVenue,
    private readonly lost: readonly boolean[],
  ) {
    super(venue);
  }
  override onOrderEvent(listener: (event: OrderEvent) => void): () => void {
    return super.onOrderEvent((event) => {
      if (!this.lost[this.events++ % this.lost.length]) listener(event);
      else listener({ kind: 'resync' });
    });
  }
}

let runs = 0;

/** Buy signals for every symbol at 99.6 (filled where its bars dip), take-profit 102 (never reached). */
async function tradeDay(lost: readonly boolean[], dips: readonly number[]) {
  const db = join(dir, `run${runs++}.sqlite`);
  const model = loopModel({ stateDb: db, series: SYMBOLS.map((s, i) => stockBars(s, { dip: dips[i]! })) });
  const store = new LiveStore(db);
  const broker = new GappyBroker(model.venue, lost);
  const signals = new FixedSignals(99.6);
  await runToEnd(
    loopRuntime(model, { store, broker, signals, runTag: `gap${runs}`, start: OPEN, end: CLOSE - HALF_HOUR }),
  );
  const fills = SYMBOLS.map((s) => store.lastEntryFill(s));
  store.close();
  return { venue: model.venue, fills };
}

describe('the run loop when order events are lost in a stream gap', () => {
  it('arms exactly one take-profit for every filled entry, and the store knows the fill', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 2, max: BARS - 4 }), { minLength: 2, maxLength: 2 }),
        async (lost, dips) => {
          const { venue, fills } = await tradeDay(lost, dips);
          const positions = venue.positions();
          expect(positions.map((p) => p.symbol).sort()).toEqual(SYMBOLS);
          for (const p of positions) {
            const tps = venue.openOrders().filter((o) => o.symbol === p.symbol && o.role === 'take-profit');
            expect(tps.map((o) => ({ side: o.side, qty: o.qty, limit: o.limitPrice }))).toEqual([
              { side: 'sell', qty: p.qty, limit: 102 },
            ]);
          }
          expect(fills.map((f) => f?.fillPrice)).toEqual([99.6, 99.6]);
        },
      ),
      { seed: 20261205, numRuns: 10, endOnFailure: true },
    );
  });
});
