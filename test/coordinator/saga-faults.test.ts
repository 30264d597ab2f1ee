import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemoryBrokerFaults } from '../../src/brokers/memory.js';
import type { OpenOrder } from '../../src/core/types.js';
import { REASON_CODE } from '../../src/core/policy/decision.js';
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
import { order, request } from '../support/builders.js';

/**
 * The steal saga against a venue that misbehaves. The base situation (as in the seed examples): equity 2,000
 * without PDT, so stocks hold 50%; AAPL (10% away) and MSFT (5% away) each hold 1,000 and fill the account;
 * NVDA asks for 10 × 100 = 500 and is short by 500, so AAPL is the victim.
 */
const aapl = (): OpenOrder => order({ id: 'aapl', symbol: 'AAPL', price: 110 });
const msft = (price = 105): OpenOrder => order({ id: 'msft', symbol: 'MSFT', price });
const nvda = request({ symbol: 'NVDA', price: 100.1 });

function book(orders: OpenOrder[], equity = 2_000): Book {
  return { equity, patternDayTrader: false, sessionOpen: true, orders, positions: [] };
}

const states = (h: Harness): string[] => h.journal.transitions.map((t) => t.state);
const used = (h: Harness): number => h.coordinator.ledger.usedMargin(h.state.sessionOpen, h.config.margin);

/** The ledger equals the broker's truth on broker-known fields, and holds the margin that truth holds. */
async function expectLedgerIsBrokerTruth(h: Harness): Promise<void> {
  const truth = await brokerTruth(h.broker);
  const ledger = h.coordinator.ledger;
  expect(knownOrders(ledger.orders)).toEqual(knownOrders(truth.orders));
  expect(knownPositions(ledger.positions)).toEqual(knownPositions(truth.positions));
  expect(ledger.account.equity).toBe(truth.equity);
  expect(used(h)).toBeCloseTo(refUsed(truth.orders, truth.positions, h.state, h.config.margin), 6);
}

async function run(orders: OpenOrder[], faults: MemoryBrokerFaults, equity = 2_000) {
  const h = await harness({ book: book(orders, equity), faults });
  return h;
}

