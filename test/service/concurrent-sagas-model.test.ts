/**
 * Several advisory sagas open at once (docs/service.md "Concurrent sagas"), against the model of the money
 * (test/service/money-model.ts: the ledger is the sum of the reports). Seeded sequences of entry requests for
 * a few symbols, resting orders to steal from, and the bots' answers to any open saga in any order (reordered),
 * sent twice (duplicated), victims that fill while their cancel is pending (as an order event or as the
 * answer), deadlines that pass, late reports and restarts. After every step:
 * - the ledger equals the sum of the reports;
 * - no order is pending cancel in two sagas (a saga that chose another's victim would fail its request);
 * - margin held plus the open sagas' claims is within capacity, but for the fills of pending victims since
 *   their saga decided (the venue's doing: that saga decides again before it places anything);
 * - a request for a symbol without a saga in flight is answered within the step: no saga holds it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlaceLimitRequest } from '../../src/coordinator/broker.js';
import type { SagaClaim } from '../../src/coordinator/claims.js';
import type { OrderEventBody, SagaReportBody } from '../../src/service/reports.js';
import { ServiceConflict, type SagaView } from '../../src/service/views.js';
import { advisoryService, closeAndRemove, readyRequest, restingOrder, type Harness } from './fixture.js';
import { MoneyModel, sendEvent, sendReport } from './money-model.js';

const EQUITY = 10_000;
const DEADLINE = 30_000;

type Kind = 'request' | 'bot' | 'repeat' | 'victim-fills' | 'place' | 'expire' | 'late' | 'restart';
interface Step {
  t: Kind;
  symbol: number;
  order: number;
  qty: number;
  away: number;
  frac: number;
  choice: number;
}
const KINDS: Kind[] = [
  ...Array<Kind>(8).fill('bot'),
  ...Array<Kind>(5).fill('request'),
  ...Array<Kind>(3).fill('place'),
  'repeat',
  'repeat',
  'victim-fills',
  'victim-fills',
  'expire',
  'late',
  'restart',
];
const stepArb: fc.Arbitrary<Step> = fc.record({
  t: fc.constantFrom(...KINDS),
  symbol: fc.integer({ min: 0, max: 5 }),
  order: fc.integer({ min: 0, max: 9 }),
  qty: fc.integer({ min: 5, max: 40 }),
  away: fc.constantFrom(0.01, 0.05, 0.1, 0.2),
  frac: fc.constantFrom(0.25, 0.5, 1),
  choice: fc.integer({ min: 0, max: 59 }),
});

const sequenceArb = fc.array(stepArb, { minLength: 10, maxLength: 50 });

/**
 * Sequences drawn under a seed of their own that steal beside an open saga, run first: the count of such
 * steals (about 4 to 12 in 150 drawn sequences) then holds whatever seed the rest are drawn under.
 */
const STEALING_BESIDE_A_SAGA = ((): [Step[]][] => {
  const drawn = fc.sample(sequenceArb, { seed: 2526, numRuns: 60 });
  return [10, 25, 34, 47, 48, 49, 52].map((k) => [drawn[k]!]);
})();

/** What the sequences reached, over all runs: the test must reach what it claims to cover. */
const reached = {
  twoSagasOpen: 0,
  stealsBesideASaga: 0,
  redecided: 0,
  victimFilledDuringCancel: 0,
  duplicates: 0,
  expired: 0,
  restartsMidSaga: 0,
  answeredBesideASaga: 0,
  claimShown: 0,
};

const settle = async (): Promise<void> => {
  for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r));
};

interface Sent {
  symbol: string;
  answered: boolean;
  /** No saga or unanswered request of its symbol when sent: it must be answered in its step. */
  mustAnswer: boolean;
  failed: unknown;
}

interface Run {
  h: Harness;
  model: MoneyModel;
  sent: Sent[];
  expired: { sagaId: string; action: SagaView['waitingFor'][number] }[];
  last: { sagaId: string; body: SagaReportBody; order?: PlaceLimitRequest } | null;
  /** Each claim's pending orders with what they had filled when the test first saw them pending. */
  filledAtClaim: WeakMap<SagaClaim, Map<string, number>>;
  venueIds: number;
  steps: string[];
}

const openSagas = (run: Run): SagaView[] => (run.h.service.status() as { sagas: SagaView[] }).sagas;

function event(run: Run, body: OrderEventBody): void {
  sendEvent(run.h, run.model, body);
}

async function report(run: Run, sagaId: string, body: SagaReportBody, order?: PlaceLimitRequest) {
  await sendReport(run.h, run.model, sagaId, body, order, (sent) => {
    run.last = { sagaId, body: sent, ...(order ? { order } : {}) };
  });
}

