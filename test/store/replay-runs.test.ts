import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { launchReplay } from '../../src/live/launch.js';
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
const dir = mkdtempSync(join(tmpdir(), 'worksteal-replay-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'state.sqlite');

const config = replayTestConfig(db);

async function replay(hours: number) {
  const series = (await loadReal(FILES)).map((l) => l.series);
  return launchReplay({
    config,
    env: {},
    log: new Logger([new MemorySink()]),
    series,
    from: FROM,
    to: FROM + hours * H,
    http: false,
    time: new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM),
  });
}

type Row = Record<string, unknown>;
const ordersOfRun = (run: number): Row[] => {
  const d = new Database(db, { readonly: true });
  try {
    return d
      .prepare(
        'SELECT client_order_id, order_id, status, filled_qty, fill_price, updated_at FROM orders WHERE run_id = ? ORDER BY rowid',
      )
      .all(run) as Row[];
  } finally {
    d.close();
  }
};

describe('replay runs sharing one store', () => {
  it("a killed run's orders are not overwritten by the next run's fills", async () => {
    // The first run places its first orders at its first poll that asks (an hour in: a run first looks at
    // prices made after its start) and is killed: never stopped, never closed.
    const killed = await replay(1);
    expect(await killed.runtime.run()).toBe('end');
    const before = ordersOfRun(killed.store.currentRun);
    expect(before.length).toBeGreaterThan(0);
    expect(before.some((o) => o.status === 'open')).toBe(true);

    // The next run replays the same bars for two days: the same orders again, and now they fill.
    const next = await replay(48);
    expect(await next.runtime.run()).toBe('end');
    await next.runtime.stop('end-of-data', false);
    const nextRun = next.store.currentRun;
    await next.close();
    const after = ordersOfRun(nextRun);
    // Orders the killed run left open filled in the next run (the same orders at the same bars).
    const leftOpen = new Set(before.filter((o) => o.status === 'open').map((o) => o.client_order_id));
    expect(leftOpen.size).toBeGreaterThan(0);
    expect(after.some((o) => o.status === 'filled')).toBe(true);

    // The killed run's rows are as it left them, except that none is left working: its venue ended with its
    // process, so the orders it left open are `gone` (stamped when the next start found them), with the
    // fills they had (none invented). Venue order ids are unique across the runs.
    const gone = before.map((o) => (o.status === 'open' ? { ...o, status: 'gone', updated_at: FROM } : o));
    expect(ordersOfRun(killed.store.currentRun)).toEqual(gone);
    const ids = [...before, ...after].map((o) => o.order_id);
    expect(new Set(ids).size).toBe(ids.length);

    // The killed run's row says it ended without stopping, when it was last heard of, and who found it.
    const d = new Database(db, { readonly: true });
    const runs = d.prepare('SELECT id, stopped_at, stop_reason FROM runs ORDER BY id').all() as Row[];
    const lastDecision = d
      .prepare('SELECT MAX(time) AS t FROM decisions WHERE run_id = ?')
      .get(killed.store.currentRun) as { t: number };
    d.close();
    expect(runs).toEqual([
      {
        id: killed.store.currentRun,
        stopped_at: expect.any(Number) as number,
        stop_reason: expect.stringMatching(
          new RegExp(
            `^ended without stopping: its process \\(pid ${process.pid} on .+\\) was gone when run ${nextRun} ` +
              `started at ${new Date(FROM).toISOString()}; stopped_at is its last record$`,
          ),
        ) as string,
      },
      { id: nextRun, stopped_at: expect.any(Number) as number, stop_reason: 'end-of-data' },
    ]);
    expect(runs[0]!.stopped_at).toBeGreaterThanOrEqual(lastDecision.t);
    expect(runs[0]!.stopped_at).toBeLessThanOrEqual(FROM + H);
    killed.store.db.close();
  });
});
