import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/brokers/memory.js';
import type { WorkstealConfig } from '../../src/core/config/schema.js';
import type { Decision } from '../../src/core/policy/decision.js';
import { decisionRecord } from '../../src/core/policy/record.js';
import type { EntryRequest } from '../../src/core/types.js';
import type { CancelResult } from '../../src/coordinator/broker.js';
import type { Outcome } from '../../src/coordinator/saga.js';
import {
  bookArb,
  brokerTruth,
  harness,
  knownOrders,
  knownPositions,
  policyConfigArb,
  refUsed,
  requestArb,
  rng,
  SAGA_PATH,
  sagaPaths,
  type Book,
  type Harness,
} from '../support/arbitraries.js';

const RUNS = { seed: 42, numRuns: 200 } as const;
const SLACK = 1e-6;

interface Step {
  advanceSec: number;
  request: EntryRequest;
}

interface Scenario {
  book: Book;
  config: Partial<WorkstealConfig>;
  steps: Step[];
}

/** A book within capacity, a config around the defaults, and a sequence of requests with time passing. */
function scenarioArb(
  options: { dryRun?: boolean; minSteps?: number; maxSteps?: number } = {},
): fc.Arbitrary<Scenario> {
  return fc
    .record({ overrides: policyConfigArb, bufferPct: fc.constantFrom(0, 0.05) })
    .chain(({ overrides, bufferPct }) =>
      bookArb({ fitBufferPct: bufferPct, minOrders: 1, maxOrders: 10 }).chain((book) =>
        fc.record({
          book: fc.constant(book),
          config: fc.constant({ ...overrides, bufferPct, dryRun: options.dryRun ?? false }),
          steps: fc.array(
            fc.record({
              advanceSec: fc.constantFrom(0, 1, 30, 170, 700),
              request: fc.oneof(
                requestArb({ equity: book.equity }),
                requestArb({ equity: book.equity, distances: [-0.001, 0, 0.002, 0.0057] }),
              ),
            }),
            { minLength: options.minSteps ?? 1, maxLength: options.maxSteps ?? 8 },
          ),
        }),
      ),
    );
}

const used = (h: Harness): number => h.coordinator.ledger.usedMargin(h.state.sessionOpen, h.config.margin);
const capacity = (h: Harness): number => h.coordinator.ledger.capacity(h.config.bufferPct);

async function expectLedgerIsBrokerTruth(h: Harness): Promise<void> {
  const truth = await brokerTruth(h.broker);
  const ledger = h.coordinator.ledger;
  expect(knownOrders(ledger.orders)).toEqual(knownOrders(truth.orders));
  expect(knownPositions(ledger.positions)).toEqual(knownPositions(truth.positions));
  expect(ledger.account.equity).toBe(truth.equity);
}

