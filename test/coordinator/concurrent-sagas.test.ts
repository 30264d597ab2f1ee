import { describe, expect, it } from 'vitest';
import type { OpenOrder } from '../../src/core/types.js';
import { REASON_CODE, type Decision } from '../../src/core/policy/decision.js';
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

async function setup(reject: { a2: boolean }) {
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
    config: { cooldownSec: 600, victimRanking: 'distance' },
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
    // a2 is pending (external), a1 cools (AAPL was just stolen from): TSLA takes MSFT.
    expect(b.decision.victims).toEqual(['m']);
    expect(reasonOf(b.decision, 'a2')).toBe(REASON_CODE.external);
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
