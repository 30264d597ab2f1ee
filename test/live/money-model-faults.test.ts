/**
 * The live money state against the venue's under the faults money-model.test.ts does not draw: a place whose
 * answer is lost after it took effect (also after a fill came first), a cancel whose answer is lost after it
 * took effect, orders the venue ends on its own (a `day` order expiring after a partial fill, a late
 * rejection), and order events lost in a stream gap (the reconnect asks for a reconcile) — mixed with
 * requests that steal, fills, held cancels, fills racing a cancel and kill -9. At every step the venue never
 * holds more margin than the equity and no request is placed twice; at the end the ledger's orders and
 * positions are the venue's (so is the margin they hold), and every order row the store counts as working
 * (of this process or one killed before it) is open at the venue.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import { ManualTimers, readyRequest } from '../service/fixture.js';
import {
  checkVenueMoney,
  expectLedgerIsVenue,
  HeldCancels,
  restingBook,
  settle,
  startProcess,
} from '../support/money-venue.js';

const EQUITY = 10_000;
const reached = {
  lostPlaces: 0,
  lostPlacesAfterFill: 0,
  lostCancels: 0,
  expiredAfterFill: 0,
  lateRejects: 0,
  lostEvents: 0,
  racedCancels: 0,
  steals: 0,
};

type Kind =
  | 'request'
  | 'fill'
  | 'lose-place'
  | 'lose-place-filled'
  | 'lose-cancel'
  | 'expire'
  | 'reject-late'
  | 'gap'
  | 'hold'
  | 'race'
  | 'kill'
  | 'settle';

interface Step {
  t: Kind;
  pick: number;
  qty: number;
  frac: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  t: fc.constantFrom<Kind>(
    'request',
    'request',
    'request',
    'fill',
    'lose-place',
    'lose-place-filled',
    'lose-cancel',
    'expire',
    'reject-late',
    'gap',
    'hold',
    'race',
    'kill',
    'settle',
  ),
  pick: fc.integer({ min: 0, max: 5 }),
  qty: fc.integer({ min: 5, max: 40 }),
  frac: fc.constantFrom(0.25, 0.5, 1),
});

const sequenceArb = fc.array(stepArb, { minLength: 3, maxLength: 25 });

/**
 * Sequences drawn under a seed of their own that lose a cancel's answer (5 of the 60 drawn), run first: the
 * count of lost cancels (9 in the file's 60 sequences, 4 in those of another seed) then holds whatever seed
 * the rest are drawn under.
 */
const LOSING_A_CANCEL = ((): [Step[]][] => {
  const drawn = fc.sample(sequenceArb, { seed: 3233, numRuns: 60 });
  return [18, 23, 28, 57, 58].map((k) => [drawn[k]!]);
})();

