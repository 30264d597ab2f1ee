/**
 * The service stores decision records in column form (src/service/stored-record.ts) and expands them when
 * they are read. Read back through JSON, a stored record must be exactly the readable record, under every
 * ranking, with unknown distances and valuations, ties and victims; and what `run` wrote stays as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VictimRanking } from '../../src/core/config/schema.js';
import { rankEligible } from '../../src/core/policy/candidates.js';
import { decide } from '../../src/core/policy/decide.js';
import { INELIGIBLE_REASONS, type Decision } from '../../src/core/policy/decision.js';
import { decisionRecord } from '../../src/core/policy/record.js';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import type { EntryRequest } from '../../src/core/types.js';
import {
  VAL_P,
  VAL_P_NEXT_BAR,
  VAL_RETURN,
  VAL_SIGMA,
  type Valuator,
} from '../../src/core/policy/valuation.js';
import { readStoredRecord, storedRecord, StoredRecordWriter } from '../../src/service/stored-record.js';
import {
  bookArb,
  bookInput,
  historyArb,
  policyConfigArb,
  requestArb,
  SYMBOLS,
} from '../support/arbitraries.js';
import { config, fullBookOfTwo, request } from '../support/builders.js';

/** Per symbol σ and expected return; NaN: unknown (the candidate is not valued). */
const marketArb = fc
  .array(fc.record({ sigma: fc.constantFrom(0.003, 0.02, Number.NaN), e: fc.constantFrom(-0.01, 0, 0.01) }), {
    minLength: SYMBOLS.length,
    maxLength: SYMBOLS.length,
  })
  .map((rows) => Object.fromEntries(SYMBOLS.map((s, i) => [s, rows[i]!])));

function valuator(market: Record<string, { sigma: number; e: number }>): Valuator {
  const write = (symbol: string, price: number | null, limit: number, out: Float64Array): void => {
    const m = market[symbol];
    if (!m || price === null) return void out.fill(Number.NaN, 0, 4);
    const d = Math.abs(Math.log(price / limit));
    out[VAL_P] = Math.exp(-d / m.sigma);
    out[VAL_P_NEXT_BAR] = Math.exp((-3 * d) / m.sigma);
    out[VAL_RETURN] = m.e;
    out[VAL_SIGMA] = m.sigma;
  };
  return {
    valueOrder: (o, _now, out) => write(o.symbol, o.price, o.limitPrice, out),
    valueRequest: (r, _now, out) => write(r.symbol, r.price, r.limitPrice, out),
  };
}

/** A book, a policy, a market and a steal history: the world one or several requests are decided in. */
const worldArb = (minOrders = 0) =>
  fc.record({
    policy: policyConfigArb,
    ranking: fc.constantFrom<VictimRanking>('distance', 'fillProbability', 'expectedValue'),
    market: marketArb,
    book: fc
      .boolean()
      .chain((fit) => bookArb({ minOrders, maxOrders: 14, ...(fit ? { fitBufferPct: 0 } : {}) })),
    history: historyArb({ maxEvents: 6, maxSecBefore: 3600 }),
    scale: fc.constantFrom(0.5, 2, 6, 20),
  });
type World = ReturnType<typeof worldArb> extends fc.Arbitrary<infer W> ? W : never;

const requestIn = (w: World): fc.Arbitrary<EntryRequest> =>
  fc.oneof(
    { arbitrary: requestArb({ equity: w.book.equity }), weight: 1 },
    // Ready to steal (within every steal tolerance the config arbitrary picks), and a buy: a sell of crypto, or
    // of an account too small for margin, is refused as a short before anything is ranked.
    {
      arbitrary: requestArb({ equity: w.book.equity, distances: [-0.001, 0, 0.001, 0.003] }).filter(
        (r) => r.side === 'buy',
      ),
      weight: 3,
    },
  );

