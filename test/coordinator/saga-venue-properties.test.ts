import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemoryBrokerFaults } from '../../src/brokers/memory.js';
import type { Outcome } from '../../src/coordinator/saga.js';
import { bookArb, harness, policyConfigArb, requestArb, rng, sagaPaths } from '../support/arbitraries.js';
import { expectLedgerIsVenue, ticks, UpdateChannel } from './venue-truth.js';

/** Saga paths once answers can be lost: a place without a look-up can also end `aborted`. */
const PATH =
  /^(requested redecide )*requested (aborted|redecide|redecide aborted|victims-cancelled (compensated|aborted|placed done))$/;

/** What the market does between two requests, to a random open order (by index among the open ones). */
type MarketStep = { kind: 'none' | 'partial' | 'fill' | 'done-for-day' | 'next-day'; pick: number };

const marketStepArb: fc.Arbitrary<MarketStep> = fc.record({
  kind: fc.constantFrom('none', 'none', 'partial', 'fill', 'done-for-day', 'next-day'),
  pick: fc.nat(),
});

const scenarioArb = fc
  .record({ overrides: policyConfigArb, bufferPct: fc.constantFrom(0, 0.05) })
  .chain(({ overrides, bufferPct }) =>
    bookArb({ fitBufferPct: bufferPct, minOrders: 1, maxOrders: 10 }).chain((book) =>
      fc.record({
        book: fc.constant(book),
        config: fc.constant({ ...overrides, bufferPct }),
        steps: fc.array(
          fc.record({
            market: marketStepArb,
            request: fc.oneof(
              requestArb({ equity: book.equity }),
              requestArb({ equity: book.equity, distances: [-0.001, 0, 0.002, 0.0057] }),
            ),
          }),
          { minLength: 1, maxLength: 8 },
        ),
      }),
    ),
  );

/** How often each fault strikes: answers lost once per order, updates early, late, repeated and reordered. */
const faultRatesArb = fc.record({
  loseCancel: fc.constantFrom(0, 0.2, 0.5),
  losePlace: fc.constantFrom(0, 0.2, 0.5),
  fillBeforePlaceAnswer: fc.constantFrom(0, 0.3),
  deliverEarly: fc.constantFrom(0, 0.5, 1),
  duplicate: fc.constantFrom(0, 0.3),
  partialBeforeCancel: fc.constantFrom(0, 0.2),
  fillDuringCancel: fc.constantFrom(0, 0.1),
  reject: fc.constantFrom(0, 0.1),
});

describe('saga against an Alpaca-like venue, generated fault sequences (seed 7)', () => {
  it('after every request and once all updates are in, the ledger equals the venue', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(scenarioArb, faultRatesArb, fc.integer(), async (s, p, seed) => {
        const r = rng(seed);
        const lost = new Set<string>();
        const loseOnce = (key: string, rate: number): boolean => {
          if (lost.has(key) || !(r() < rate)) return false;
          lost.add(key);
          return true;
        };
        const faults: MemoryBrokerFaults = {
          rejectCancel: () => (r() < p.reject ? 'venue refused' : null),
          rejectPlace: () => (r() < p.reject ? 'rejected' : null),
          fillDuringCancel: (o) => (r() < p.fillDuringCancel ? o.limitPrice : null),
          partialFillBeforeCancel: (o) => (r() < p.partialBeforeCancel ? o.qty / 2 : null),
          loseAnswer: (call, id) => loseOnce(`${call} ${id}`, call === 'cancel' ? p.loseCancel : p.losePlace),
          beforeAnswer: (call, id) => {
            const placed = call === 'place' ? h.broker.openOrder(id) : undefined;
            if (placed && r() < p.fillBeforePlaceAnswer)
              h.broker.fillOrder(id, placed.limitPrice, r() < 0.5 ? undefined : placed.qty / 2);
            if (r() < p.deliverEarly) deliver(false);
          },
        };
        const h = await harness({ book: s.book, config: s.config, faults });
        const channel = new UpdateChannel(h.broker, h);
        // Deliver queued updates in a random order, some twice; `all` false keeps some back for later.
        const deliver = (all: boolean): void => {
          const keep = all ? [] : channel.queued.filter(() => r() < 0.3);
          channel.queued.splice(0, channel.queued.length, ...channel.queued.filter((u) => !keep.includes(u)));
          channel.deliver(
            (n) => Math.floor(r() * n),
            () => r() < p.duplicate,
          );
          channel.queued.push(...keep);
        };

        for (const step of s.steps) {
          const open = await h.broker.openOrders();
          const target = open.length ? open[step.market.pick % open.length]! : null;
          const { kind } = step.market;
          try {
            if (target && kind === 'partial')
              h.broker.fillOrder(target.id, target.limitPrice, target.qty / 2);
            if (target && kind === 'fill') h.broker.fillOrder(target.id, target.limitPrice);
            if (target && kind === 'done-for-day') h.broker.markDoneForDay(target.id);
          } catch {
            // done for the day: it cannot fill today
          }
          if (kind === 'next-day') h.broker.nextDay();
          deliver(false);

          const before = await h.broker.openOrders();
          let settled = false;
          const pending = h.coordinator.submit(step.request, h.broker).finally(() => (settled = true));
          while (!settled) {
            await ticks(3);
            // A cancel of an order done for the day waits for the next day; it may fill at the open.
            if (!settled && h.broker.waitingForNextDay > 0) {
              const fills = new Map<string, number>();
              for (const o of before) if (r() < 0.3) fills.set(o.id, o.limitPrice);
              h.broker.nextDay(fills);
            }
          }
          const out: Outcome = await pending;
          seen.add(out.status);
          deliver(true);
          await expectLedgerIsVenue(h);
        }
        for (const path of sagaPaths(h.journal).values()) expect(path).toMatch(PATH);
        for (const f of channel.fates) seen.add(`update:${f}`);
      }),
      { seed: 7, numRuns: 300 },
    );
    for (const expected of ['stole', 'placed', 'compensated', 'aborted', 'update:early', 'update:late'])
      expect(seen).toContain(expected);
  });
});