async function play(steps: Step[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-live-faults-'));
  const timers = new ManualTimers();
  const held = new HeldCancels();
  let losePlace: null | 'lost' | 'filled' = null;
  let loseCancel = false;
  let gapNext = false;
  let raceNext: number | null = null;
  const venue = new MemoryBroker({
    account: { equity: EQUITY, patternDayTrader: false },
    orders: restingBook(),
    now: () => timers.now(),
    faults: {
      delay: held.delay,
      // Part of a victim fills while its cancel is in flight.
      partialFillBeforeCancel: (order) => {
        const share = raceNext;
        raceNext = null;
        if (share !== null) reached.racedCancels++;
        return share === null ? null : order.qty * share;
      },
      // A fill reaches the order before the place answer does (which is then lost).
      beforeAnswer: (call, id) => {
        if (call === 'place' && losePlace === 'filled') {
          const o = venue.openOrder(id);
          if (o) venue.fillOrder(id, 100, o.qty * 0.5);
        }
      },
      loseAnswer: (call) => {
        if (call === 'place' && losePlace !== null) {
          reached[losePlace === 'filled' ? 'lostPlacesAfterFill' : 'lostPlaces']++;
          losePlace = null;
          return true;
        }
        if (call === 'cancel' && loseCancel) {
          reached.lostCancels++;
          loseCancel = false;
          return true;
        }
        return false;
      },
    },
  });
  let p = startProcess(dir, venue, timers);
  const loseNextEvent = (): void => {
    p.connection.loseEvent = () => {
      if (!gapNext) return false;
      gapNext = false;
      reached.lostEvents++;
      return true;
    };
  };
  loseNextEvent();
  let inFlight: Promise<unknown>[] = [];
  const drain = async (): Promise<void> => {
    await held.drain(inFlight);
    inFlight = [];
  };
  let requests = 0;
  const log: string[] = [];
  const check = (): Promise<void> => checkVenueMoney(venue, EQUITY, requests, log.join('\n'));
  const openAt = async (pick: number) => {
    const open = await venue.openOrders();
    return open[pick % Math.max(1, open.length)];
  };
  try {
    await p.service.ready;
    for (const step of steps) {
      log.push(JSON.stringify(step));
      switch (step.t) {
        case 'request':
          requests++;
          inFlight.push(
            p.service.request(readyRequest(`S${step.pick}/USD`, step.qty * 100)).catch(() => null),
          );
          break;
        case 'fill': {
          const o = await openAt(step.pick);
          if (o) venue.fillOrder(o.id, 100, o.qty * step.frac);
          break;
        }
        case 'lose-place':
          losePlace = 'lost';
          break;
        case 'lose-place-filled':
          losePlace = 'filled';
          break;
        case 'lose-cancel':
          loseCancel = true;
          break;
        case 'expire': {
          const o = await openAt(step.pick);
          if (!o) break;
          if (step.frac < 1) {
            venue.fillOrder(o.id, 100, o.qty * step.frac);
            reached.expiredAfterFill++;
          }
          venue.endOrder(o.id, 'expired');
          break;
        }
        case 'reject-late': {
          const o = await openAt(step.pick);
          if (o && (o.filledQty ?? 0) === 0) {
            venue.endOrder(o.id, 'rejected');
            reached.lateRejects++;
          }
          break;
        }
        case 'gap':
          gapNext = true;
          break;
        case 'hold':
          held.holdNext = true;
          break;
        case 'race':
          raceNext = step.frac;
          break;
        case 'settle':
          await drain();
          break;
        case 'kill':
          held.holdNext = false;
          p.connection.dead = true;
          await p.service.durable().catch(() => undefined);
          p.store.close();
          inFlight = [];
          p = startProcess(dir, venue, timers);
          loseNextEvent();
          await p.service.ready;
          break;
      }
      await settle();
      await check();
    }
    losePlace = null;
    loseCancel = false;
    await drain();
    // A decision now sees the venue's state: the ledger must be it.
    await expectLedgerIsVenue(p, venue, log.join('\n'));
    // The store's rows follow the venue: none is left working for an order the venue ended.
    const openIds = new Set((await venue.openOrders()).map((o) => o.id));
    const rows = [...p.store.workingOrders(), ...p.store.unsettledOrders()];
    const stale = rows.filter((r) => r.orderId === null || !openIds.has(r.orderId));
    expect(
      stale.map((r) => [r.orderId, r.status]),
      log.join('\n'),
    ).toEqual([]);
    reached.steals += p.service.coordinator.history.all().length;
    await check();
  } finally {
    await p.service.close();
    p.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('live money state = the venue’s under lost answers, venue-ended orders and stream gaps', () => {
  it('holds over seeded sequences (model-based, seed 3232)', async () => {
    await fc.assert(
      fc.asyncProperty(sequenceArb, (steps) => play(steps)),
      { seed: 3232, numRuns: 60, examples: LOSING_A_CANCEL },
    );
    console.log('live money faults reached', reached);
    expect(Math.min(...Object.values(reached))).toBeGreaterThanOrEqual(5);
  }, 90_000);
});