function decideIn(w: World, request: EntryRequest): Decision {
  const cfg = config({ ...w.policy, victimRanking: w.ranking });
  const history = new StealHistory(cfg);
  for (const e of w.history) history.record(e);
  return decide(
    {
      ...bookInput(w.book),
      history,
      request: { ...request, qty: request.qty * w.scale },
      valuator: valuator(w.market),
    },
    cfg,
  );
}

/**
 * Steals under every ranking, whatever the seed draws: two resting entries of 2,000 at 50% fill an account of
 * 2,000, and a request (5 at twice the size) needs one of them. Both are eligible (ranked), valued under the
 * value rankings, and one is the victim.
 */
const STEALS: Decision[] = (['distance', 'fillProbability', 'expectedValue'] as const).map((ranking) =>
  decideIn(
    {
      policy: {},
      ranking,
      // The request is worth more than either victim: it passes the steal test of the value rankings.
      market: Object.fromEntries(SYMBOLS.map((s) => [s, { sigma: 0.02, e: s === 'NVDA' ? 0.01 : -0.01 }])),
      book: fullBookOfTwo(),
      history: [],
      scale: 2,
    },
    request({ symbol: 'NVDA', qty: 5 }),
  ),
);

const decisionArb = (minOrders = 0): fc.Arbitrary<Decision> =>
  worldArb(minOrders).chain((w) => requestIn(w).map((request) => decideIn(w, request)));

