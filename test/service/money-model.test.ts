/**
 * Advisory mode against a model of its promise: the ledger is the sum of the bots' reports. A seeded
 * generator sends sequences of order events (placements, partial and oversized fills, cancels, for unknown
 * orders too, repeated, with event ids reused), concurrent entry requests, the bot's answers to what each saga
 * waits for (confirmations with and without their cumulative fill, fills that race a cancel, rejections, a
 * placement told as an order event), deadlines that pass, reports that come after them, and restarts of the
 * service over the same store (a kill: no clean stop). After every step the coordinator's ledger and
 * `/v1/status` must equal the model, and margin in use never exceeds capacity unless a bot placed an order
 * outside the service's decisions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlaceLimitRequest } from '../../src/coordinator/broker.js';
import { orderEventSchema, type OrderEventBody, type SagaReportBody } from '../../src/service/reports.js';
import { ServiceConflict, type SagaView } from '../../src/service/views.js';
import { advisoryService, closeAndRemove, readyRequest, restingOrder, type Harness } from './fixture.js';
import { MoneyModel, sendEvent, sendReport, type Step, stepArb } from './money-model.js';

const EQUITY = 10_000;
const DEADLINE = 30_000;

/** What the generated sequences did, over all runs: the test must reach each case it claims to cover. */
const reached = {
  sagasDone: 0,
  sagasCompensated: 0,
  sagasAborted: 0,
  redecided: 0,
  restartsMidSaga: 0,
  latePlacements: 0,
  earlyReports: 0,
  roundedPlacements: 0,
  wrongSagaRefused: 0,
  earlyPlacements: 0,
  earlyThenRaced: 0,
};

const settle = async (): Promise<void> => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setImmediate(r));
};

interface Run {
  h: Harness;
  model: MoneyModel;
  /** Requests whose answers may still be outstanding (dropped at a restart: their process died). */
  inFlight: Promise<unknown>[];
  /** What the sagas waited for when a deadline passed: the bot may still report it. */
  expired: { sagaId: string; action: SagaView['waitingFor'][number] }[];
  /** The last order event sent, to send again. */
  lastEvent: OrderEventBody | null;
  eventIds: number;
  venueIds: number;
  steps: string[];
  /** The stealer each saga's bot placed before the saga asked for it, by saga id. */
  placedEarly: Map<string, string>;
}

/** The first saga that waits for the bot, with what it waits for. */
function waiting(run: Run): { saga: SagaView; action: SagaView['waitingFor'][number] } | null {
  const sagas = (run.h.service.status() as { sagas: SagaView[] }).sagas;
  for (const saga of sagas) if (saga.waitingFor.length) return { saga, action: saga.waitingFor[0]! };
  return null;
}

/** The margin the open sagas have asked the bot to place: decided, not yet in the orders. */
function askedPlacements(run: Run): number {
  const sagas = (run.h.service.status() as { sagas: SagaView[] }).sagas;
  return sagas
    .flatMap((s) => s.waitingFor)
    .reduce((sum, a) => sum + (a.kind === 'place' ? a.order.qty * a.order.limitPrice : 0), 0);
}

/**
 * An event from outside the decisions. One that takes the margin in use plus what the sagas have asked to
 * place over capacity, where it fitted before, leaves margin in use over capacity rightly once they are
 * placed: the decisions saw the account as it was (a saga checks the account before it asks, not after).
 * Found with other seeds: an account that shrank (8,100 in use of 8,000), and a fill of 13 reported after its
 * order's cancel was confirmed with none, which made a position beside two placements asked for before it
 * (8,100 in use of 8,000 again).
 */
function event(run: Run, body: OrderEventBody, withId: boolean): void {
  const { model } = run;
  const capacity = model.equity;
  const fitted = model.used() + askedPlacements(run) <= capacity + 1e-6;
  const sent = sendEvent(run.h, model, withId ? { ...body, eventId: `e${++run.eventIds}` } : body);
  if (sent) run.lastEvent = sent;
  if (fitted && model.used() + askedPlacements(run) > model.equity + 1e-6) model.capacityVoid = true;
}

async function report(
  run: Run,
  sagaId: string,
  body: SagaReportBody,
  order?: PlaceLimitRequest,
): Promise<void> {
  await sendReport(run.h, run.model, sagaId, body, order);
}

