import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import type { AssetClass } from '../../src/core/types.js';
import { FILL_SLOTS, FillModel } from '../../src/core/fill/model.js';
import { FillTape } from '../../src/core/fill/tape.js';

const calendar = nyseCalendar();
const CLASSES: AssetClass[] = ['crypto', 'stock'];
const HOUR = 3_600_000;
const START = Date.parse('2024-01-02T00:00:00Z');

interface Bar {
  i: number;
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  barMs: number;
}

/** Seeded hourly bars: crypto every hour, the stock in its regular session (with the odd bad price). */
function bars(seed: number, hours: number): Bar[] {
  let s = seed >>> 0 || 1;
  const r = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const out: Bar[] = [];
  const price = [100, 50];
  for (let t = START; t < START + hours * HOUR; t += HOUR / 2) {
    for (const i of [0, 1]) {
      if (i === 0 && t % HOUR !== 0) continue;
      let barMs = HOUR;
      if (i === 1) {
        const session = calendar.sessionAt(t);
        if (!session || (t - session.open) % HOUR !== 0) continue;
        barMs = Math.min(HOUR, session.close - t);
      }
      const o = price[i]! * Math.exp(0.01 * (r() - 0.5));
      const c = o * Math.exp(0.02 * (r() - 0.5));
      const h = Math.max(o, c) * (1 + 0.01 * r());
      const l = Math.min(o, c) * (1 - 0.01 * r());
      price[i] = c;
      // Now and then a bar the model must skip (a non-positive price).
      out.push({ i, t, o: r() < 0.01 ? 0 : o, h, l, c, barMs });
    }
  }
  return out;
}

/** Everything a query of the model answers at `now` for a few orders of each symbol, and its version. */
function answers(model: FillModel, now: number): number[] {
  const out: number[] = [model.version];
  const slot = new Float64Array(FILL_SLOTS);
  for (const i of [0, 1]) {
    for (const d of [-0.01, 0.001, 0.01, 0.05]) {
      model.evaluateDistance(i, d, now, now + 30 * HOUR, slot);
      out.push(...slot);
    }
    out.push(model.sigmaPerHour(i), model.gapVariance(i));
  }
  for (const c of CLASSES) out.push(...model.calibration(c).curve());
  return out;
}

describe('fill-model tape', () => {
  it('a model replaying a tape answers every query as the model that recorded it, bar after bar', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 30, max: 400 }),
        (seed, hours) => {
          const feed = bars(seed, hours);
          const tape = new FillTape();
          const recorder = new FillModel({ calendar, assetClasses: CLASSES, tape });
          const plain = new FillModel({ calendar, assetClasses: CLASSES });
          const seen: number[][] = [];
          for (const b of feed) {
            recorder.onBar(b.i, b.t, b.o, b.h, b.l, b.c, b.barMs);
            plain.onBar(b.i, b.t, b.o, b.h, b.l, b.c, b.barMs);
            const a = answers(recorder, b.t + b.barMs);
            // Recording changes nothing: the recorder is the plain model.
            expect(a).toEqual(answers(plain, b.t + b.barMs));
            seen.push(a);
          }
          tape.finish();
          // Two replays at once, each with its own place on the tape.
          const replays = [0, 1].map(() => new FillModel({ calendar, assetClasses: CLASSES, tape }));
          feed.forEach((b, k) => {
            for (const m of replays) {
              m.onBar(b.i, b.t, b.o, b.h, b.l, b.c, b.barMs);
              expect(answers(m, b.t + b.barMs)).toEqual(seen[k]);
            }
          });
        },
      ),
      { seed: 31, numRuns: 25 },
    );
  });

  it('a replay fed other bars than the recording, or more, is an error that says where', () => {
    const feed = bars(7, 60);
    const tape = new FillTape();
    const recorder = new FillModel({ calendar, assetClasses: CLASSES, tape });
    for (const b of feed) recorder.onBar(b.i, b.t, b.o, b.h, b.l, b.c, b.barMs);
    expect(() => tape.reader()).toThrow(/still being recorded/);
    tape.finish();
    const other = new FillModel({ calendar, assetClasses: CLASSES, tape });
    const b = feed[0]!;
    expect(() => other.onBar(b.i, b.t + HOUR, b.o, b.h, b.l, b.c, b.barMs)).toThrow(
      /fed symbol 0 at \d+, but the recording has symbol 0 at \d+/,
    );
    const longer = new FillModel({ calendar, assetClasses: CLASSES, tape });
    for (const x of feed) longer.onBar(x.i, x.t, x.o, x.h, x.l, x.c, x.barMs);
    expect(() => longer.onBar(0, START + 1000 * HOUR, 1, 1, 1, 1, HOUR)).toThrow(/recording has the end/);
  });
});
