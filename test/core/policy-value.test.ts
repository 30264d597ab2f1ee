import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VictimRanking, WorkstealConfig } from '../../src/core/config/schema.js';
import { firstPassage } from '../../src/core/fill/normal.js';
import { compareVictims } from '../../src/core/policy/candidates.js';
import { decide } from '../../src/core/policy/decide.js';
import type { Decision } from '../../src/core/policy/decision.js';
import { decisionRecord } from '../../src/core/policy/record.js';
import { historyConfigFor, StealHistory } from '../../src/core/policy/steal-history.js';
import {
  MIN_VICTIM_VALUE_PER_NOTIONAL,
  VAL_P,
  VAL_P_NEXT_BAR,
  VAL_RETURN,
  VAL_SIGMA,
  type Valuator,
} from '../../src/core/policy/valuation.js';
import type { EntryRequest, OpenOrder, Side, StealEvent } from '../../src/core/types.js';
import {
  bookArb,
  historyArb,
  policyConfigArb,
  refUsed,
  refRequirement,
  requestArb,
  SYMBOLS,
  type Book,
  bookInput,
} from '../support/arbitraries.js';
import { config, fullBookOfTwo, order, request, T0 } from '../support/builders.js';

const RUNS = { seed: 12, numRuns: 300 } as const;
const HOT = ['BTCUSD', 'AAPL', 'MSFT'] as const;

/** Per symbol: volatility over the validity (σ of log price) and expected return given a fill; NaN = unknown. */
type Market = Record<string, { sigma: number; e: number }>;

/** A valuator from a plain table: P = 2Φ(−d/σ), next bar over a third of σ; what the fill model would give. */
function tableValuator(market: Market): Valuator {
  const write = (
    symbol: string,
    side: Side,
    limit: number,
    price: number | null,
    out: Float64Array,
  ): void => {
    const m = market[symbol];
    if (!m || price === null) {
      out.fill(Number.NaN, 0, 4);
      return;
    }
    const d = side === 'buy' ? Math.log(price / limit) : Math.log(limit / price);
    out[VAL_P] = firstPassage(d / m.sigma);
    out[VAL_P_NEXT_BAR] = firstPassage((3 * d) / m.sigma);
    out[VAL_RETURN] = m.e;
    out[VAL_SIGMA] = m.sigma;
  };
  return {
    valueOrder: (o, _now, out) => write(o.symbol, o.side, o.limitPrice, o.price, out),
    valueRequest: (r, _now, out) => write(r.symbol, r.side, r.limitPrice, r.price, out),
  };
}

const marketArb: fc.Arbitrary<Market> = fc
  .array(
    fc.record({
      sigma: fc.oneof(
        { arbitrary: fc.constantFrom(0.002, 0.01, 0.03, 0.08), weight: 9 },
        { arbitrary: fc.constant(Number.NaN), weight: 1 },
      ),
      e: fc.constantFrom(-0.01, 0, 0.001, 0.004, 0.01, 0.03),
    }),
    { minLength: SYMBOLS.length, maxLength: SYMBOLS.length },
  )
  .map((rows) => Object.fromEntries(SYMBOLS.map((s, i) => [s, rows[i]!])));

interface Case {
  book: Book;
  request: EntryRequest;
  history: StealEvent[];
  overrides: Partial<WorkstealConfig>;
  market: Market;
}

const valueKeysArb = fc.record({
  victimRanking: fc.constantFrom<VictimRanking>('fillProbability', 'expectedValue'),
  stealHysteresis: fc.constantFrom(0, 0.5, 2),
  stealCostPerNotional: fc.constantFrom(0, 0.0005, 0.005),
  stealerCostPct: fc.constantFrom(0, 0.001),
  protectionFillProbability: fc.constantFrom(0.3, 0.5, 1),
  forceImmediateMinFillProbability: fc.constantFrom(0, 0.1, 0.5),
});

/**
 * Ready requests, mostly buys: a sell of crypto, or of an account too small for margin, is refused as a short
 * before the steal path.
 */
const requestsIn = (book: Book): fc.Arbitrary<EntryRequest> => {
  const ready = fc.oneof(
    requestArb({ equity: book.equity, distances: [-0.001, 0, 0.001, 0.003, 0.0057] }),
    requestArb({ equity: book.equity, distances: [0, 0.002], symbols: HOT }),
  );
  return fc.oneof(
    { weight: 3, arbitrary: ready.filter((r) => r.side === 'buy') },
    { weight: 1, arbitrary: ready },
  );
};