async function answerSaga(run: Run, choice: number, partial: number, early: boolean): Promise<void> {
  const w = waiting(run);
  if (!w) return;
  const { saga, action } = w;
  if (action.kind === 'cancel') {
    const id = action.orderId;
    // A saga only ever asks to cancel an order that is open: never a victim chosen twice.
    expect(run.model.isOpen(id), `saga ${saga.sagaId} asks to cancel ${id}, which is not open`).toBe(true);
    // Nor the order its bot placed for it early: that is the stealer, not an order it replaces.
    expect(id, `saga ${saga.sagaId} asks to cancel its own order`).not.toBe(run.placedEarly.get(saga.sagaId));
    // A quarter of the time the bot placed the stealer first (before this answer).
    if (early && choice >= 15) placeEarly(run, saga, choice, partial);
    // Then a victim that fills during its cancel: the saga keeps the order it has rather than deciding again.
    if (run.placedEarly.has(saga.sagaId) && [1, 2, 5].includes(choice % 6)) reached.earlyThenRaced++;
    const placed = run.model.placedQty(id);
    const filled = run.model.filledQty(id);
    switch (choice % 6) {
      case 0: // confirmed, the fill left out (the schema's default 0)
        return report(run, saga.sagaId, { kind: 'cancelled', orderId: id, filledQty: 0 });
      case 1: // confirmed with its cumulative fill, part of it new
        return report(run, saga.sagaId, {
          kind: 'cancelled',
          orderId: id,
          filledQty: filled + (placed - filled) * partial,
          fillPrice: 100,
        });
      case 2: // it filled before the cancel could act
        return report(run, saga.sagaId, { kind: 'filled', orderId: id, filledQty: placed, fillPrice: 100 });
      case 3:
        return report(run, saga.sagaId, { kind: 'cancel-rejected', orderId: id, reason: 'too late' });
      case 4: // the confirmation as an order event
        return event(run, { kind: 'cancelled', orderId: id, filledQty: filled }, partial > 0.5);
      default: // a partial fill races the cancel, told as an order event
        return event(
          run,
          {
            kind: 'fill',
            orderId: id,
            filledQty: filled + (placed - filled) * partial * 0.9,
            fillPrice: 100,
          },
          partial > 0.5,
        );
    }
  }
  const order = action.order;
  const venueId = `v${++run.venueIds}`;
  // The bot's broker may round the size: the ledger holds what was placed, not what was asked.
  const rounded = Math.max(1, Math.floor(order.qty * 0.7));
  switch (choice % 5) {
    case 0:
      return report(
        run,
        saga.sagaId,
        { kind: 'placed', clientOrderId: order.clientOrderId, orderId: venueId },
        order,
      );
    case 1:
      reached.roundedPlacements++;
      return report(
        run,
        saga.sagaId,
        { kind: 'placed', clientOrderId: order.clientOrderId, orderId: venueId, qty: rounded },
        order,
      );
    case 2:
      return report(run, saga.sagaId, {
        kind: 'place-rejected',
        clientOrderId: order.clientOrderId,
        reason: 'insufficient buying power',
      });
    case 3: // the placement told as an order event under the saga's client order id, perhaps rounded
      if (partial < 0.5) reached.roundedPlacements++;
      return event(
        run,
        {
          kind: 'placed',
          order: {
            ...restingOrder(venueId, order.symbol, (partial < 0.5 ? rounded : order.qty) * 100, 0.001),
            clientOrderId: order.clientOrderId,
          },
        },
        false,
      );
    default: // the order filled (partly) before its placement is reported
      event(run, { kind: 'fill', orderId: venueId, filledQty: order.qty * partial, fillPrice: 100 }, true);
      return report(
        run,
        saga.sagaId,
        { kind: 'placed', clientOrderId: order.clientOrderId, orderId: venueId },
        order,
      );
  }
}

/**
 * The bot places the saga's order (under its client order id, with the terms it asked for) while the saga still
 * waits for its victims' cancels, and reports it as a `placed` event: the venue holds it, so it counts, once.
 * Then (by `choice`) it fills partly or whole, or is cancelled after a partial fill, before the saga moves on.
 */
