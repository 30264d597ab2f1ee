import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.js';
import { MARKETDATA } from '../support/marketdata.js';

// The disk goes bad under a running `worksteal run`: from its third decision on, every write of a decision
// fails the way SQLite reports a damaged page.
vi.mock('../../src/live/launch.js', async (original) => {
  const real = await original<typeof import('../../src/live/launch.js')>();
  return {
    ...real,
    launchReplay: async (o: Parameters<typeof real.launchReplay>[0]) => {
      const session = await real.launchReplay(o);
      const store = session.store;
      const record = store.recordDecision.bind(store);
      let writes = 0;
      store.recordDecision = (d) => {
        if (++writes >= 3)
          throw new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT');
        return record(d);
      };
      return session;
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'worksteal-run-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('worksteal run when the store fails under it', () => {
  it('stops the session and exits 1 with the store named, instead of polling on and exiting 0', async () => {
    const db = join(dir, 'state.sqlite');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let outcome: unknown;
    let lines: string[] = [];
    try {
      outcome = await runCommand({
        broker: 'replay',
        data: [
          join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
          join(MARKETDATA, 'binance-spot-yanniedog/LINKUSDT_1h.csv'),
        ],
        from: '2024-03-04',
        to: '2024-03-06',
        speed: '1000000000',
        db,
        http: false,
      }).catch((e: unknown) => e);
      lines = stdout.mock.calls.map((c) => String(c[0]));
    } finally {
      stdout.mockRestore();
    }
    expect(outcome).toMatchObject({
      name: 'CliError',
      exitCode: 1,
      message: expect.stringContaining(
        `the store ${db} is damaged (database disk image is malformed while in use)`,
      ) as string,
    });
    expect(lines.filter((l) => l.includes('"poll-failed"'))).toEqual([]);
    expect(lines.some((l) => l.includes('"store-failed"'))).toBe(true);
    // The session was stopped and closed: its stop is recorded and the lock released.
    const d = new Database(db, { readonly: true });
    expect(d.prepare('SELECT stop_reason FROM runs').all()).toEqual([{ stop_reason: 'store-failed' }]);
    d.close();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});