/** Books near or over capacity and ready requests, so that the steal path runs often. */
const caseArb: fc.Arbitrary<Case> = fc
  .record({ policy: policyConfigArb, value: valueKeysArb, market: marketArb, fit: fc.boolean() })
  .chain(({ policy, value, market, fit }) =>
    bookArb({ minOrders: 2, maxOrders: 12, ...(fit ? { fitBufferPct: policy.bufferPct ?? 0 } : {}) }).chain(
      (book) =>
        fc.record({
          book: fc.constant(book),
          overrides: fc.constant({ ...policy, ...value }),
          market: fc.constant(market),
          request: requestsIn(book),
          scale: fc.constantFrom(0.999, 1.001, 1.3, 2, 5),
          history: historyArb({ symbols: HOT, maxEvents: 10, maxSecBefore: 3600 }),
        }),
    ),
  )
  .map(({ scale, ...c }) => ({ ...c, request: scaled(c, scale) }));

/** The request resized so that it needs `scale` × the free margin (at least 2% of equity). */
function scaled(c: Case, scale: number): EntryRequest {
  const cfg = config(c.overrides);
  const state = {
    equity: c.book.equity,
    patternDayTrader: c.book.patternDayTrader,
    sessionOpen: c.book.sessionOpen,
  };
  const free =
    c.book.equity * (1 - cfg.bufferPct) - refUsed(c.book.orders, c.book.positions, state, cfg.margin);
  const req = refRequirement(
    c.request.assetClass,
    state.equity,
    state.patternDayTrader,
    state.sessionOpen,
    cfg.margin,
  );
  const margin = Math.max(free, c.book.equity * 0.02) * scale;
  const qty = Math.max(0.0001, Math.round((margin / req / c.request.limitPrice) * 1e4) / 1e4);
  return { ...c.request, qty };
}

/**
 * Cases that steal at h = 0 whatever the seed draws, under both rankings, the stealer paying a cost or not:
 * two resting stock entries of 2,000 at 50% fill an account of 2,000, and a buy of NVDA at its limit, worth
 * more than either, needs one of them.
 */
const STEAL_CASES: Case[] = (['fillProbability', 'expectedValue'] as const).flatMap((victimRanking) =>
  [0, 0.001].map((stealerCostPct) => ({
    book: fullBookOfTwo(),
    request: request({ symbol: 'NVDA', qty: 10 }),
    history: [],
    overrides: { victimRanking, stealerCostPct },
    market: Object.fromEntries(SYMBOLS.map((s) => [s, { sigma: 0.01, e: s === 'NVDA' ? 0.01 : -0.01 }])),
  })),
);

function run(c: Case, overrides: Partial<WorkstealConfig> = {}): Decision {
  const cfg = config({ ...c.overrides, ...overrides });
  const history = new StealHistory(cfg);
  for (const e of c.history) history.record(e);
  return decide(
    {
      ...bookInput(c.book),
      history,
      request: c.request,
      valuator: tableValuator(c.market),
    },
    cfg,
  );
}