function placeEarly(run: Run, saga: SagaView, choice: number, partial: number): void {
  const request = run.h.service.coordinator.claims.get(saga.sagaId)?.request;
  if (!request || run.placedEarly.has(saga.sagaId)) return;
  const id = `v${++run.venueIds}`;
  run.placedEarly.set(saga.sagaId, id);
  run.model.capacityVoid = true; // placed before its victims' margin was free
  reached.earlyPlacements++;
  const order = {
    ...restingOrder(id, request.symbol, request.qty * 100, 0.001),
    clientOrderId: saga.clientOrderId,
  };
  event(run, { kind: 'placed', order }, false);
  const filledQty = request.qty * (partial > 0 ? Math.min(1, partial) : 0.5);
  if (choice % 3 === 1) event(run, { kind: 'fill', orderId: id, filledQty, fillPrice: 100 }, true);
  else if (choice % 3 === 2) event(run, { kind: 'cancelled', orderId: id, filledQty, fillPrice: 100 }, true);
}

/** The bot reports what a saga waited for after its deadline passed: what happened at the venue counts. */
async function lateReport(run: Run, late: Run['expired'][number]): Promise<void> {
  if (late.action.kind === 'cancel')
    return report(run, late.sagaId, { kind: 'cancelled', orderId: late.action.orderId, filledQty: 0 });
  run.model.capacityVoid = true; // placed after its deadline: the margin may have gone to another saga
  reached.latePlacements++;
  const order = late.action.order;
  // Every other late placement with the size the venue rounded it to.
  const qty = run.venueIds % 2 ? { qty: Math.max(1, Math.floor(order.qty * 0.7)) } : {};
  return report(
    run,
    late.sagaId,
    { kind: 'placed', clientOrderId: order.clientOrderId, orderId: `v${++run.venueIds}`, ...qty },
    order,
  );
}

/**
 * The bot reports what one saga waits for to another saga (any, ended ones too): refused, nothing changes
 * (the check after the step compares with the model, which took nothing in). Skipped when the order is one
 * the other saga may name too (its victim, or an order of its symbol: the one it replaces).
 */
async function wrongSaga(run: Run, choice: number): Promise<void> {
  const w = waiting(run);
  if (!w) return;
  const ids = (
    run.h.store.db.prepare('SELECT saga_id FROM sagas ORDER BY saga_id').all() as { saga_id: string }[]
  )
    .map((r) => r.saga_id)
    .filter((id) => id !== w.saga.sagaId);
  const other = ids.length ? run.h.service.sagaView(ids[choice % ids.length]!) : null;
  if (!other) return;
  const body: SagaReportBody =
    w.action.kind === 'cancel'
      ? { kind: 'cancelled', orderId: w.action.orderId, filledQty: 0 }
      : { kind: 'placed', clientOrderId: w.action.order.clientOrderId, orderId: `v${++run.venueIds}` };
  if (body.kind === 'cancelled') {
    const symbol = (run.h.service.status() as { orders: { id: string; symbol: string }[] }).orders.find(
      (o) => o.id === body.orderId,
    )?.symbol;
    if ([...other.victims, ...other.cancelled].includes(body.orderId) || symbol === other.symbol) return;
  }
  reached.wrongSagaRefused++;
  await expect(run.h.service.report(other.sagaId, body)).rejects.toThrow(
    body.kind === 'cancelled'
      ? `orderId: ${body.orderId} is not an order saga ${other.sagaId} asked to cancel`
      : `clientOrderId: ${body.clientOrderId} is not the order saga ${other.sagaId} asked to place`,
  );
}

