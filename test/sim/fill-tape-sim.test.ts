import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { createObjective } from '../../src/optimizer/objective/objective.js';
import type { Params } from '../../src/optimizer/objective/objective.js';
import { simulate, type SimOutput } from '../../src/sim/engine.js';
import { FillTapeCache } from '../../src/sim/fill-tape-cache.js';
import { TimelineCache } from '../../src/sim/timeline-cache.js';
import { CRYPTO_FILES, STOCK_FILES, loadReal } from '../support/marketdata.js';
import { fixture } from '../optimizer/optimizer-fixture.js';

/** Everything a run produced that a decision could have changed. */
function outcome(out: SimOutput): string {
  return JSON.stringify({
    equity: out.equity,
    trades: out.trades,
    decisions: out.decisions,
    steals: out.steals,
    counters: out.counters,
    predictions: out.predictions,
  });
}

describe('runs over the same bars replay the fill model instead of computing it', () => {
  it('on crypto and stocks, a run that replays the tape equals one that computes the model, under other configs too', async () => {
    const loaded = await loadReal([...CRYPTO_FILES.slice(0, 3), ...STOCK_FILES.slice(0, 2)]);
    const series = loaded.map((l) => l.series);
    const calendar = nyseCalendar();
    const from = Date.parse('2022-03-01T00:00:00Z');
    const to = Date.parse('2022-05-01T00:00:00Z');
    const timelines = new TimelineCache();
    const fillTapes = new FillTapeCache();
    // Orders of 45% of equity: five symbols want more than twice the capacity, so the value rule steals.
    const configs = [
      {},
      { stealHysteresis: 0 },
      { stealingEnabled: false },
      { protectionFillProbability: 0.3 },
    ].map(
      (values) =>
        resolveConfig({ layers: [{ source: 'test', values: { ...values, sim: { orderFraction: 0.45 } } }] })
          .config,
    );
    let steals = 0;
    for (const config of configs) {
      const alone = simulate({ series, config, calendar, from, to });
      const shared = simulate({ series, config, calendar, from, to, timelines, fillTapes });
      expect(outcome(shared)).toBe(outcome(alone));
      steals += alone.counters.steals;
    }
    // Not vacuous: the value model decided something (valuations recorded, steals made).
    expect(steals).toBeGreaterThan(0);
    expect(simulate({ series, config: configs[0]!, calendar, from, to }).predictions.length).toBeGreaterThan(
      100,
    );
    const timeline = timelines.get(series, calendar, { from, to, deleverageLeadMinutes: 15 });
    expect(fillTapes.take(timeline).complete).toBe(true);
  });

  it('the optimizer scores every candidate as it would alone', async () => {
    const f = await fixture();
    const shared = createObjective(f.spec, f.series);
    const candidates: Params[] = [
      {},
      { protectionPct: 0.004, stealEntryTolerance: 0.01 },
      { cooldownSec: 1200, cryptoOutOfHoursForceCount: 0 },
      { stealingEnabled: false },
    ];
    for (const params of candidates)
      expect(JSON.stringify(shared(params))).toBe(JSON.stringify(createObjective(f.spec, f.series)(params)));
  });
});