describe('steal saga under faults', () => {
  it('without faults: cancel, confirm, place (requested → victims-cancelled → placed → done)', async () => {
    const h = await run([aapl(), msft()], {});
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('stole');
    expect(out.cancelled).toEqual(['aapl']);
    expect(states(h)).toEqual(['requested', 'victims-cancelled', 'placed', 'done']);
    expect(h.coordinator.history.all().map((e) => [e.thief, e.victim])).toEqual([['NVDA', 'AAPL']]);
    await expectLedgerIsBrokerTruth(h);
  });

  it('cancel rejected: aborted, nothing placed, the ledger takes the venue’s word', async () => {
    const h = await run([aapl(), msft()], { rejectCancel: (id) => (id === 'aapl' ? 'too late' : null) });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('aborted');
    expect(out.detail).toMatch(/aapl.*too late/);
    expect(out.cancelled).toEqual([]);
    expect(h.broker.calls.placeLimit).toBe(0);
    expect(states(h)).toEqual(['requested', 'aborted']);
    expect(h.coordinator.ledger.hasOrder('aapl')).toBe(true);
    expect(h.coordinator.history.all()).toEqual([]);
    await expectLedgerIsBrokerTruth(h);
  });

  it('second cancel rejected: the first cancel stands and its margin is free in the ledger', async () => {
    const tsla = order({ id: 'tsla', symbol: 'TSLA', price: 102 });
    const h = await run(
      [aapl(), msft(), tsla],
      { rejectCancel: (id) => (id === 'msft' ? 'locked' : null) },
      3_000,
    );
    const out = await h.coordinator.submit(request({ symbol: 'NVDA', qty: 30, price: 100.1 }), h.broker);
    expect(out.decision.victims).toEqual(['aapl', 'msft']);
    expect(out.status).toBe('aborted');
    expect(out.cancelled).toEqual(['aapl']);
    expect(states(h)).toEqual(['requested', 'aborted']);
    expect(used(h)).toBeCloseTo(2_000, 9);
    await expectLedgerIsBrokerTruth(h);
  });

  it('the victim fills during its cancel: treated as filled (a position), the request is decided again', async () => {
    const h = await run([aapl(), msft()], { fillDuringCancel: (o) => (o.id === 'aapl' ? 100 : null) });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('stole');
    expect(out.filledDuringCancel).toEqual(['aapl']);
    expect(out.decisions.map((d) => d.victims)).toEqual([['aapl'], ['msft']]);
    expect(out.cancelled).toEqual(['msft']);
    expect(states(h)).toEqual(['requested', 'redecide', 'requested', 'victims-cancelled', 'placed', 'done']);
    expect(h.coordinator.ledger.position('AAPL')).toMatchObject({ qty: 20, price: 100 });
    // Only the steal that happened is in the history.
    expect(h.coordinator.history.all().map((e) => e.victim)).toEqual(['MSFT']);
    expect(used(h)).toBeLessThanOrEqual(2_000 + 1e-6);
    await expectLedgerIsBrokerTruth(h);
  });

  it('the victim fills during its cancel and no other victim is left: the new decision blocks', async () => {
    const h = await run([aapl(), msft(100.05)], { fillDuringCancel: (o) => (o.id === 'aapl' ? 99.5 : null) });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('blocked');
    expect(out.decision.reason).toBe('no-eligible-victims');
    expect(out.decisions).toHaveLength(2);
    expect(h.broker.calls.placeLimit).toBe(0);
    expect(states(h)).toEqual(['requested', 'redecide']);
    await expectLedgerIsBrokerTruth(h);
  });

  it('victims keep filling during their cancel: aborted after maxRedecide attempts', async () => {
    const orders = ['a', 'b', 'c', 'd'].map((id, i) =>
      order({ id, symbol: `S${id.toUpperCase()}`, qty: 10, price: 110 - 2 * i }),
    );
    const h = await run(orders, { fillDuringCancel: (o) => o.limitPrice });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('aborted');
    expect(out.detail).toMatch(/kept filling/);
    expect(out.filledDuringCancel).toEqual(['a', 'b', 'c']);
    expect(states(h)).toEqual([
      'requested',
      'redecide',
      'requested',
      'redecide',
      'requested',
      'redecide',
      'aborted',
    ]);
    expect(h.broker.calls.placeLimit).toBe(0);
    await expectLedgerIsBrokerTruth(h);
  });

  it('partial fill before the cancel: the filled part is a position, the rest is cancelled, then placed', async () => {
    const h = await run([aapl(), msft()], { partialFillBeforeCancel: (o) => (o.id === 'aapl' ? 5 : null) });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('stole');
    expect(out.cancelled).toEqual(['aapl']);
    // The partial fill freed less than planned, so the coordinator decides again before placing.
    expect(states(h)).toEqual(['requested', 'redecide', 'requested', 'victims-cancelled', 'placed', 'done']);
    expect(out.decisions.map((d) => d.action)).toEqual(['steal', 'place']);
    expect(h.coordinator.history.all().map((e) => e.victim)).toEqual(['AAPL']);
    expect(h.coordinator.ledger.position('AAPL')?.qty).toBe(5);
    // 1,000 (MSFT) + 5 × 100 × 50% (the AAPL position) + 500 (NVDA).
    expect(used(h)).toBeCloseTo(1_750, 9);
    await expectLedgerIsBrokerTruth(h);
  });

  // AAPL fills 19 of 20 before its cancel takes effect: only 50 of the 500 needed is freed (the 19 shares
  // now hold 950 as a position). The coordinator decides again instead of placing over capacity.
  it('a partial fill that eats the freed margin never leads to a placement over capacity', async () => {
    const h = await run([aapl(), msft()], { partialFillBeforeCancel: (o) => (o.id === 'aapl' ? 19 : null) });
    await h.coordinator.submit(nvda, h.broker);
    await expectLedgerIsBrokerTruth(h);
    expect(used(h)).toBeLessThanOrEqual(h.coordinator.ledger.capacity(h.config.bufferPct) + 1e-6);
  });

  it('place rejected after the cancels: compensated, the cancels stand, the freed margin is not lost', async () => {
    let reject = true;
    const h = await run([aapl(), msft()], {
      rejectPlace: () => (reject ? 'insufficient buying power' : null),
    });
    const out = await h.coordinator.submit(nvda, h.broker);
    expect(out.status).toBe('compensated');
    expect(out.cancelled).toEqual(['aapl']);
    expect(out.orderId).toBeNull();
    expect(states(h)).toEqual(['requested', 'victims-cancelled', 'compensated']);
    expect(h.coordinator.history.all()).toEqual([]);
    expect(used(h)).toBeCloseTo(1_000, 9);
    await expectLedgerIsBrokerTruth(h);
    // The freed 1,000 is usable: the next request places without stealing anything.
    reject = false;
    const cancels = h.broker.calls.cancel;
    const again = await h.coordinator.submit(request({ symbol: 'TSLA', qty: 20, price: 100.1 }), h.broker);
    expect(again.status).toBe('placed');
    expect(h.broker.calls.cancel).toBe(cancels);
    expect(used(h)).toBeCloseTo(2_000, 9);
    await expectLedgerIsBrokerTruth(h);
  });

  it('slow confirmation: another symbol is decided meanwhile, never takes the pending victim, counts its margin', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = await run([aapl(), msft()], {
      delay: async (call, id) => {
        if (call === 'cancel' && id === 'aapl') await gate;
      },
    });
    const first = h.coordinator.submit(nvda, h.broker);
    const second = h.coordinator.submit(request({ symbol: 'TSLA', qty: 20, price: 100.1 }), h.broker);
    // TSLA is decided and carried out while AAPL's cancel is unconfirmed (the coordinator is not held).
    const b = await second;
    expect(h.decisions.map((d) => d.request.symbol)).toEqual(['NVDA', 'TSLA']);
    // AAPL, whose cancel is pending, still holds its 1,000 and is no candidate; NVDA's claim (500) is within
    // it. TSLA needs 1,000 with none free: it takes MSFT, never AAPL.
    expect(b.status).toBe('stole');
    expect(b.decision.victims).toEqual(['msft']);
    expect(b.decision.usedBefore).toBeCloseTo(2_000, 9);
    expect(
      b.decision.candidates!.reason[b.decision.candidates!.orders.findIndex((o) => o.id === 'aapl')],
    ).toBe(REASON_CODE['pending-cancel']); // not ours to take while another saga cancels it
    expect(h.coordinator.claims.size).toBe(1);
    expect(h.coordinator.claims.cancelledBy('aapl')).toBe(h.journal.transitions[0]!.sagaId);
    release();
    const a = await first;
    expect(a.status).toBe('stole');
    expect(a.cancelled).toEqual(['aapl']);
    expect(states(h)).toEqual([
      'requested',
      ...['requested', 'victims-cancelled', 'placed', 'done'],
      ...['victims-cancelled', 'placed', 'done'],
    ]);
    expect(h.coordinator.claims.size).toBe(0);
    expect(used(h)).toBeCloseTo(500 + 1_000, 9); // NVDA + TSLA
    await expectLedgerIsBrokerTruth(h);
  });

  it("slow confirmation: a request for the same symbol waits for that symbol's saga, then decides", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = await run([aapl(), msft()], {
      delay: async (call, id) => {
        if (call === 'cancel' && id === 'aapl') await gate;
      },
    });
    const first = h.coordinator.submit(nvda, h.broker);
    const second = h.coordinator.submit(request({ symbol: 'NVDA', qty: 5, price: 100.1 }), h.broker);
    for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(h.decisions.map((d) => d.request.symbol)).toEqual(['NVDA']);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.status).toBe('stole');
    // The second NVDA request replaces the order the first placed (freeing its 500): it fits without a steal.
    expect(b.decision.replaces).toBe(a.orderId);
    expect(b.status).toBe('placed');
    await expectLedgerIsBrokerTruth(h);
  });
});