async function perform(run: Run, step: Step): Promise<void> {
  const { model } = run;
  const id = `o${step.order}`;
  switch (step.t) {
    case 'place': {
      const margin = step.qty * 100;
      if (model.used() + margin > model.equity && !model.knows(id)) return;
      if (run.h.service.tables.openSagas().length) model.capacityVoid = true; // outside the decisions
      return event(
        run,
        { kind: 'placed', order: restingOrder(id, `S${step.symbol}/USD`, margin, step.away) },
        step.withId,
      );
    }
    case 'fill':
      if (!model.knows(id)) reached.earlyReports++;
      return event(
        run,
        { kind: 'fill', orderId: id, filledQty: model.placedQty(id, step.qty) * step.frac, fillPrice: 100 },
        step.withId,
      );
    case 'cancel':
      return event(
        run,
        {
          kind: 'cancelled',
          orderId: id,
          // Cumulative; sometimes left out (0) after fills were reported.
          filledQty:
            step.frac < 0.3
              ? 0
              : model.filledQty(id) + (model.placedQty(id, step.qty) - model.filledQty(id)) * step.frac,
        },
        step.withId,
      );
    case 'request':
      run.inFlight.push(run.h.service.request(readyRequest(`S${step.symbol}/USD`, step.qty * 100)));
      return;
    case 'bot':
      return answerSaga(run, step.choice, step.frac, step.withId);
    case 'expire': {
      const w = waiting(run);
      if (w) run.expired.push({ sagaId: w.saga.sagaId, action: w.action });
      run.h.timers.advance(DEADLINE);
      return;
    }
    case 'late': {
      // The first expired action, or (half the time) the first expired placement.
      const k = step.choice % 2 ? run.expired.findIndex((e) => e.action.kind === 'place') : 0;
      const late = k < 0 ? undefined : run.expired.splice(k, 1)[0];
      if (!late) return;
      return lateReport(run, late);
    }
    case 'repeat':
      if (!run.lastEvent) return;
      run.h.service.event(run.lastEvent);
      // A quote is the market's price whenever it comes: sent again it marks the positions again, and the
      // model's too (a fill since then had marked them at its price; found with another seed).
      if (run.lastEvent.kind === 'quote') run.model.event(run.lastEvent);
      return;
    case 'reuse-event-id': {
      const eventId = run.lastEvent?.eventId;
      if (eventId === undefined) return;
      // Another body under an event id: refused when a report under that id was kept, else it is the first.
      const body = orderEventSchema.parse({
        kind: 'fill',
        eventId,
        orderId: id,
        filledQty: 1.2345,
        fillPrice: 100,
      });
      let refused = false;
      try {
        run.h.service.event(body);
      } catch (error) {
        refused = error instanceof ServiceConflict;
      }
      expect(refused, `event id ${eventId} reused`).toBe(model.hasEventId(eventId));
      if (!refused) model.event(body);
      return;
    }
    case 'quote': {
      // The market moves: a victim's distance, and a position's mark (its margin).
      const ask = 100 * (1 + step.away * (step.frac - 0.5));
      return event(run, { kind: 'quote', symbol: `S${step.symbol}/USD`, bid: ask - 0.01, ask }, step.withId);
    }
    case 'account': {
      // A placement a saga asked for before the account shrank may still come (event: capacity void then).
      return event(
        run,
        { kind: 'account', equity: [8_000, 10_000, 12_000][step.choice % 3]!, patternDayTrader: false },
        step.withId,
      );
    }
    case 'wrong-saga':
      return wrongSaga(run, step.choice);
    case 'restart': {
      // kill -9 after the answers so far left (they waited for their commit), then a new process.
      if (run.h.service.tables.openSagas().length) reached.restartsMidSaga++;
      await run.h.service.durable();
      run.h.store.close();
      run.inFlight = [];
      const now = run.h.timers.now();
      run.h = advisoryService({ equity: EQUITY, dir: run.h.dir, deadlineMs: DEADLINE, now });
      return;
    }
  }
}