/** The bot answers what one saga (any of the open ones) waits for, in one of the ways a bot may. */
async function answer(run: Run, step: Step): Promise<void> {
  const waiting = openSagas(run).filter((s) => s.waitingFor.length);
  if (!waiting.length) return;
  const saga = waiting[step.choice % waiting.length]!;
  const action = saga.waitingFor[0]!;
  const how = Math.floor(step.choice / waiting.length);
  if (action.kind === 'cancel') {
    const id = action.orderId;
    const placed = run.model.placedQty(id);
    const filled = run.model.filledQty(id);
    switch (how % 5) {
      case 0:
        return report(run, saga.sagaId, { kind: 'cancelled', orderId: id, filledQty: filled });
      case 1: // part of it filled before the cancel took
        reached.victimFilledDuringCancel++;
        return report(run, saga.sagaId, {
          kind: 'cancelled',
          orderId: id,
          filledQty: filled + (placed - filled) * step.frac * 0.9,
          fillPrice: 100,
        });
      case 2: // all of it filled before the cancel could act
        reached.victimFilledDuringCancel++;
        return report(run, saga.sagaId, { kind: 'filled', orderId: id, filledQty: placed, fillPrice: 100 });
      case 3:
        return report(run, saga.sagaId, { kind: 'cancel-rejected', orderId: id, reason: 'too late' });
      default: // the confirmation as an order event
        return event(run, { kind: 'cancelled', orderId: id, filledQty: filled });
    }
  }
  const order = action.order;
  const venueId = `v${++run.venueIds}`;
  switch (how % 3) {
    case 0:
      return report(
        run,
        saga.sagaId,
        { kind: 'placed', clientOrderId: order.clientOrderId, orderId: venueId },
        order,
      );
    case 1:
      return report(run, saga.sagaId, {
        kind: 'place-rejected',
        clientOrderId: order.clientOrderId,
        reason: 'insufficient buying power',
      });
    default: // it filled in part before the placement was reported
      event(run, { kind: 'fill', orderId: venueId, filledQty: order.qty * step.frac * 0.5, fillPrice: 100 });
      return report(
        run,
        saga.sagaId,
        { kind: 'placed', clientOrderId: order.clientOrderId, orderId: venueId },
        order,
      );
  }
}

async function perform(run: Run, step: Step): Promise<void> {
  const { model, h } = run;
  switch (step.t) {
    case 'request': {
      const symbol = `S${step.symbol}/USD`;
      const ledger = h.service.coordinator.ledger;
      const busy =
        openSagas(run).some((s) => s.symbol === symbol) ||
        // Its symbol's order is pending cancel in another saga (asked now, or a victim the saga cancels after
        // the one it waits for): the request waits for that answer.
        [...h.service.coordinator.claims.all()].some((c) =>
          [...c.pending].some((id) => ledger.order(id)?.symbol === symbol),
        ) ||
        run.sent.some((s) => s.symbol === symbol && !s.answered);
      const recovering = (h.service.status() as { recovering: boolean }).recovering;
      const sent: Sent = { symbol, answered: false, mustAnswer: !busy && !recovering, failed: null };
      if (sent.mustAnswer && openSagas(run).length) reached.answeredBesideASaga++;
      run.sent.push(sent);
      h.service.request(readyRequest(symbol, step.qty * 100)).then(
        (a) => {
          sent.answered = true;
          if (a.action === 'steal' && openSagas(run).length > 1) reached.stealsBesideASaga++;
        },
        (error: unknown) => (sent.failed = error),
      );
      return;
    }
    case 'bot':
      return answer(run, step);
    case 'repeat': {
      const last = run.last;
      if (!last) return;
      reached.duplicates++;
      try {
        await h.service.report(last.sagaId, last.body);
      } catch (error) {
        if (!(error instanceof ServiceConflict)) throw error;
      }
      model.report(last.body, last.order); // cumulative: counted once
      return;
    }
    case 'victim-fills': {
      // An order whose cancel a saga waits for fills (in part) at the venue, told as an order event.
      const pending = [...h.service.coordinator.claims.all()].flatMap((c) => [...c.pending]);
      const id = pending[step.choice % Math.max(1, pending.length)];
      if (id === undefined || !model.isOpen(id)) return;
      reached.victimFilledDuringCancel++;
      const placed = model.placedQty(id);
      const filled = model.filledQty(id);
      return event(run, {
        kind: 'fill',
        orderId: id,
        filledQty: filled + (placed - filled) * step.frac,
        fillPrice: 100,
      });
    }
    case 'place': {
      // Resting orders to steal from, placed while no saga decides (outside the decisions otherwise).
      const id = `o${step.order}`;
      const margin = step.qty * 100;
      if (openSagas(run).length || model.knows(id) || model.used() + margin > model.equity) return;
      return event(run, {
        kind: 'placed',
        order: restingOrder(id, `S${step.order % 6}/USD`, margin, step.away),
      });
    }
    case 'expire':
      for (const s of openSagas(run))
        for (const action of s.waitingFor) run.expired.push({ sagaId: s.sagaId, action });
      if (openSagas(run).length) reached.expired++;
      h.timers.advance(DEADLINE);
      return;
    case 'late': {
      const late = run.expired.shift();
      if (!late) return;
      if (late.action.kind === 'cancel')
        return report(run, late.sagaId, { kind: 'cancelled', orderId: late.action.orderId, filledQty: 0 });
      model.capacityVoid = true; // placed after its deadline: the margin may have gone to another saga
      const order = late.action.order;
      return report(
        run,
        late.sagaId,
        { kind: 'placed', clientOrderId: order.clientOrderId, orderId: `v${++run.venueIds}` },
        order,
      );
    }
    case 'restart': {
      if (openSagas(run).length) reached.restartsMidSaga++;
      await h.service.durable();
      h.store.close();
      run.sent = [];
      run.h = advisoryService({ equity: EQUITY, dir: h.dir, deadlineMs: DEADLINE, now: h.timers.now() });
      return;
    }
  }
}