/** The readable candidates as they were built before the column form: row by row from the decision's table. */
function rowByRowCandidates(d: Decision): unknown[] {
  const t = d.candidates;
  if (!t) return [];
  const ranks = new Map(rankEligible(t).map((idx, pos) => [idx, pos + 1]));
  const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return t.orders
    .map((o, i) => ({
      id: o.id,
      symbol: o.symbol,
      side: o.side,
      role: o.role,
      distance: fin(t.distance[i]!),
      forecastPnl: o.forecastPnl,
      margin: t.margin[i]!,
      placedAt: new Date(o.placedAt).toISOString(),
      eligible: t.reason[i] === 0,
      reason: INELIGIBLE_REASONS[t.reason[i]!] ?? null,
      rank: ranks.get(i) ?? null,
      victim: d.victims.includes(o.id),
      ...(t.value
        ? {
            volatility: fin(t.value.sigma[i]!),
            fillProbability: fin(t.value.probability[i]!),
            nextBarFillProbability: fin(t.value.nextBarProbability[i]!),
            expectedReturn: fin(t.value.expectedReturn[i]!),
            expectedValue: fin(t.value.expectedValue[i]!),
            density: fin(t.value.density[i]!),
          }
        : {}),
    }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const viaJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('the stored decision record', () => {
  it('reads back through JSON as exactly the readable record (property)', () => {
    let valued = 0;
    let ranked = 0;
    let victims = 0;
    fc.assert(
      fc.property(decisionArb(), (d) => {
        if (d.candidates?.value) valued++;
        if (d.victims.length > 0) victims++;
        if ((d.candidates ? rankEligible(d.candidates).length : 0) > 1) ranked++;
        const back = readStoredRecord(viaJson(storedRecord(d)));
        expect(back).toEqual(viaJson(decisionRecord(d)));
        expect((back as { candidates: unknown[] }).candidates).toEqual(viaJson(rowByRowCandidates(d)));
      }),
      // The first three runs are the steals above, so that every seed reaches victims under each ranking.
      { seed: 1414, numRuns: 300, examples: STEALS.map((d) => [d]) },
    );
    // The cases reached what they are about: valuations, rankings of several candidates, chosen victims. The
    // drawn cases reach them rarely (a ranking of several needs a request short of margin, ready to steal and
    // not refused, in a book with two eligible victims): over seeds 1414 × 31 + 977 × k, k = 1..30, they
    // reached between 57 and 88 valued tables, 12 to 29 rankings of several and 2 to 13 steals. The first
    // two bounds are well below those, and out of the examples' reach alone (they add 2 and 3); the steals
    // are the examples' three at least, whatever the seed.
    expect(valued).toBeGreaterThan(30);
    expect(ranked).toBeGreaterThan(5);
    expect(victims).toBeGreaterThan(2);
  });

  it('in a sequence refers to earlier rows for repeated columns, and every row still reads back (property)', () => {
    // Runs of requests decided in one world (the book repeats, the requests differ), runs in other worlds,
    // and repeats of earlier decisions; some rows are never written (a failed insert) and some are written
    // only after the next record was built.
    const sequenceArb = fc
      .array(
        worldArb(1).chain((w) =>
          fc.array(requestIn(w), { minLength: 1, maxLength: 4 }).map((rs) => rs.map((r) => decideIn(w, r))),
        ),
        { minLength: 1, maxLength: 3 },
      )
      .chain((runs) => {
        const decisions = runs.flat();
        const step = fc.record({
          decision: fc.oneof(fc.constant(-1), fc.nat({ max: decisions.length - 1 })),
          write: fc.constantFrom('now', 'now', 'now', 'never', 'after-the-next'),
        });
        return fc.array(step, { minLength: decisions.length, maxLength: decisions.length + 4 }).map((steps) =>
          // In order first (each run's book repeats), then the steps' repeats of earlier decisions.
          steps.map((st, i) => ({ ...st, decision: decisions[i] ?? decisions[Math.max(0, st.decision)]! })),
        );
      });
    let references = 0;
    let fullAfterReference = 0;
    fc.assert(
      fc.property(sequenceArb, (steps) => {
        const writer = new StoredRecordWriter();
        const table = new Map<number, unknown>();
        const written: { id: number; decision: Decision }[] = [];
        let late: (() => void) | null = null;
        for (const step of steps) {
          const draft = writer.record(step.decision);
          const write = (): void => {
            const id = table.size + 1;
            table.set(id, viaJson(draft.record));
            draft.written(id);
            written.push({ id, decision: step.decision });
          };
          late?.();
          late = null;
          if (step.write === 'now') write();
          else if (step.write === 'after-the-next') late = write;
        }
        late?.();
        for (const { id, decision } of written) {
          const stored = table.get(id) as { candidates: Record<string, unknown> | null };
          const refs = Object.values(stored.candidates ?? {}).filter(
            (c) => typeof c === 'object' && c && 'sameAs' in c,
          );
          references += refs.length;
          if (refs.length > 0 && refs.length < Object.keys(stored.candidates!).length) fullAfterReference++;
          // Every reference names an earlier row that holds the column in full (readStoredRecord throws if not).
          for (const ref of refs) expect((ref as { sameAs: number }).sameAs).toBeLessThan(id);
          expect(readStoredRecord(stored, (row) => table.get(row))).toEqual(
            viaJson(decisionRecord(decision)),
          );
        }
      }),
      { seed: 1415, numRuns: 150 },
    );
    // Repeated columns did become references, and some rows mixed references with changed columns.
    expect(references).toBeGreaterThan(200);
    expect(fullAfterReference).toBeGreaterThan(20);
  });

  it('names the row and the column when a referred row is missing', () => {
    // A decision with a candidate table: its candidates' columns are what the second record refers to.
    const withTable = decisionArb(1).filter((d) => (d.candidates?.orders.length ?? 0) > 0);
    const d = fc.sample(withTable, { seed: 5, numRuns: 1 })[0]!;
    const writer = new StoredRecordWriter();
    writer.record(d).written(7);
    const second = viaJson(writer.record(d).record);
    expect(() => readStoredRecord(second, () => undefined)).toThrow(
      /decision row 7 for its candidates' "id"/,
    );
  });

  it('leaves a readable record (what run stores) and other values as they are', () => {
    const readable = viaJson(decisionRecord(fc.sample(decisionArb(), { seed: 3, numRuns: 1 })[0]!));
    expect(readStoredRecord(readable)).toBe(readable);
    expect(readStoredRecord(null)).toBeNull();
    expect(readStoredRecord({ format: 'something else', x: 1 })).toEqual({ format: 'something else', x: 1 });
  });
});