/** A sample of the Prometheus text: the value of `name` with this label (or none), 0 when absent. */
function sample(text: string, name: string, label?: string): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(label === undefined ? `${name} ` : `${name}{${label}}`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** What /metrics serves now agrees with the store (this run's rows) and with the money state. */
function checkMetrics(run: Run, where: string, text: string): void {
  const rows = (sql: string) =>
    run.h.store.db.prepare(sql).all(run.h.store.currentRun) as { key: string; n: number }[];
  for (const { key, n } of rows(
    'SELECT action AS key, count(*) AS n FROM decisions WHERE run_id = ? GROUP BY action',
  ))
    expect(sample(text, 'worksteal_decisions_total', `action="${key}"`), `${where}\ndecisions ${key}`).toBe(
      n,
    );
  for (const { key, n } of rows(
    'SELECT outcome AS key, count(*) AS n FROM decisions WHERE run_id = ? AND outcome IS NOT NULL GROUP BY outcome',
  ))
    expect(sample(text, 'worksteal_request_outcomes_total', `status="${key}"`), `${where}\n${key}`).toBe(n);
  // The gauges as a scrape finds them, with no /v1/status call before it.
  expect(sample(text, 'worksteal_margin_used'), `${where}\nmargin gauge`).toBeCloseTo(run.model.used(), 6);
  expect(sample(text, 'worksteal_equity'), `${where}\nequity gauge`).toBe(run.model.equity);
  expect(sample(text, 'worksteal_open_orders', 'role="entry"'), `${where}\nopen orders gauge`).toBe(
    run.model.view().orders.length,
  );
}

async function check(run: Run): Promise<void> {
  const where = run.steps.join('\n');
  const ledger = run.h.service.coordinator.ledger.snapshot();
  const scraped = await run.h.metrics.text(); // before /v1/status is asked
  const status = run.h.service.status() as {
    marginUsed: number;
    marginCapacity: number;
    recovering: boolean;
  };
  // While a restart's recovery waits for a bot, the ledger is taken from the reports when it ends.
  if (status.recovering) return;
  checkMetrics(run, where, scraped);
  run.model.expectHeldBy(ledger, where);
  expect(status.marginUsed, where).toBeCloseTo(run.model.used(), 6);
  expect(status.marginCapacity, where).toBe(run.model.equity);
  if (!run.model.capacityVoid)
    expect(status.marginUsed, where).toBeLessThanOrEqual(status.marginCapacity + 1e-6);
}

function count(run: Run): void {
  const db = run.h.store.db;
  const states = db.prepare('SELECT state, count(*) AS n FROM sagas GROUP BY state').all() as {
    state: string;
    n: number;
  }[];
  for (const { state, n } of states) {
    if (state === 'done') reached.sagasDone += n;
    if (state === 'compensated') reached.sagasCompensated += n;
    if (state === 'aborted') reached.sagasAborted += n;
  }
  const redecided = db.prepare("SELECT count(*) AS n FROM saga_transitions WHERE state = 'redecide'").get();
  reached.redecided += (redecided as { n: number }).n;
}

async function play(steps: Step[]): Promise<void> {
  const run: Run = {
    h: advisoryService({ equity: EQUITY, deadlineMs: DEADLINE }),
    model: new MoneyModel(EQUITY),
    inFlight: [],
    expired: [],
    lastEvent: null,
    eventIds: 0,
    venueIds: 0,
    steps: [],
    placedEarly: new Map(),
  };
  try {
    for (const step of steps) {
      run.steps.push(JSON.stringify(step));
      await perform(run, step);
      await settle();
      await check(run);
    }
    // The bots stop answering: every saga ends at its deadlines in a documented state, nothing lost.
    for (let i = 0; i < 20 && (waiting(run) || run.h.service.tables.openSagas().length); i++) {
      const w = waiting(run);
      if (w) run.expired.push({ sagaId: w.saga.sagaId, action: w.action });
      run.h.timers.advance(DEADLINE);
      await settle();
    }
    // Then they report it all, late.
    for (const late of run.expired.splice(0)) {
      await lateReport(run, late);
      await settle();
      await check(run);
    }
    await Promise.all(run.inFlight);
    expect(run.h.service.tables.openSagas(), run.steps.join('\n')).toEqual([]);
    await check(run);
    count(run);
  } finally {
    await closeAndRemove(run.h);
  }
}

const step = (t: Step['t'], fields: Partial<Step> = {}): Step => ({
  t,
  order: 0,
  symbol: 0,
  qty: 12,
  away: 0.1,
  frac: 0.5,
  choice: 0,
  withId: false,
  ...fields,
});
/**
 * The rarest cases, whatever the seed draws: eight resting orders of 1,200 fill the account, then five
 * requests of 1,200 each steal one; the bot places each stealer before it answers the victim's cancel, and
 * the victim fills during the cancel (choices 25, 20, 17, 19, 29: confirmed with a fill, filled, a racing
 * fill). Then three requests whose victims fill before their cancel acts, no stealer placed: the saga decides
 * again.
 */
const EARLY_THEN_RACED: Step[] = [
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((k) => step('place', { order: k, symbol: k % 6, away: 0.05 + 0.01 * k })),
  ...[25, 20, 17, 19, 29].flatMap((choice, k) => [
    step('request', { symbol: k % 6 }),
    step('bot', { choice, withId: true }),
    step('bot'),
    step('bot'),
  ]),
  ...[2, 8, 14].flatMap((choice, k) => [
    step('request', { symbol: (k + 2) % 6 }),
    step('bot', { choice }),
    step('bot'),
    step('bot'),
  ]),
];

describe('advisory service money state = the sum of the reports (model-based)', () => {
  it('holds over random sequences of events, sagas, deadlines and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 5, maxLength: 45 }), (steps) => play(steps)),
      // The first run is the one above; the drawn cases reach a stealer placed early and a victim's fill during
      // its cancel 2 to 20 times, and redecide 7 to 22 times (seeds 2323 × 31 + 977 × k, k = 1..30).
      { seed: 2323, numRuns: 400, examples: [[EARLY_THEN_RACED]] },
    );
    console.log('money model reached', reached);
    expect(Math.min(...Object.values(reached))).toBeGreaterThanOrEqual(5);
  });
});