describe('coordinator properties (fast-check, seed 42)', () => {
  it('margin used never exceeds capacity after any submit', async () => {
    const stats = { stole: 0, placed: 0, blocked: 0 };
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (s) => {
        const h = await harness({ book: s.book, config: s.config });
        expect(used(h)).toBeLessThanOrEqual(capacity(h) + SLACK);
        for (const step of s.steps) {
          h.clock.t += step.advanceSec * 1000;
          const out = await h.coordinator.submit(step.request, h.broker);
          if (out.status in stats) stats[out.status as keyof typeof stats]++;
          expect(used(h)).toBeLessThanOrEqual(capacity(h) + SLACK);
          if (out.status === 'placed' || out.status === 'stole') {
            // What the decision promised is what the ledger now holds.
            expect(used(h)).toBeCloseTo(out.decision.usedAfter, 6);
          }
        }
        await expectLedgerIsBrokerTruth(h);
        const truth = await brokerTruth(h.broker);
        expect(refUsed(truth.orders, truth.positions, h.state, h.config.margin)).toBeLessThanOrEqual(
          capacity(h) + SLACK,
        );
      }),
      RUNS,
    );
    expect(stats.stole).toBeGreaterThan(0);
    expect(stats.placed).toBeGreaterThan(0);
    expect(stats.blocked).toBeGreaterThan(0);
  });

  it('a block cancels nothing and places nothing: broker calls and ledger unchanged', async () => {
    let blocks = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (s) => {
        const h = await harness({ book: s.book, config: s.config });
        for (const step of s.steps) {
          h.clock.t += step.advanceSec * 1000;
          const calls = { ...h.broker.calls };
          const before = h.coordinator.ledger.snapshot();
          const out = await h.coordinator.submit(step.request, h.broker);
          if (out.status !== 'blocked' && out.status !== 'waited') continue;
          blocks++;
          expect(out.decision.victims).toEqual([]);
          expect(out.cancelled).toEqual([]);
          expect(h.broker.calls).toEqual(calls);
          expect(h.coordinator.ledger.snapshot()).toEqual(before);
        }
      }),
      RUNS,
    );
    expect(blocks).toBeGreaterThan(0);
  });

  it('dry run never calls a broker mutator, yet decides every request as a live run would', async () => {
    let wouldAct = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb({ dryRun: true }), async (s) => {
        const h = await harness({ book: s.book, config: s.config });
        const live = await harness({ book: s.book, config: { ...s.config, dryRun: false } });
        const before = h.coordinator.ledger.snapshot();
        for (const [i, step] of s.steps.entries()) {
          h.clock.t += step.advanceSec * 1000;
          live.clock.t = h.clock.t;
          const out = await h.coordinator.submit(step.request, h.broker);
          expect(h.decisions).toHaveLength(i + 1);
          expect(out.decision.dryRun).toBe(true);
          expect(['waited', 'blocked', 'dry-run']).toContain(out.status);
          // The live twin (never submitted to, so in the same state) decides the same.
          const twin = live.coordinator.decide(step.request);
          expect({ ...decisionRecord(out.decision), dryRun: false }).toEqual(decisionRecord(twin));
          if (twin.action === 'place' || twin.action === 'steal') {
            wouldAct++;
            expect(out.status).toBe('dry-run');
          }
        }
        expect(h.broker.calls.placeLimit).toBe(0);
        expect(h.broker.calls.cancel).toBe(0);
        expect(h.journal.transitions).toEqual([]);
        expect(h.coordinator.ledger.snapshot()).toEqual(before);
        expect(h.coordinator.history.all()).toEqual([]);
      }),
      RUNS,
    );
    expect(wouldAct).toBeGreaterThan(0);
  });

  it('concurrent submits never share a victim nor spend the same freed margin; the ledger ends at the truth', async () => {
    let steals = 0;
    await fc.assert(
      fc.asyncProperty(
        scenarioArb({ minSteps: 2, maxSteps: 8 }),
        fc.integer(),
        fc.array(requestArb({ equity: 10_000 }), { maxLength: 3 }),
        async (s, seed, lateRequests) => {
          const r = rng(seed);
          const gone = new Set<string>();
          const late: Promise<Outcome>[] = [];
          const pendingLate = [...lateRequests];
          const failures: string[] = [];
          const check = (what: string): void => {
            if (used(h) > capacity(h) + SLACK) failures.push(`${what}: used ${used(h)} > ${capacity(h)}`);
          };

          /** Records confirmed cancels synchronously, so every decision can be checked against them. */
          class RecordingBroker extends MemoryBroker {
            override async cancel(orderId: string): Promise<CancelResult> {
              const result = await super.cancel(orderId);
              if (result.status !== 'rejected') gone.add(orderId);
              return result;
            }
          }

          // The callbacks below run only once submits start, after `h` is assigned.
          const h: Harness = await harness({
            book: s.book,
            config: s.config,
            broker: (o) => new RecordingBroker(o),
            onDecision: (d: Decision) => {
              for (const v of d.victims) {
                if (gone.has(v)) failures.push(`victim ${v} chosen again after its cancel`);
                if (!h.coordinator.ledger.hasOrder(v)) failures.push(`victim ${v} is not in the ledger`);
              }
              if ((d.action === 'place' || d.action === 'steal') && d.usedAfter > d.capacity + SLACK)
                failures.push(`decision over capacity: ${d.usedAfter} > ${d.capacity}`);
            },
            faults: {
              delay: async (call) => {
                check(`before ${call}`);
                const n = Math.floor(r() * 5);
                for (let i = 0; i < n; i++) {
                  if (r() < 0.5) await new Promise<void>((res) => setImmediate(res));
                  else await Promise.resolve();
                }
                // Another watcher asks while this confirmation is in flight.
                const next = r() < 0.3 ? pendingLate.shift() : undefined;
                if (next) late.push(h.coordinator.submit(next, h.broker));
                check(`after ${call}`);
              },
            },
          });

          const outcomes = await Promise.all(
            s.steps.map((step) => h.coordinator.submit(step.request, h.broker)),
          );
          while (late.length) outcomes.push(...(await Promise.all(late.splice(0))));
          expect(failures).toEqual([]);

          const cancelled = outcomes.flatMap((o) => o.cancelled);
          expect(new Set(cancelled).size).toBe(cancelled.length);
          const victims = outcomes.filter((o) => o.status === 'stole').flatMap((o) => o.decision.victims);
          expect(new Set(victims).size).toBe(victims.length);
          steals += outcomes.filter((o) => o.status === 'stole').length;
          for (const o of outcomes) expect(['waited', 'blocked', 'placed', 'stole']).toContain(o.status);

          expect(used(h)).toBeLessThanOrEqual(capacity(h) + SLACK);
          await expectLedgerIsBrokerTruth(h);
          const truth = await brokerTruth(h.broker);
          expect(refUsed(truth.orders, truth.positions, h.state, h.config.margin)).toBeLessThanOrEqual(
            capacity(h) + SLACK,
          );
          for (const path of sagaPaths(h.journal).values()) expect(path).toMatch(SAGA_PATH);
        },
      ),
      RUNS,
    );
    expect(steals).toBeGreaterThan(0);
  });
});