function check(run: Run): void {
  const where = run.steps.join('\n');
  for (const s of run.sent) expect(s.failed, `${where}\na request failed`).toBeNull();
  const service = run.h.service;
  const status = service.status() as {
    recovering: boolean;
    marginCapacity: number;
    marginUsed: number;
    marginClaimed: number;
    marginFree: number;
    sagas: SagaView[];
  };
  if (status.recovering) return;
  const ledger = service.coordinator.ledger;
  run.model.expectHeldBy(ledger.snapshot(), where);

  // No order is pending cancel in two sagas, as the registry and as the bots are asked.
  const claims = [...service.coordinator.claims.all()];
  if (claims.length > 1) reached.twoSagasOpen++;
  const owner = new Map<string, string>();
  for (const c of claims)
    for (const id of c.pending) {
      expect(owner.get(id), `${where}\n${id} pending in two sagas`).toBeUndefined();
      owner.set(id, c.sagaId);
    }
  const asked = status.sagas.flatMap((s) =>
    s.waitingFor.flatMap((a) => (a.kind === 'cancel' ? [a.orderId] : [])),
  );
  expect(new Set(asked).size, `${where}\nthe bots are asked to cancel one order twice`).toBe(asked.length);

  // Held plus claimed within capacity, but for what pending victims filled since their saga decided.
  let slack = 0;
  for (const c of claims) {
    let seen = run.filledAtClaim.get(c);
    if (!seen) run.filledAtClaim.set(c, (seen = new Map()));
    for (const id of c.pending) {
      const now = run.model.filledQty(id);
      if (!seen.has(id)) seen.set(id, now);
      slack += (now - seen.get(id)!) * 100;
    }
  }
  const config = service.coordinator.effectiveConfig;
  const held = ledger.usedMargin(false, config.margin);
  const claimed = service.coordinator.claims.claimedMargin(
    ledger,
    { equity: ledger.account.equity, patternDayTrader: false, sessionOpen: false },
    config.margin,
  );
  // What /v1/status reports: the claims apart, and not counted as free.
  expect(status.marginClaimed, `${where}\nstatus marginClaimed`).toBeCloseTo(claimed, 6);
  expect(status.marginFree, `${where}\nstatus marginFree`).toBeCloseTo(
    status.marginCapacity - status.marginUsed - claimed,
    6,
  );
  if (claimed > 0) reached.claimShown++;
  if (!run.model.capacityVoid) {
    expect(held, `${where}\nheld`).toBeLessThanOrEqual(status.marginCapacity + 1e-6);
    expect(held + claimed, `${where}\nheld + claimed`).toBeLessThanOrEqual(
      status.marginCapacity + slack + 1e-6,
    );
  }
  // No saga holds a request for another symbol.
  for (const s of run.sent)
    if (s.mustAnswer) expect(s.answered, `${where}\na request for ${s.symbol} was not answered`).toBe(true);
}

async function play(steps: Step[]): Promise<void> {
  const run: Run = {
    h: advisoryService({ equity: EQUITY, deadlineMs: DEADLINE }),
    model: new MoneyModel(EQUITY),
    sent: [],
    expired: [],
    last: null,
    filledAtClaim: new WeakMap(),
    venueIds: 0,
    steps: [],
  };
  try {
    for (const step of steps) {
      run.steps.push(JSON.stringify(step));
      await perform(run, step);
      await settle();
      check(run);
    }
    // The bots go quiet: every saga ends at its deadlines and nothing is left claimed.
    for (let i = 0; i < 20 && run.h.service.tables.openSagas().length; i++) {
      run.h.timers.advance(DEADLINE);
      await settle();
      check(run);
    }
    expect(run.h.service.tables.openSagas(), run.steps.join('\n')).toEqual([]);
    expect(run.h.service.coordinator.claims.size).toBe(0);
    const redecided = run.h.store.db
      .prepare("SELECT count(*) AS n FROM saga_transitions WHERE state = 'redecide'")
      .get() as { n: number };
    reached.redecided += redecided.n;
  } finally {
    await closeAndRemove(run.h);
  }
}

describe('concurrent advisory sagas (model-based)', () => {
  it('keep victims apart, margin within capacity and the ledger the sum of the reports', async () => {
    await fc.assert(
      fc.asyncProperty(sequenceArb, (steps) => play(steps)),
      {
        seed: 2525,
        numRuns: 150 + STEALING_BESIDE_A_SAGA.length,
        examples: STEALING_BESIDE_A_SAGA,
      },
    );
    console.log('concurrent sagas reached', reached);
    expect(Math.min(...Object.values(reached))).toBeGreaterThanOrEqual(5);
  });
});
