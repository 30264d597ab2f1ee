import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import type { WorkstealConfig } from '../../src/core/config/schema.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { LiveStore } from '../../src/live/store.js';
import { loadReal } from '../support/marketdata.js';
import { configVenue, replayRuntime } from '../support/replay-runtime.js';

const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
];
const H = 3_600_000;
const FROM = Date.parse('2024-03-04T00:00:00Z');
/** The first run trades ten days; the second starts where it stopped. */
const RESTART = FROM + 240 * H;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-restore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(victimRanking: string): WorkstealConfig {
  return resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          victimRanking,
          live: {
            initialEquity: 10_000,
            orderFraction: 0.45,
            pollSec: 3600,
            stateDb: join(dir, `${victimRanking}.sqlite`),
          },
        },
      },
    ],
  }).config;
}

/** One run of the runtime in process against the same store and venue tag, from `start` to `end`. */
async function runOnce(cfg: WorkstealConfig, start: number, end: number): Promise<Record<string, unknown>> {
  const time = new DecisionTime(new AcceleratedClock(start, 1e9), start);
  const series = (await loadReal(FILES)).map((l) => l.series);
  const venue = configVenue(cfg, series, time);
  const store = new LiveStore(cfg.live.stateDb);
  const sink = new MemorySink();
  const runtime = replayRuntime({
    config: cfg,
    venue,
    time,
    store,
    log: new Logger([sink]),
    // The same tag names the same replay venue: the second run is a restart against the first one's venue.
    runTag: 'restore',
    start,
    end,
  });
  try {
    await runtime.start();
    await runtime.run();
    await runtime.stop('end-of-data', false);
  } finally {
    store.close();
  }
  const started = sink.lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((e) => e.event === 'started');
  return started!;
}

function storedReturnsBefore(cfg: WorkstealConfig, at: number): number {
  const db = new Database(cfg.live.stateDb, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM trade_returns WHERE at < ?').get(at) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('a restarted runtime learns the closed trades of its earlier runs again', () => {
  it('under the default ranking the started line counts exactly the trades stored before the restart', async () => {
    const cfg = config('auto');
    expect(await runOnce(cfg, FROM, RESTART)).toMatchObject({ learnedTrades: 0 });
    const stored = storedReturnsBefore(cfg, RESTART);
    // Not vacuous: the first run closed trades and stored what they taught.
    expect(stored).toBeGreaterThan(0);
    expect(await runOnce(cfg, RESTART, RESTART + 2 * H)).toMatchObject({ learnedTrades: stored });
  });

  it('under the distance rule nothing is stored and nothing is learned', async () => {
    const cfg = config('distance');
    await runOnce(cfg, FROM, RESTART);
    expect(storedReturnsBefore(cfg, RESTART)).toBe(0);
    expect(await runOnce(cfg, RESTART, RESTART + 2 * H)).toMatchObject({ learnedTrades: 0 });
  });
});
