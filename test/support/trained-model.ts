import { nyseCalendar } from '../../src/core/calendar/index.js';
import { FillModel } from '../../src/core/fill/model.js';
import { rng } from './arbitraries.js';

const HOUR = 3_600_000;

/**
 * A fill model over a crypto (index 0) and a stock (index 1) with a volatility for both: seeded hourly
 * random-walk bars over `[from, to)` (about 0.9% per hour; the stock's only in its NYSE sessions, its last
 * bar cut at the close).
 */
export function trainedModel(seed: number, from: number, to: number): FillModel {
  const calendar = nyseCalendar();
  const model = new FillModel({ calendar, assetClasses: ['crypto', 'stock'] });
  const r = rng(seed);
  const price = [100, 100];
  for (let t = from; t < to; t += HOUR) {
    for (const i of [0, 1]) {
      const session = calendar.sessionAt(t);
      if (i === 1 && !session) continue;
      const o = price[i]!;
      const c = o * Math.exp((r() - 0.5) * 0.03);
      const barMs = i === 1 ? Math.min(HOUR, session!.close - t) : HOUR;
      model.onBar(i, t, o, Math.max(o, c) * 1.002, Math.min(o, c) * 0.998, c, barMs);
      price[i] = c;
    }
  }
  return model;
}
