import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar, stockSessionAt } from '../../src/core/calendar/index.js';
import type { VictimRanking } from '../../src/core/config/schema.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { loadReal } from '../support/marketdata.js';
import {
  pairConfig,
  replayRun,
  simulatedRun,
  stateDbIn,
  type Run,
  type Window,
} from '../support/replay-vs-sim.js';

/**
 * With `extendedHours`, `run --broker replay` and `simulate` agree where the rule of a stock limit's hours
 * (core/calendar/order-hours.ts limitHours) is at its edges: early closes (after-hours until 17:00 New York,
 * so DAY limits lapse then), holidays, and windows drawn at random over the AAPL/MSFT files with pre- and
 * after-market bars (DST switches and all). The fixed two-week window is in replay-equals-simulate.test.ts.
 */
const FILES = [
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  'databento-nasdaq-tejasraj15/MSFT_1h.csv',
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
];
const DAY = 86_400_000;
const calendar = nyseCalendar();
const dir = mkdtempSync(join(tmpdir(), 'worksteal-replay-sim-ext-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
async function pair(
  series: BarSeries[],
  w: Window,
  ranking: VictimRanking = 'distance',
  sim: Record<string, unknown> = {},
): Promise<{ sim: Run; live: Run }> {
  const cfg = pairConfig(ranking, stateDbIn(dir, `ext-${runs++}`), sim, { extendedHours: true });
  return { sim: simulatedRun(series, cfg, w), live: await replayRun(series, cfg, w) };
}

function expectSame(sim: Run, live: Run, label: string): void {
  expect(live.decisions, label).toEqual(sim.decisions);
  expect(live.fills, label).toEqual(sim.fills);
  expect(live.counts, label).toEqual(sim.counts);
  expect([...live.equity.keys()], label).toEqual([...sim.equity.keys()]);
  for (const [day, equity] of sim.equity) expect(live.equity.get(day), label).toBeCloseTo(equity, 6);
}

/** The stock places of a run in the after-hours session of `day` (New York date), by their time. */
const afterHoursPlaces = (run: Run, day: string): string[] =>
  run.decisions.filter((d) => {
    const [time, symbol, action] = d.split(' ');
    const t = Date.parse(time!);
    const session = calendar.sessionFor(day)!;
    return (
      symbol !== 'SOLUSDT' &&
      action === 'place' &&
      t >= session.close &&
      stockSessionAt(t, calendar) === 'extended'
    );
  });

describe('replay equals simulate with extended hours, at the rule’s edges', () => {
  it('over Thanksgiving and the day after (13:00 close, after-hours until 17:00)', async () => {
    const series = (await loadReal(FILES)).map((l) => l.series);
    const w = { from: Date.parse('2024-11-25T00:00:00Z'), to: Date.parse('2024-12-04T00:00:00Z') };
    const { sim, live } = await pair(series, w);
    // The early close's after-hours session saw stock orders, and DAY limits lapsed in the window.
    expect(afterHoursPlaces(sim, '2024-11-29').length).toBeGreaterThan(0);
    expect(live.expired['entry'] ?? 0).toBeGreaterThan(0);
    expectSame(sim, live, 'Thanksgiving 2024');
  }, 600_000);

  it('over Christmas Eve (13:00 close) and Christmas Day (closed)', async () => {
    const series = (await loadReal(FILES)).map((l) => l.series);
    const w = { from: Date.parse('2024-12-19T00:00:00Z'), to: Date.parse('2024-12-31T00:00:00Z') };
    const { sim, live } = await pair(series, w);
    expect(afterHoursPlaces(sim, '2024-12-24').length).toBeGreaterThan(0);
    expectSame(sim, live, 'Christmas 2024');
  }, 600_000);

  it('property: over random windows of 3 to 8 days in 2021-2025, either ranking, with or without a stop', async () => {
    const series = (await loadReal(FILES)).map((l) => l.series);
    const first = Date.parse('2021-03-15T00:00:00Z');
    const last = Date.parse('2025-02-01T00:00:00Z');
    let expired = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: Math.floor((last - first) / DAY) }),
        fc.integer({ min: 3, max: 8 }),
        fc.constantFrom<VictimRanking>('distance', 'expectedValue'),
        fc.constantFrom({}, { stopLossPct: 0.01, timeStopHours: 12 }),
        async (startDay, days, ranking, exits) => {
          const w = { from: first + startDay * DAY, to: first + (startDay + days) * DAY };
          const { sim, live } = await pair(series, w, ranking, exits);
          expired += Object.values(live.expired).reduce((a, b) => a + b, 0);
          expectSame(sim, live, `${new Date(w.from).toISOString()} + ${days} days, ${ranking}`);
        },
      ),
      { seed: 37_2026, numRuns: 80, endOnFailure: true },
    );
    // The windows exercised the lapse.
    expect(expired).toBeGreaterThan(0);
  }, 600_000);
});
