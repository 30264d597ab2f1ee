import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { launchReplay } from '../../src/live/launch.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { BarSeries } from '../../src/sim/data/index.js';
import { simulate } from '../../src/sim/engine.js';
import { loadReal } from '../support/marketdata.js';

/**
 * DESIGN §5: one set of rules. `run --broker replay` polling at each bar close and `simulate` on the same
 * bars, config and signals must make the same decisions. Mixed set, 3 crypto + 2 stocks, two weeks with US
 * session closes (2024-03-04 → 2024-03-18), hourly polls at the bar closes.
 */
const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  'polygon-spy-peachy88/SPY_hourly.csv',
];
const FROM = Date.parse('2024-03-04T00:00:00Z');
const TO = Date.parse('2024-03-18T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'worksteal-replay-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = () =>
  resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          patternDayTrader: true,
          sim: { feesBps: 0, slippageBps: 0, orderFraction: 0.45, initialEquity: 30_000 },
          live: { initialEquity: 30_000, orderFraction: 0.45, pollSec: 3600, stateDb: join(dir, 'r.sqlite') },
        },
      },
    ],
  }).config;

interface Tally {
  places: number;
  steals: number;
  blocks: number;
  waits: number;
  deleverageCancels: number;
  deleverageTrims: number;
}

async function replay(series: BarSeries[]): Promise<Tally> {
  const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
  const session = await launchReplay({
    config: config(),
    env: {},
    log: new Logger([new MemorySink()]),
    series,
    from: FROM,
    to: TO,
    http: false,
    time,
  });
  await session.runtime.run();
  await session.runtime.stop('end-of-data', false);
  const c = session.runtime.counters;
  await session.close();
  const blocks = Object.values(c.blocks).reduce((a, b) => a + b, 0);
  return {
    places: c.places,
    steals: c.steals,
    blocks,
    waits: c.waits,
    deleverageCancels: c.deleverageCancels,
    deleverageTrims: c.deleverageTrims,
  };
}

function simulated(series: BarSeries[]): Tally {
  const out = simulate({ series, config: config(), calendar: nyseCalendar(), from: FROM, to: TO });
  const c = out.counters;
  return {
    places: c.places,
    steals: c.steals,
    blocks: Object.values(c.blocks).reduce((a, b) => a + b, 0),
    waits: c.waits,
    deleverageCancels: c.deleverageCancels,
    deleverageTrims: c.deleverageTrims,
  };
}

/**
 * Known differences, until the per-step logic (exits, entry watchers, bar-close polling) is one session:
 * - live arms only the take-profit: no stop-loss and no time stop (the simulator has both);
 * - live asks for every symbol at every poll (stocks out of hours wait in the core); the simulator asks only
 *   for symbols whose bar closed at that step;
 * - live suppresses stock entries in the end-of-day window; the simulator decides them (and cancels them at
 *   the window's step, which live polls only when a poll falls on it).
 * Measured on this window (2026-12-04): simulate 16 places / 141 steals / 308 blocks / 2 trims, replay
 * 14 / 133 / 315 / 1 (the issue measured 39/303/585 against 25/146/705 before sizing, ranking, tolerance and
 * the end-of-day loop were shared). `it.fails` turns red the day they agree: make it a plain `it` then.
 */
let tallies: Promise<{ sim: Tally; live: Tally }> | null = null;
const both = () =>
  (tallies ??= (async () => {
    const series = (await loadReal(FILES)).map((l) => l.series);
    return { sim: simulated(series), live: await replay(series) };
  })());

describe('replay equals simulate', () => {
  it('the window deleverages in both (a US close over the overnight requirement)', async () => {
    const { sim, live } = await both();
    expect(sim.deleverageTrims + sim.deleverageCancels).toBeGreaterThan(0);
    expect(live.deleverageTrims + live.deleverageCancels).toBeGreaterThan(0);
  }, 600_000);

  it.fails(
    'the same places, steals, blocks, waits and end-of-day actions (known differences above)',
    async () => {
      const { sim, live } = await both();
      expect(live).toEqual(sim);
    },
    600_000,
  );
});
