import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import type { VictimRanking } from '../../src/core/config/schema.js';
import { loadReal } from '../support/marketdata.js';
import {
  MIXED_FILES,
  PAIR_WINDOW,
  pairConfig,
  replayRun,
  simulatedRun,
  stateDbIn,
  type Run,
} from '../support/replay-vs-sim.js';

/**
 * One set of rules (README "Architecture"). `run --broker replay` (polling at each bar close and end-of-day
 * event) and `simulate` on the same bars, config and signals make the same decisions, fills, trades and daily
 * equity. Mixed set, 3 crypto + 2 stocks (AAPL with pre- and after-market bars, SPY's bars at :30), two weeks
 * with US session closes that deleverage (2024-03-04 → 2024-03-18), the default time stop and fees (maker and
 * taker by asset class, entries holding their taker fee back), 2 bps of slippage on market exits. The
 * stop-loss (off by default) is compared in replay-equals-simulate-stops.test.ts; what is not compared, and
 * why, is in test/support/replay-vs-sim.ts.
 *
 * Both the seed's distance ranking and the value ranking (`expectedValue`) are run: the value ranking's
 * decisions depend on the fill model fed from the bars and on the realised returns of the closed trades,
 * which the replay learns from its own fills (src/live/runtime-trades.ts) as the simulator does from its
 * portfolio.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-replay-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runs = new Map<VictimRanking, Promise<{ sim: Run; live: Run }>>();
const both = (ranking: VictimRanking) => {
  let r = runs.get(ranking);
  if (!r) {
    r = (async () => {
      const series = (await loadReal(MIXED_FILES)).map((l) => l.series);
      const cfg = pairConfig(ranking, stateDbIn(dir, ranking));
      return { sim: simulatedRun(series, cfg, PAIR_WINDOW), live: await replayRun(series, cfg, PAIR_WINDOW) };
    })();
    runs.set(ranking, r);
  }
  return r;
};

describe.each(['distance', 'expectedValue'] as const)('replay equals simulate (%s ranking)', (ranking) => {
  it('the window deleverages, time-stops and takes profits (the rules under test are exercised)', async () => {
    const { sim } = await both(ranking);
    expect(sim.counts.deleverageTrims + sim.counts.deleverageCancels).toBeGreaterThan(0);
    expect(sim.counts.steals).toBeGreaterThan(0);
    expect(sim.fills.some((f) => f.includes(' take-profit '))).toBe(true);
    expect(sim.fills.filter((f) => f.includes(' exit ')).length).toBeGreaterThan(2);
  }, 600_000);

  it('the same places, steals, blocks, waits and end-of-day actions', async () => {
    const { sim, live } = await both(ranking);
    expect(live.counts).toEqual(sim.counts);
  }, 600_000);

  it('the same decisions, in the same order', async () => {
    const { sim, live } = await both(ranking);
    expect(live.decisions).toEqual(sim.decisions);
  }, 600_000);

  it('the same fills: entries, take-profits, time stops and trims, at the same times and prices', async () => {
    const { sim, live } = await both(ranking);
    expect(live.fills).toEqual(sim.fills);
  }, 600_000);

  it('the same closed trades teach the valuation (the replay keeps them for its next run)', async () => {
    const { sim, live } = await both(ranking);
    if (ranking === 'expectedValue') expect(live.learned.length).toBeGreaterThan(0);
    expect(live.learned).toEqual(sim.learned);
  }, 600_000);

  it('the same equity at the end of every day', async () => {
    const { sim, live } = await both(ranking);
    expect([...live.equity.keys()]).toEqual([...sim.equity.keys()]);
    for (const [day, equity] of sim.equity) expect(live.equity.get(day)).toBeCloseTo(equity, 6);
  }, 600_000);
});

/**
 * With `extendedHours` (distance ranking): AAPL's pre- and after-market bars trade, and each stock limit works
 * in the hours of the session it was placed in (core/calendar/order-hours.ts limitHours): GTC in regular-session bars, or
 * a DAY limit that lapses at 20:00 New York. The replay venue expires it then (the runtime reconciles and the
 * watchers ask again), the simulator lets it lapse at the same step: the same decisions, fills and equity.
 */
describe('replay equals simulate with extended hours', () => {
  let pair: Promise<{ sim: Run; live: Run }> | null = null;
  const extended = () =>
    (pair ??= (async () => {
      const series = (await loadReal(MIXED_FILES)).map((l) => l.series);
      const cfg = pairConfig('distance', stateDbIn(dir, 'extended'), {}, { extendedHours: true });
      return { sim: simulatedRun(series, cfg, PAIR_WINDOW), live: await replayRun(series, cfg, PAIR_WINDOW) };
    })());

  it('stock orders are placed in the extended sessions too (the rule under test is exercised)', async () => {
    const { sim } = await extended();
    const regular = nyseCalendar();
    const outside = sim.decisions.filter((d) => {
      const [time, symbol, action] = d.split(' ');
      return (
        (symbol === 'AAPL' || symbol === 'SPY') &&
        action === 'place' &&
        !regular.isRegularSession(Date.parse(time!))
      );
    });
    expect(outside.length).toBeGreaterThan(0);
    // DAY limits lapsed at 20:00 New York: entries, and take-profits the runtime then armed again.
    const { live } = await extended();
    expect(live.expired['entry'] ?? 0).toBeGreaterThan(0);
    expect(live.expired['take-profit'] ?? 0).toBeGreaterThan(0);
  }, 600_000);

  it('the same decisions, fills, counters and daily equity', async () => {
    const { sim, live } = await extended();
    expect(live.decisions).toEqual(sim.decisions);
    expect(live.fills).toEqual(sim.fills);
    expect(live.counts).toEqual(sim.counts);
    expect([...live.equity.keys()]).toEqual([...sim.equity.keys()]);
    for (const [day, equity] of sim.equity) expect(live.equity.get(day)).toBeCloseTo(equity, 6);
  }, 600_000);
});
