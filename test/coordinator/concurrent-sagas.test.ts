import { describe, expect, it } from 'vitest';
import type { OpenOrder } from '../../src/core/types.js';
import { REASON_CODE, type Decision } from '../../src/core/policy/decision.js';
import { candidateRecords } from '../../src/core/policy/record.js';
import { renderDecision } from '../../src/explain/render.js';
import { harness } from '../support/arbitraries.js';
import { order, request } from '../support/builders.js';

/**
 * Sagas that wait for their broker while other symbols' requests are decided (claims.ts): equity 3,000
 * without PDT (stocks hold 50%), three resting orders of 1,000 fill it. NVDA needs 500: it steals the
 * farthest order, AAPL's a2, whose cancel the venue holds until the test lets it go.
 */
const a1 = (): OpenOrder => order({ id: 'a1', symbol: 'AAPL', price: 110 });
const a2 = (): OpenOrder => order({ id: 'a2', symbol: 'AAPL', price: 112 });
const m = (): OpenOrder => order({ id: 'm', symbol: 'MSFT', price: 105 });
const nvda = request({ symbol: 'NVDA', price: 100.1 });
const tsla = request({ symbol: 'TSLA', qty: 20, price: 100.1 });

async function setup(reject: { a2: boolean }, cooldownSec = 600) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const h = await harness({
    book: {
      equity: 3_000,
      patternDayTrader: false,
      sessionOpen: true,
      orders: [a1(), a2(), m()],
      positions: [],
    },
    config: { cooldownSec, victimRanking: 'distance' },
    faults: {
      delay: async (call, id) => {
        if (call === 'cancel' && id === 'a2') await gate;
      },
      rejectCancel: (id) => (id === 'a2' && reject.a2 ? 'too late' : null),
    },
  });
  return { h, release };
}

const reasonOf = (d: Decision, id: string): number =>
  d.candidates!.reason[d.candidates!.orders.findIndex((o) => o.id === id)]!;