describe('value-aware stealing (victimRanking fillProbability | expectedValue)', () => {
  it('with h very large the decisions equal stealing off exactly, except the block reason', () => {
    let steals = 0;
    let blocks = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        if (run(c, { stealHysteresis: 0, stealCostPerNotional: 0 }).action === 'steal') steals++;
        const huge = run(c, { stealHysteresis: 1e12 });
        const off = run(c, { stealHysteresis: 1e12, stealingEnabled: false });
        expect(huge.action).toBe(off.action);
        expect(huge.victims).toEqual(off.victims);
        expect(huge.usedAfter).toBe(off.usedAfter);
        expect(huge.replaces).toBe(off.replaces);
        if (huge.action !== 'block') expect(huge.reason).toBe(off.reason);
        else blocks++;
      }),
      // The first runs are the steals above, so that every seed has steals at h = 0 to refuse at h large.
      { ...RUNS, examples: STEAL_CASES.map((c) => [c]) },
    );
    // Not vacuous: at h = 0 many of these cases steal, and blocks happen with h large. Over seeds
    // 12 × 31 + 977 × k, k = 1..50, at least 13 cases stole at h = 0 (the four above among them).
    expect(steals).toBeGreaterThan(10);
    expect(blocks).toBeGreaterThan(10);
  });

  it('a steal passes the inequality with its recorded numbers; steal-not-worth fails it', () => {
    let tested = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const d = run(c);
        if (d.action !== 'steal' && d.reason !== 'steal-not-worth') {
          expect(d.stealTest).toBeNull();
          return;
        }
        tested++;
        const s = d.stealTest!;
        const t = d.candidates!;
        const chosen = d.action === 'steal' ? d.victims : [];
        // Recompute from the candidate columns and the request valuation, written again from the steal
        // inequality (src/core/fill/USAGE.md).
        let victimsValue = 0;
        let victimsNotional = 0;
        for (const id of chosen) {
          const i = t.orders.findIndex((o) => o.id === id);
          const o = t.orders[i]!;
          const n = Math.abs(o.qty * o.limitPrice);
          victimsValue += Math.max(t.value!.expectedValue[i]!, MIN_VICTIM_VALUE_PER_NOTIONAL * n);
          victimsNotional += n;
        }
        const cfg = config(c.overrides);
        const rv = d.requestValue!;
        if (Number.isFinite(rv.expectedValue))
          expect(rv.expectedValue).toBeCloseTo(rv.probability * rv.expectedReturn * rv.notional, 9);
        else expect(d.action).toBe('block'); // an unknown stealer never steals
        const factor = d.fight ? (1 + cfg.stealHysteresis) ** 2 : 1 + cfg.stealHysteresis;
        if (d.action === 'steal') {
          expect(s.victimsValue).toBeCloseTo(victimsValue, 9);
          expect(s.victimsNotional).toBeCloseTo(victimsNotional, 9);
          expect(s.factor).toBe(factor);
          expect(s.passed).toBe(true);
          expect(rv.expectedValue).toBeGreaterThan(0);
          expect(rv.expectedValue - cfg.stealerCostPct * rv.notional).toBeGreaterThanOrEqual(
            factor * victimsValue + cfg.stealCostPerNotional * victimsNotional - 1e-9,
          );
        } else {
          expect(s.passed).toBe(false);
          expect(!(s.stealerValue > 0) || s.lhs < s.rhs).toBe(true);
        }
      }),
      RUNS,
    );
    expect(tested).toBeGreaterThan(10);
  });

  it('victims are the lowest-ranked by value (density or P, then the distance rule): a minimal covering prefix', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const d = run(c);
        if (d.action !== 'steal') return;
        const t = d.candidates!;
        const v = t.value!;
        const score = c.overrides.victimRanking === 'fillProbability' ? v.probability : v.density;
        const eligible = t.orders.map((_, i) => i).filter((i) => t.reason[i] === 0);
        eligible.sort((i, j) => score[i]! - score[j]! || compareVictims(t, i, j));
        const ids = eligible.slice(0, d.victims.length).map((i) => t.orders[i]!.id);
        expect(d.victims).toEqual(ids);
        const freed = eligible.slice(0, d.victims.length - 1).reduce((s, i) => s + t.margin[i]!, 0);
        expect(freed).toBeLessThan(d.shortfall + 1e-9); // one fewer would not have been enough
      }),
      RUNS,
    );
  });

  it('never takes a victim likely to fill within the next bar, nor one without an estimate', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const d = run(c);
        const t = d.candidates;
        if (!t) return;
        const cfg = config(c.overrides);
        const record = decisionRecord(d).candidates as {
          id: string;
          eligible: boolean;
          reason: string | null;
        }[];
        for (let i = 0; i < t.orders.length; i++) {
          const o = t.orders[i]!;
          const pNext = t.value!.nextBarProbability[i]!;
          if (d.victims.includes(o.id)) {
            expect(pNext).toBeLessThan(cfg.protectionFillProbability);
            expect(Number.isNaN(t.value!.expectedValue[i]!)).toBe(false);
          }
          const rec = record.find((r) => r.id === o.id)!;
          if (rec.reason === 'protected-fill-probability')
            expect(pNext).toBeGreaterThanOrEqual(cfg.protectionFillProbability);
          if (rec.reason === 'no-estimate')
            expect(Number.isNaN(c.market[o.symbol]!.sigma) || o.price === null).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('same input, same decision record', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        expect(JSON.stringify(decisionRecord(run(c)))).toBe(JSON.stringify(decisionRecord(run(c))));
      }),
      RUNS,
    );
  });
});

describe('victimRanking auto', () => {
  it('is expectedValue with a valuator and distance without one, decision for decision', () => {
    let steals = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const auto = run(c, { victimRanking: 'auto' });
        const ev = run(c, { victimRanking: 'expectedValue' });
        expect(JSON.stringify(decisionRecord(auto))).toBe(JSON.stringify(decisionRecord(ev)));
        expect(auto.ranking).toBe('expectedValue');
        if (auto.action === 'steal') steals++;
        const cfg = config({ ...c.overrides, victimRanking: 'auto' });
        const input = { ...bookInput(c.book), request: c.request, valuator: null };
        const withoutValuator = decide({ ...input, history: historyOf(c, cfg) }, cfg);
        const distanceCfg = config({ ...c.overrides, victimRanking: 'distance' });
        const distance = decide({ ...input, history: historyOf(c, distanceCfg) }, distanceCfg);
        expect(JSON.stringify(decisionRecord(withoutValuator))).toBe(
          JSON.stringify(decisionRecord(distance)),
        );
        expect(withoutValuator.ranking).toBe('distance');
      }),
      RUNS,
    );
    // Not vacuous: some of these cases steal under the value rule.
    expect(steals).toBeGreaterThan(0);
  });
});

