/**
 * The JSON log's `outcome` line says the decision's reason in words, the sentence `/status` and the store's
 * `decisions.detail` show (e.g. `short of 25,534.76 of margin ...` for a block). It logged the saga's own note
 * instead, which is null for every request but an aborted one, so every block's line said `"detail":null`.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchReplay } from '../../src/live/launch.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { loadReal } from '../support/marketdata.js';
import { replayTestConfig } from '../support/replay-runtime.js';

const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
];
const FROM = Date.parse('2024-03-04T00:00:00Z');
const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-outcome-detail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'state.sqlite');

describe('the outcome log line', () => {
  it('carries the decision’s reason in words, as the store and /status show it', async () => {
    const config = replayTestConfig(db);
    const sink = new MemorySink();
    const session = await launchReplay({
      config,
      env: {},
      log: new Logger([sink]),
      series: (await loadReal(FILES)).map((l) => l.series),
      from: FROM,
      to: FROM + 72 * H,
      http: false,
      time: new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM),
    });
    expect(await session.runtime.run()).toBe('end');
    await session.runtime.stop('end-of-data', false);
    await session.close();

    const lines = sink.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.event === 'outcome');
    const d = new Database(db, { readonly: true });
    const stored = d
      .prepare('SELECT time, symbol, outcome, detail FROM decisions WHERE outcome IS NOT NULL')
      .all() as { time: number; symbol: string; outcome: string; detail: string }[];
    d.close();
    // A block among them: the case the review saw logged with a null detail.
    expect(lines.some((e) => e.status === 'blocked')).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
    for (const e of lines) {
      expect(typeof e.detail).toBe('string');
      const row = stored.find(
        (r) => r.symbol === e.symbol && new Date(r.time).toISOString() === e.at && r.outcome === e.status,
      );
      expect(row?.detail).toBe(e.detail);
    }
  });
});