const ticks = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('sagas in flight beside other decisions', () => {
  it("a request whose symbol's order is another saga's pending victim waits for that cancel's answer", async () => {
    const { h, release } = await setup({ a2: true });
    const first = h.coordinator.submit(nvda, h.broker);
    await ticks();
    expect(h.decisions[0]!.victims).toEqual(['a2']);
    const aapl = h.coordinator.submit(request({ symbol: 'AAPL', price: 100.1 }), h.broker);
    await ticks();
    // Not decided while a2's cancel is out: it would place beside a2, which the venue may keep.
    expect(h.decisions).toHaveLength(1);
    release();
    expect((await first).status).toBe('aborted');
    const b = await aapl;
    // The refused cancel left a2 open: AAPL's request now sees it as its own order, not an external one.
    expect(b.decision.time).toBeGreaterThanOrEqual(h.decisions[0]!.time);
    expect(b.decision.replaces).toBe('a2');
    expect(h.coordinator.claims.size).toBe(0);
  });

  it("a steal's cooldown counts from its decision: the other decision does not take the cooling symbol", async () => {
    const { h, release } = await setup({ a2: false });
    const first = h.coordinator.submit(nvda, h.broker);
    await ticks();
    expect(h.decisions[0]!.victims).toEqual(['a2']);
    // NVDA's steal from AAPL is in the history while its cancel is pending.
    expect(h.coordinator.history.isCooling('AAPL', h.clock.t)).toBe(true);
    const b = await h.coordinator.submit(tsla, h.broker);
    // a2 is pending cancel in NVDA's saga, a1 cools (AAPL was just stolen from): TSLA takes MSFT.
    expect(b.decision.victims).toEqual(['m']);
    expect(reasonOf(b.decision, 'a2')).toBe(REASON_CODE['pending-cancel']);
    expect(reasonOf(b.decision, 'a1')).toBe(REASON_CODE.cooldown);
    release();
    expect((await first).status).toBe('stole');
    // Each done saga's steal is recorded once, when it is done (TSLA's first).
    expect(h.coordinator.history.all().map((e) => `${e.thief}<${e.victim}`)).toEqual([
      'TSLA<MSFT',
      'NVDA<AAPL',
    ]);
    expect(h.coordinator.claims.size).toBe(0);
  });

  it('a decision taken while a cancel is pending shows that order as pending-cancel, by its saga', async () => {
    const { h, release } = await setup({ a2: false });
    const first = h.coordinator.submit(nvda, h.broker);
    await ticks();
    const sagaId = h.coordinator.claims.cancelledBy('a2')!;
    expect(sagaId).toBe(h.journal.transitions[0]!.sagaId);
    const b = await h.coordinator.submit(tsla, h.broker);
    // Our own entry, another saga's victim: not an external order (it was shown as `external` before).
    const a2 = candidateRecords(b.decision).find((c) => c.id === 'a2')!;
    expect(a2).toMatchObject({ eligible: false, reason: 'pending-cancel', victim: false });
    expect(b.decision.candidates!.orders.find((o) => o.id === 'a2')).toMatchObject({
      external: false,
      pendingCancelBy: sagaId,
    });
    // It still holds its 1,000 (three orders of 1,000, NVDA's claim within a2's): TSLA had to steal.
    expect(b.decision.usedBefore).toBeCloseTo(3_000, 9);
    expect(renderDecision(b.decision)).toContain(`pending-cancel (being cancelled by saga ${sagaId}`);
    // The ledger's own order is not marked: only what the decision was given.
    expect(h.coordinator.ledger.order('a2')!.pendingCancelBy).toBeUndefined();
    release();
    expect((await first).status).toBe('stole');
  });

  it("a pending cancel of the request's own symbol is no replaced order for a decision taken meanwhile", async () => {
    // No cooldown: AAPL, NVDA's victim, may steal meanwhile, so its decision builds a candidate table.
    const { h, release } = await setup({ a2: true }, 0);
    const first = h.coordinator.submit(nvda, h.broker);
    await ticks();
    // AAPL buys 1,500 of margin on the side of a1 and a2, a2's cancel out: decided now (not carried out), it
    // replaces a1, never a2, and is short: a2 keeps its pending-cancel reason (not same-symbol), a1 is
    // same-symbol, MSFT is the victim.
    const aapl = request({ symbol: 'AAPL', qty: 30, price: 100.1 });
    const d = h.coordinator.decide(aapl);
    expect(d.replaces).toBe('a1');
    expect(d.action).toBe('steal');
    expect(d.victims).toEqual(['m']);
    expect(reasonOf(d, 'a2')).toBe(REASON_CODE['pending-cancel']);
    expect(reasonOf(d, 'a1')).toBe(REASON_CODE['same-symbol']);
    release();
    expect((await first).status).toBe('aborted');
    // The refused cancel: a2 is an order like any other again, the last of AAPL's, the one replaced.
    const after = h.coordinator.decide(aapl);
    expect(after.replaces).toBe('a2');
    expect(reasonOf(after, 'a2')).toBe(REASON_CODE['same-symbol']);
  });

  it('a saga that ends without its steal takes its cooldown back; its claim goes', async () => {
    const { h, release } = await setup({ a2: true });
    const first = h.coordinator.submit(nvda, h.broker);
    await ticks();
    expect(h.coordinator.claims.size).toBe(1);
    release();
    const a = await first;
    expect(a.status).toBe('aborted');
    expect(h.coordinator.history.all()).toEqual([]);
    expect(h.coordinator.claims.size).toBe(0);
    // AAPL does not cool: the next steal takes a2 (the farthest, open again after the refused cancel).
    const b = await h.coordinator.submit(tsla, h.broker);
    expect(b.decision.victims).toEqual(['a2']);
  });

  it("a claim holds the stealer's margin beyond its pending victims until the placement lands", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Room for NVDA's 500 without a steal: its saga only places, and the venue holds the placement.
    const h = await harness({
      book: { equity: 3_000, patternDayTrader: false, sessionOpen: true, orders: [a1(), m()], positions: [] },
      config: { victimRanking: 'distance' },
      faults: {
        delay: async (call) => {
          if (call === 'place') await gate;
        },
      },
    });
    const first = h.coordinator.submit(nvda, h.broker);
    await ticks();
    expect(h.decisions[0]!.action).toBe('place');
    // TSLA needs 1,000 with 1,000 free in the ledger, but NVDA's 500 is claimed: it must steal.
    const second = h.coordinator.submit(tsla, h.broker);
    await ticks();
    const d = h.decisions[1]!;
    expect(d.usedBefore).toBeCloseTo(2_500, 9);
    expect(d.action).toBe('steal');
    release();
    await Promise.all([first, second]);
    const used = h.coordinator.ledger.usedMargin(true, h.config.margin);
    expect(used).toBeLessThanOrEqual(3_000 + 1e-9);
    expect(h.coordinator.claims.size).toBe(0);
  });
});
