import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stockWindow } from '../../src/core/fill/horizon.js';
import { ReturnShrinker } from '../../src/core/fill/returns.js';
import { fillValuator } from '../../src/core/fill/valuator.js';
import { VAL_P, VAL_P_NEXT_BAR, VAL_RETURN, VAL_SIGMA } from '../../src/core/policy/valuation.js';
import type { OpenOrder } from '../../src/core/types.js';
import {
  BAR,
  CLASSES,
  DAY,
  HOUR,
  TRAINING,
  calendarOf,
  sessionSpecArb,
  sessionsOf,
  trained,
} from './generated-calendars.js';

// Rows that keep what their validity reaches in the tradable profile (FillModel.evaluateRows with the
// window columns, and fillValuator's batch with stamps) against the scan and valueOrder, on calendars from
// a sessions file, while `now` jumps back and forth or steps on, validities change, bars arrive.

describe('FillModel.evaluateRows with kept reaches against the scan, on calendars from a sessions file', () => {
  const ROWS = 8;

  const point = fc.record({
    mark: fc.nat(),
    offset: fc.oneof(fc.constantFrom(0, 0, 1, -1), fc.integer({ min: -2 * DAY, max: 2 * DAY })),
  });
  const until = fc.oneof(
    { weight: 3, arbitrary: point.map((p) => ({ kind: 'mark' as const, ...p })) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('rel' as const),
        offset: fc.oneof(fc.constantFrom(0, -1, 1, 0.5, BAR, BAR - 1), fc.integer({ min: 0, max: 5 * DAY })),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('fixed' as const),
        value: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
      }),
    },
  );
  const edit = fc.record({
    row: fc.nat(),
    symbol: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    until: fc.option(until, { nil: undefined }),
    distance: fc.option(fc.constantFrom(0.001, 0.004, 0.01, 0.03, 0.2, -0.01, Number.NaN), {
      nil: undefined,
    }),
  });
  const step = fc.record({
    // A jump (back or forth, to an open or a close and around), or a step on within the session.
    now: fc.oneof(
      point,
      fc.record({ advance: fc.constantFrom(0, 1, 60_000, BAR) }),
      fc.record({ advance: fc.constantFrom(0, 1, 60_000, BAR) }),
    ),
    edits: fc.array(edit, { maxLength: 4 }),
    mask: fc.nat(),
    bar: fc.integer({ min: 0, max: 4 }).map((k) => k === 0),
  });

  it('every row answers what the scan gives, whatever moves between calls (property)', () => {
    const w = new Float64Array(2);
    fc.assert(
      fc.property(
        fc.array(sessionSpecArb, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(48 * HOUR, 6.5 * HOUR, HOUR, 2 * HOUR + 0.5),
        fc.array(step, { minLength: 1, maxLength: 10 }),
        fc.array(point, { minLength: ROWS, maxLength: ROWS }),
        (specs, cap, steps, untils) => {
          const sessions = sessionsOf([...TRAINING, ...specs]);
          const calendar = calendarOf(sessions);
          const model = trained(calendar, cap);
          // Its twin answers the reference's questions, so that they move no start of the model's profile.
          const twin = trained(calendar, cap);
          // A stock's variance per ms: a millisecond inside a training session is one ms of tradable time.
          const inSession = sessions[2]!.open + HOUR;
          const marks = sessions.slice(4).flatMap((s) => [s.open, s.close]);
          const at = (p: { mark: number; offset: number }): number =>
            marks[p.mark % marks.length]! + p.offset;
          const columns = {
            symbol: new Int32Array(ROWS).fill(1),
            distance: new Float64Array(ROWS).fill(0.01),
            until: Float64Array.from(untils, at),
            probability: new Float64Array(ROWS),
            nextBar: new Float64Array(ROWS),
            nextBarVariance: new Float64Array(ROWS).fill(Number.NaN),
            sigma: new Float64Array(ROWS),
            windowTo: new Float64Array(ROWS),
            windowEpoch: new Float64Array(ROWS),
            windowTradable: new Float64Array(ROWS),
            windowOpens: new Float64Array(ROWS),
          };
          /** The reference: variance from the scan (rate × tradable + opens × gap), then the calibration. */
          const chance = (i: number, d: number, now: number, to: number): number => {
            let v: number;
            if (!model.ready(i)) v = Number.NaN;
            else if (!(to > now)) v = 0;
            else if (i === 0) v = twin.variance(0, now, to);
            else {
              stockWindow(calendar, now, to, cap, w);
              v = twin.variance(i, inSession, inSession + 1) * w[0]! + w[1]! * model.gapVariance(i);
            }
            if (v !== v) return Number.NaN;
            if (v <= 0) return 0;
            return model.calibration(CLASSES[i]!).probability(d / Math.sqrt(v));
          };
          let version = model.version;
          const first = steps[0]!.now;
          let now = 'mark' in first ? at(first) : marks[0]!;
          for (const s of steps) {
            if (s.bar) {
              // A bar at the last `now` (a stock's only inside a session): the model's origins ask windows
              // from other starts, and the next-bar answers kept go.
              for (const m of [model, twin]) m.onBar(s.mask % 3, now, 80, 80.5, 79.5, 80.2, BAR);
            }
            now = 'mark' in s.now ? at(s.now) : now + s.now.advance;
            for (const e of s.edits) {
              const r = e.row % ROWS;
              if (e.symbol !== undefined) columns.symbol[r] = e.symbol;
              if (e.distance !== undefined) columns.distance[r] = e.distance;
              if (e.until !== undefined)
                columns.until[r] =
                  e.until.kind === 'mark'
                    ? at(e.until)
                    : e.until.kind === 'rel'
                      ? now + e.until.offset
                      : e.until.value;
              // Another symbol or distance: the next-bar answer kept is not this row's (ChanceColumns).
              if (e.symbol !== undefined || e.distance !== undefined) columns.nextBarVariance[r] = Number.NaN;
            }
            if (model.version !== version) {
              version = model.version;
              columns.nextBarVariance.fill(Number.NaN);
            }
            const listed = Int32Array.from({ length: ROWS }, (_, r) => r).filter(
              (r) => ((s.mask >> r) & 1) === 0,
            );
            model.evaluateRows(listed, listed.length, now, columns);
            for (const r of listed) {
              const i = columns.symbol[r]!;
              const d = columns.distance[r]!;
              const u = columns.until[r]!;
              const where = `row ${r} symbol ${i} d ${d} now ${now} until ${u} cap ${cap}`;
              expect(columns.sigma[r], where).toBe(model.sigmaPerHour(i));
              if (d !== d || d <= 0) continue;
              const p = chance(i, d, now, u);
              expect(columns.probability[r], where).toBe(p);
              const end = now + BAR;
              expect(columns.nextBar[r], where).toBe(u >= end ? chance(i, d, now, end) : p);
            }
          }
        },
      ),
      { seed: 3002, numRuns: 300 },
    );
  });
});