function historyOf(c: Case, cfg: WorkstealConfig): StealHistory {
  const history = new StealHistory(cfg);
  for (const e of c.history) history.record(e);
  return history;
}

describe('value rules, by example', () => {
  const market: Market = {
    BTCUSD: { sigma: 0.03, e: 0.01 },
    ETHUSD: { sigma: 0.03, e: 0.002 },
    AAPL: { sigma: 0.01, e: 0.004 },
    MSFT: { sigma: 0.01, e: 0.004 },
  };
  const base = {
    now: T0,
    sessionOpen: true,
    account: { equity: 2_000, patternDayTrader: false },
    positions: [],
    valuator: tableValuator(market),
  };
  const orders: OpenOrder[] = [
    // AAPL far away (low P), MSFT nearer (higher P): distance would take AAPL.
    order({ id: 'a', symbol: 'AAPL', price: 104 }),
    order({ id: 'm', symbol: 'MSFT', price: 101 }),
  ];
  const history = (c: WorkstealConfig): StealHistory => new StealHistory(c);

  it('a steal that pays happens; the same steal with a high bar for it is steal-not-worth', () => {
    const req = request({ symbol: 'BTCUSD', assetClass: 'crypto', qty: 10, price: 100 });
    const cfg = config({ victimRanking: 'expectedValue', stealHysteresis: 0 });
    const d = decide({ ...base, orders, history: history(cfg), request: req }, cfg);
    expect(d.action).toBe('steal');
    expect(d.victims).toEqual(['a']);
    expect(d.stealTest!.passed).toBe(true);
    const strict = config({ victimRanking: 'expectedValue', stealHysteresis: 1e6 });
    const b = decide({ ...base, orders, history: history(strict), request: req }, strict);
    expect([b.action, b.reason]).toEqual(['block', 'steal-not-worth']);
    expect(b.stealTest!.lhs).toBeLessThan(b.stealTest!.rhs);
  });

  it('a force-immediate order with a fill chance below the threshold waits (fill-unlikely)', () => {
    const far = request({ symbol: 'ETHUSD', assetClass: 'crypto', qty: 1, price: 110, cryptoRank: 1 });
    const cfg = config({ victimRanking: 'expectedValue', forceImmediateMinFillProbability: 0.1 });
    const d = decide({ ...base, sessionOpen: false, orders: [], history: history(cfg), request: far }, cfg);
    expect([d.action, d.reason]).toEqual(['wait', 'fill-unlikely']);
    expect(d.requestValue!.probability).toBeLessThan(0.1);
    const distance = config({ victimRanking: 'distance' });
    const old = decide(
      { ...base, sessionOpen: false, orders: [], history: history(distance), request: far },
      distance,
    );
    expect(old.action).toBe('place'); // today's rule rests it at any distance
  });

  it('the steal budget blocks a symbol that already made its steals in the last 24 hours', () => {
    const req = request({ symbol: 'BTCUSD', assetClass: 'crypto', qty: 10, price: 100 });
    const cfg = config({ stealBudgetPerDay: 2 });
    const h = history(cfg);
    h.record({ at: T0 - 20 * 3_600_000, thief: 'BTCUSD', victim: 'ETHUSD' });
    h.record({ at: T0 - 10 * 3_600_000, thief: 'BTCUSD', victim: 'SOLUSD' });
    const d = decide({ ...base, orders, history: h, request: req }, cfg);
    expect([d.action, d.reason]).toEqual(['block', 'steal-budget']);
    const later = decide({ ...base, now: T0 + 4 * 3_600_000 + 1, orders, history: h, request: req }, cfg);
    expect(later.action).toBe('steal'); // the first steal is now more than 24 hours old
  });

  it('a value ranking without a valuator is an error that says what to do', () => {
    const cfg = config({ victimRanking: 'fillProbability' });
    const req = request({ symbol: 'BTCUSD', assetClass: 'crypto' });
    expect(() =>
      decide({ ...base, valuator: null, orders, history: history(cfg), request: req }, cfg),
    ).toThrow(/victimRanking 'fillProbability' needs .*valuator.*'distance'/);
  });

  it('cooldowns and fight windows given in bars become seconds of the session’s bar length', () => {
    const cfg = config({ cooldownBars: 2, fightWindowBars: 24, fightCooldownBars: 0, fightCooldownSec: 645 });
    expect(historyConfigFor(cfg, 3_600_000)).toMatchObject({
      cooldownSec: 7200,
      fightWindowSec: 86_400,
      fightCooldownSec: 645,
    });
    expect(historyConfigFor(config(), 3_600_000)).toMatchObject({ cooldownSec: 166, fightWindowSec: 1800 });
  });
});