describe('steal saga fault property (seed 42)', () => {
  const probabilities = fc.record({
    rejectCancel: fc.constantFrom(0, 0.1, 0.3),
    fill: fc.constantFrom(0, 0.1, 0.3),
    partial: fc.constantFrom(0, 0.1, 0.3),
    rejectPlace: fc.constantFrom(0, 0.1, 0.3),
  });
  const scenario = fc
    .record({ overrides: policyConfigArb, bufferPct: fc.constantFrom(0, 0.05) })
    .chain(({ overrides, bufferPct }) =>
      bookArb({ fitBufferPct: bufferPct, minOrders: 1, maxOrders: 10 }).chain((b) =>
        fc.record({
          book: fc.constant(b),
          config: fc.constant({ ...overrides, bufferPct }),
          requests: fc.array(
            fc.oneof(
              requestArb({ equity: b.equity }),
              requestArb({ equity: b.equity, distances: [-0.001, 0, 0.002, 0.0057] }),
            ),
            { minLength: 1, maxLength: 8 },
          ),
        }),
      ),
    );

  it('random faults on random books: the ledger always equals the broker’s truth; journals and outcomes agree', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(scenario, probabilities, fc.integer(), async (s, p, seed) => {
        const r = rng(seed);
        const faults: MemoryBrokerFaults = {
          rejectCancel: () => (r() < p.rejectCancel ? 'venue refused' : null),
          fillDuringCancel: (o) => (r() < p.fill ? o.limitPrice * (0.99 + 0.02 * r()) : null),
          partialFillBeforeCancel: (o) =>
            r() < p.partial ? o.qty * [0.25, 0.5, 1][Math.floor(r() * 3)]! : null,
          rejectPlace: () => (r() < p.rejectPlace ? 'rejected' : null),
          delay: async () => {
            const n = Math.floor(r() * 3);
            for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
          },
        };
        const h = await harness({ book: s.book, config: s.config, faults });
        const outcomes: Outcome[] = [];
        for (const req of s.requests) {
          const from = h.journal.transitions.length;
          const out = await h.coordinator.submit(req, h.broker);
          outcomes.push(out);
          seen.add(out.status);
          await expectLedgerIsBrokerTruth(h);
          const fresh = h.journal.transitions.slice(from).map((t) => t.state);
          const last = fresh.at(-1);
          switch (out.status) {
            case 'placed':
            case 'stole':
              expect(last).toBe('done');
              break;
            case 'aborted':
              expect(last).toBe('aborted');
              break;
            case 'compensated':
              expect(last).toBe('compensated');
              break;
            default:
              expect(last === undefined || last === 'redecide').toBe(true);
          }
        }
        for (const path of sagaPaths(h.journal).values()) expect(path).toMatch(SAGA_PATH);
        const cancelled = outcomes.flatMap((o) => [...o.cancelled, ...o.filledDuringCancel]);
        expect(new Set(cancelled).size).toBe(cancelled.length);
      }),
      { seed: 42, numRuns: 200 },
    );
    for (const status of ['stole', 'placed', 'aborted', 'compensated', 'blocked'])
      expect(seen).toContain(status);
  });
});