describe('fillValuator batch with stamps against valueOrder, on calendars from a sessions file', () => {
  type Step =
    | { kind: 'batch'; mask: number }
    | { kind: 'jump'; mark: number; offset: number }
    | { kind: 'advance'; ms: number }
    | { kind: 'bar'; symbol: number }
    | { kind: 'replace'; row: number; spec: number }
    | { kind: 'validity'; row: number; mark: number; offset: number; restamp: boolean }
    | { kind: 'swap'; a: number; b: number };
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('batch' as const), mask: fc.nat() }) },
    fc.record({
      kind: fc.constant('jump' as const),
      mark: fc.nat(),
      offset: fc.constantFrom(0, 1, -1, -HOUR, 3 * HOUR),
    }),
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(0, 1, BAR) }),
    },
    fc.record({ kind: fc.constant('bar' as const), symbol: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant('replace' as const), row: fc.nat(), spec: fc.nat() }),
    // A validity that changes while the order rests: a new row content for the fixed form (restamped), or
    // for the form that asks it per batch, left with its stamp.
    fc.record({
      kind: fc.constant('validity' as const),
      row: fc.nat(),
      mark: fc.nat(),
      offset: fc.constantFrom(0, 1, -1, 0.5, 2 * DAY),
      restamp: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  );
  const SYMBOLS = ['BTCUSD', 'AAPL', 'MSFT'];
  const orderArb = fc.record({
    symbol: fc.integer({ min: 0, max: 2 }),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    distance: fc.constantFrom(-0.01, 0.002, 0.01, 0.03),
    mark: fc.nat(),
    offset: fc.constantFrom(0, 1, -1, HOUR, 2 * DAY, Number.NaN),
  });

  it('stamped and fixed-validity batches answer exactly as valueOrder row by row (property)', () => {
    fc.assert(
      fc.property(
        fc.array(sessionSpecArb, { minLength: 1, maxLength: 8 }),
        fc.array(orderArb, { minLength: 1, maxLength: 10 }),
        fc.array(stepArb, { minLength: 1, maxLength: 16 }),
        (specs, orderSpecs, steps) => {
          const sessions = sessionsOf([...TRAINING, ...specs]);
          const calendar = calendarOf(sessions);
          const model = trained(calendar, 48 * HOUR);
          const marks = sessions.slice(4).flatMap((s) => [s.open, s.close]);
          const validity = new Map<string, number>();
          const options = {
            model,
            returns: new ReturnShrinker({ assetClasses: CLASSES }),
            symbolIndex: new Map(SYMBOLS.map((s, i) => [s, i])),
            orderValidUntil: (o: OpenOrder) => validity.get(o.id) ?? Number.NaN,
            requestValidUntil: (_r: unknown, now: number) => now + HOUR,
          };
          const single = fillValuator(options);
          const stamped = fillValuator(options);
          const fixed = fillValuator({ ...options, orderValidityFixed: true });
          let now = marks[0]!;
          let made = 0;
          const make = (s: (typeof orderSpecs)[number]): OpenOrder => {
            const id = `o${made++}`;
            validity.set(id, marks[s.mark % marks.length]! + s.offset);
            const price = 100;
            return {
              id,
              symbol: SYMBOLS[s.symbol]!,
              assetClass: s.symbol === 0 ? 'crypto' : 'stock',
              side: s.side,
              role: 'entry',
              limitPrice: price * (s.side === 'buy' ? 1 - s.distance : 1 + s.distance),
              qty: 1,
              price,
              forecastPnl: 0,
              placedAt: now,
              probe: false,
              external: false,
            };
          };
          const orders = orderSpecs.map(make);
          const n = orders.length;
          let stampsMade = 0;
          const stamps = Float64Array.from(orders, () => ++stampsMade);
          // The fixed form's stamps: a validity that changes makes a new row content for it alone.
          const fixedStamps = Float64Array.from(stamps);
          const restamp = (row: number): void => {
            stamps[row] = ++stampsMade;
            fixedStamps[row] = ++stampsMade;
          };
          const column = () => new Float64Array(n).fill(-1);
          const one = new Float64Array(4);
          for (const step of steps) {
            if (step.kind === 'batch') {
              const rows = Int32Array.from(orders.keys()).filter((i) => ((step.mask >> i) & 1) === 0);
              const outs = (
                [
                  [stamped, stamps],
                  [fixed, fixedStamps],
                ] as const
              ).map(([v, st]) => {
                const o = {
                  probability: column(),
                  nextBarProbability: column(),
                  expectedReturn: column(),
                  sigma: column(),
                };
                v.valueOrders!(orders, rows, rows.length, now, o, st);
                return o;
              });
              for (const i of rows) {
                single.valueOrder(orders[i]!, now, one);
                const want = [one[VAL_P], one[VAL_P_NEXT_BAR], one[VAL_RETURN], one[VAL_SIGMA]];
                for (const o of outs) {
                  const got = [o.probability[i], o.nextBarProbability[i], o.expectedReturn[i], o.sigma[i]];
                  expect(got, `row ${i} ${orders[i]!.symbol} now ${now}`).toEqual(want);
                }
              }
            } else if (step.kind === 'jump') now = marks[step.mark % marks.length]! + step.offset;
            else if (step.kind === 'advance') now += step.ms;
            else if (step.kind === 'bar') model.onBar(step.symbol, now, 100, 100.4, 99.6, 100.1, BAR);
            else if (step.kind === 'replace') {
              orders[step.row % n] = make(orderSpecs[step.spec % orderSpecs.length]!);
              restamp(step.row % n);
            } else if (step.kind === 'validity') {
              validity.set(orders[step.row % n]!.id, marks[step.mark % marks.length]! + step.offset);
              fixedStamps[step.row % n] = ++stampsMade;
              if (step.restamp) stamps[step.row % n] = ++stampsMade;
            } else {
              const a = step.a % n;
              const b = step.b % n;
              [orders[a], orders[b]] = [orders[b]!, orders[a]!];
              restamp(a);
              restamp(b);
            }
          }
        },
      ),
      { seed: 3003, numRuns: 200 },
    );
  });
});
