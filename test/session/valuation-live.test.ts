import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import { launchReplay } from '../../src/live/launch.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { loadReal } from '../support/marketdata.js';

/**
 * The live runtime feeds the same session valuation as the simulator: under a value ranking a replay on real
 * bars values its requests and candidates from its bar window, and the stored decision records keep the
 * numbers (requester valuation, the steal inequality, per-candidate fill probability and EV).
 */
const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
];
const FROM = Date.parse('2024-03-04T00:00:00Z');
const TO = Date.parse('2024-03-11T00:00:00Z');
/** What this test reads of a stored decision record (decisionRecord's JSON). */
interface StoredRecord {
  action: string;
  ranking: string;
  requestValue: { probability: number } | null;
  stealTest: { passed: boolean } | null;
  candidates: { fillProbability?: number | null }[];
}

const dir = mkdtempSync(join(tmpdir(), 'worksteal-valuation-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('live runtime under a value ranking (replay on real bars)', () => {
  it('values from the bar window and records the values with each decision', async () => {
    const stateDb = join(dir, 'v.sqlite');
    const config = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            victimRanking: 'expectedValue',
            patternDayTrader: true,
            live: { initialEquity: 30_000, orderFraction: 0.45, pollSec: 3600, stateDb },
          },
        },
      ],
    }).config;
    const series = (await loadReal(FILES)).map((l) => l.series);
    const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
    const session = await launchReplay({
      config,
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
    await session.close();
    const db = new Database(stateDb, { readonly: true });
    const records = (db.prepare('SELECT record FROM decisions').all() as { record: string }[]).map(
      (r) => JSON.parse(r.record) as StoredRecord,
    );
    db.close();
    expect(records.length).toBeGreaterThan(0);
    const tested = records.filter((r) => r.stealTest);
    // The warm-up replay made the model ready from the first polls: steal tests ran, with known numbers.
    expect(tested.length).toBeGreaterThan(0);
    for (const r of tested) {
      expect(r.ranking).toBe('expectedValue');
      expect(r.requestValue!.probability).toBeGreaterThanOrEqual(0);
      expect(r.requestValue!.probability).toBeLessThanOrEqual(1);
      expect(r.stealTest!.passed).toBe(r.action === 'steal');
      const valued = r.candidates.filter((c) => c.fillProbability != null);
      expect(valued.length).toBeGreaterThan(0);
    }
  }, 600_000);
});
