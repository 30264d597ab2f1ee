/**
 * The live code path's money state against the venue's: `worksteal serve` in executing mode (the same
 * TrackedBroker, store, crash recovery and reconcile as `run`) over an in-memory venue, driven by seeded
 * sequences of requests (several at once), fills at the venue (partial and whole, also of a victim while its
 * cancel is in flight), stream events, cancels the venue holds, and kill -9 of the process while a cancel is
 * held, then a restart over the same store and venue. At every decision the ledger must be the venue's
 * (orders and positions), the venue never holds more margin than the equity, and no request places twice.
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
  startProcess as start,
} from '../support/money-venue.js';

const EQUITY = 10_000;
/** What the generated sequences did, over all runs: the test must reach each case it claims to cover. */
const reached = { steals: 0, killsWithHeldCancel: 0, racedCancels: 0 };

interface Step {
  t: 'request' | 'fill' | 'hold' | 'race' | 'kill' | 'settle';
  symbol: number;
  qty: number;
  frac: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  t: fc.constantFrom<Step['t']>(
    'request',
    'request',
    'request',
    'fill',
    'hold',
    'hold',
    'race',
    'kill',
    'settle',
  ),
  symbol: fc.integer({ min: 0, max: 5 }),
  qty: fc.integer({ min: 5, max: 40 }),
  frac: fc.constantFrom(0.25, 0.5, 1),
});

const step = (t: Step['t'], symbol = 0, qty = 40, frac = 0.5): Step => ({ t, symbol, qty, frac });
/**
 * Kills while the venue holds a victim's cancel, three in each of these runs whatever the seed draws: a request
 * that steals (R1 to R3 of the resting book may be taken, R0 is protected) with its cancel held, then kill -9;
 * in the second, cancels that race a partial fill too, and two requests at once.
 */
const HELD_KILLS: Step[][] = [
  [0, 1, 2].flatMap((symbol) => [step('hold'), step('request', symbol, 40), step('kill')]),
  [
    step('race', 0, 40, 0.5),
    step('hold'),
    step('request', 3, 25),
    step('kill'),
    step('race', 0, 40, 0.25),
    step('hold'),
    step('request', 4, 30),
    step('request', 5, 10),
    step('kill'),
    step('hold'),
    step('request', 0, 40),
    step('kill'),
    step('settle'),
  ],
];

async function play(steps: Step[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-live-money-'));
  const timers = new ManualTimers();
  const held = new HeldCancels();
  let raceNext: number | null = null;
  const venue = new MemoryBroker({
    account: { equity: EQUITY, patternDayTrader: false },
    orders: restingBook(),
    now: () => timers.now(),
    faults: {
      // The venue holds a cancel (pending_cancel) until the test lets it through.
      delay: held.delay,
      partialFillBeforeCancel: (order) => {
        const share = raceNext;
        raceNext = null;
        if (share !== null) reached.racedCancels++;
        return share === null ? null : order.qty * share;
      },
    },
  });
  let p = start(dir, venue, timers);
  /** Let every held cancel through (and any the venue holds next), then wait for the requests. */
  const drain = async (): Promise<void> => {
    await held.drain(inFlight);
    inFlight = [];
  };
  let inFlight: Promise<unknown>[] = [];
  let requests = 0;
  const log: string[] = [];
  const check = (): Promise<void> => checkVenueMoney(venue, EQUITY, requests, log.join('\n'));
  try {
    await p.service.ready;
    for (const step of steps) {
      log.push(JSON.stringify(step));
      switch (step.t) {
        case 'request':
          requests++;
          inFlight.push(
            p.service.request(readyRequest(`S${step.symbol}/USD`, step.qty * 100)).catch(() => null),
          );
          break;
        case 'fill': {
          const open = await venue.openOrders();
          const o = open[step.symbol % Math.max(1, open.length)];
          if (o) venue.fillOrder(o.id, 100, o.qty * step.frac);
          break;
        }
        case 'hold':
          held.holdNext = true;
          break;
        case 'race':
          raceNext = step.frac;
          break;
        case 'settle':
          await drain();
          break;
        case 'kill': {
          // kill -9: the process hears nothing more; what it sent may still take effect at the venue (a
          // cancel the venue holds goes through later, after the restart asked for it again).
          if (held.size) reached.killsWithHeldCancel++;
          held.holdNext = false;
          p.connection.dead = true;
          await p.service.durable().catch(() => undefined);
          p.store.close();
          inFlight = [];
          p = start(dir, venue, timers);
          await p.service.ready;
          break;
        }
      }
      await settle();
      await check();
    }
    await drain();
    // A decision now (a request that waits) sees the venue's state: the ledger must be it.
    await expectLedgerIsVenue(p, venue, log.join('\n'));
    reached.steals += p.service.coordinator.history.all().length;
    await check();
  } finally {
    await p.service.close();
    p.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('live money state = the venue’s (executing service over a memory venue, model-based)', () => {
  it('holds over seeded sequences of requests, venue fills, held and raced cancels, and kills', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 3, maxLength: 25 }), (steps) => play(steps)),
      // The first runs are the kills above; the drawn cases reach such kills 3 to 18 times (seeds
      // 2324 × 31 + 977 × k, k = 1..30).
      { seed: 2324, numRuns: 60, examples: HELD_KILLS.map((steps) => [steps]) },
    );
    console.log('live money model reached', reached);
    expect(Math.min(...Object.values(reached))).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
