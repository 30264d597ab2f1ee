/**
 * A stop that cancels the resting entries (`--cancel-on-stop`, live.cancelEntriesOnStop) while the venue
 * misbehaves: a cancel whose answer is lost (the call fails, whether or not the cancel took effect) is sent
 * again, as a saga sends it (the venue answers a cancel of a closed order with how it closed), and one that
 * still fails never stops the other entries from being cancelled nor the stop from being recorded. Every
 * entry the stop could cancel is cancelled at the venue; none is left resting because another failed.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CancelResult } from '../../src/coordinator/broker.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { ReplayBroker } from '../../src/live/replay-broker.js';
import { LiveStore } from '../../src/live/store.js';
import { loadReal } from '../support/marketdata.js';
import { configVenue, replayRuntime } from '../support/replay-runtime.js';

const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
];
const FROM = Date.parse('2024-03-04T00:00:00Z');
const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-stop-cancel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Fault = 'answer lost once' | 'request lost once' | 'lost every time';

async function stopWith(fault: Fault) {
  const db = join(dir, `${fault.replaceAll(' ', '-')}.sqlite`);
  const cfg = resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          victimRanking: 'distance',
          sim: { feesBps: 0 },
          live: { initialEquity: 10_000, orderFraction: 0.3, pollSec: 3600, stateDb: db },
        },
      },
    ],
  }).config;
  const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
  const venue = configVenue(
    cfg,
    (await loadReal(FILES)).map((l) => l.series),
    time,
  );
  let stopping = false;
  let failed = 0;
  class FlakyBroker extends ReplayBroker {
    override async cancel(orderId: string): Promise<CancelResult> {
      // The first cancel the stop sends fails (every one it sends, for `lost every time`).
      if (!stopping || (failed > 0 && fault !== 'lost every time')) return super.cancel(orderId);
      failed++;
      if (fault === 'answer lost once') await super.cancel(orderId);
      throw new Error('socket hang up');
    }
  }
  const store = new LiveStore(db);
  const sink = new MemorySink();
  const runtime = replayRuntime({
    config: cfg,
    venue,
    broker: new FlakyBroker(venue),
    time,
    store,
    log: new Logger([sink]),
    runTag: 'stop',
    start: FROM,
    end: FROM + 3 * H,
  });
  await runtime.start();
  expect(await runtime.run()).toBe('end');
  const resting = venue.openOrders().filter((o) => o.role === 'entry');
  expect(resting.length).toBeGreaterThanOrEqual(2); // the situation under test: entries to cancel
  stopping = true;
  await runtime.stop('signal', true);
  store.close();
  const d = new Database(db, { readonly: true });
  const stop = d.prepare("SELECT detail FROM events WHERE kind = 'stop'").all() as { detail: string }[];
  const stopped = d.prepare('SELECT stop_reason FROM runs').all();
  d.close();
  return { venue, resting, sink, stop, stopped, failed };
}

describe('a stop that cancels the resting entries while the venue loses answers', () => {
  it.each(['answer lost once', 'request lost once'] as const)(
    'the cancel is sent again (%s): every entry is cancelled, the stop recorded',
    async (fault) => {
      const { venue, resting, stop, stopped } = await stopWith(fault);
      expect(venue.openOrders().filter((o) => o.role === 'entry')).toEqual([]);
      expect(stop.map((s) => JSON.parse(s.detail) as unknown)).toEqual([
        { reason: 'signal', cancelledEntries: resting.length },
      ]);
      expect(stopped).toEqual([{ stop_reason: 'signal' }]);
    },
  );

  it('a cancel lost every time is logged, the others still go out, and the stop is recorded', async () => {
    const { venue, resting, sink, stop, failed } = await stopWith('lost every time');
    // Each entry's cancel was sent twice and lost twice: the entries rest, each named in the log.
    expect(failed).toBe(2 * resting.length);
    expect(venue.openOrders().filter((o) => o.role === 'entry').length).toBe(resting.length);
    const failures = sink.lines.filter((l) => l.includes('"stop-cancel-failed"'));
    expect(failures.length).toBe(resting.length);
    expect(stop.map((s) => JSON.parse(s.detail) as unknown)).toEqual([
      { reason: 'signal', cancelledEntries: 0 },
    ]);
  });
});
