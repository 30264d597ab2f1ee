import Database from 'better-sqlite3';
import {
  copyFileSync,
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { launchReplay } from '../../src/live/launch.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { LiveStore } from '../../src/live/store.js';
import { StoreFileError } from '../../src/store/errors.js';
import { runCli } from '../support/cli.js';
import { loadReal, MARKETDATA } from '../support/marketdata.js';
import { replayTestConfig } from '../support/replay-runtime.js';

const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
];
const FROM = Date.parse('2024-03-04T00:00:00Z');
const H = 3_600_000;
const PAGE = 4096;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-integrity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const good = join(dir, 'good.sqlite');

function config(db: string) {
  return replayTestConfig(db);
}

async function replay(db: string, hours: number) {
  return launchReplay({
    config: config(db),
    env: {},
    log: new Logger([new MemorySink()]),
    series: (await loadReal(FILES)).map((l) => l.series),
    from: FROM,
    to: FROM + hours * H,
    http: false,
    time: new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM),
  });
}

/** A deterministic byte stream (xorshift32), so the damage is the same at every run. */
function noise(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** The store file with pages from 40% to 60% of it overwritten with noise. */
function damagedCopy(name: string): string {
  const path = join(dir, name);
  copyFileSync(good, path);
  const pages = statSync(path).size / PAGE;
  const first = Math.floor(pages * 0.4);
  const last = Math.ceil(pages * 0.6);
  const fd = openSync(path, 'r+');
  try {
    for (let p = first; p < last; p++) writeSync(fd, noise(p + 7, PAGE), 0, PAGE, p * PAGE);
  } finally {
    closeSync(fd);
  }
  return path;
}

function truncatedCopy(name: string, bytes: (size: number) => number): string {
  const path = join(dir, name);
  copyFileSync(good, path);
  truncateSync(path, bytes(statSync(path).size));
  return path;
}

const runOn = (db: string) =>
  runCli([
    'run',
    '--broker',
    'replay',
    '--data',
    ...FILES.map((f) => join(MARKETDATA, f)),
    '--db',
    db,
    '--from',
    '2024-03-04',
    '--to',
    '2024-03-04T02:00:00Z',
    '--speed',
    '1000000000',
    '--no-http',
  ]);

beforeAll(async () => {
  // A real store: two days of a replay, closed cleanly (the WAL folded into the file).
  const session = await replay(good, 48);
  await session.runtime.run();
  await session.runtime.stop('end-of-data', false);
  await session.close();
  expect(statSync(good).size / PAGE).toBeGreaterThan(20);
});

describe('the store refuses a damaged file at start-up', () => {
  it('pages damaged in the middle: refused with the file and what to do, exit 1, no stack trace', () => {
    const path = damagedCopy('middle.sqlite');
    let error: unknown;
    try {
      new LiveStore(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreFileError);
    expect((error as StoreFileError).problem).toBe('damaged');
    const cli = runOn(path);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`the store ${path} is damaged`);
    expect(cli.stderr).toMatch(
      /Restore it from a backup, or move it aside .*and start again with a fresh store/,
    );
    expect(cli.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(cli.stdout).not.toMatch(/"poll-failed"/);
  });

  for (const [name, cut] of [
    ['truncated to half', (size: number) => Math.floor(size / 2)],
    ['truncated inside its header', () => 60],
  ] as const) {
    it(`a store ${name}: refused the same way`, () => {
      const path = truncatedCopy(`${name.replace(/ /g, '-')}.sqlite`, cut);
      const cli = runOn(path);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(`the store ${path} is damaged`);
      expect(cli.stderr).not.toMatch(/internal error|\n\s+at /);
    });
  }

  it('the undamaged store still opens, and a run on it ends normally', () => {
    const path = join(dir, 'copy.sqlite');
    copyFileSync(good, path);
    const cli = runOn(path);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
  });
});

describe('a database error while running', () => {
  it('stops the run (run() rejects with the store error) instead of polling on', async () => {
    const db = join(dir, 'failing.sqlite');
    const session = await replay(db, 24);
    const store = session.store;
    let writes = 0;
    const record = store.recordDecision.bind(store);
    // The disk goes bad under the running session: SQLite's own error from the third decision on.
    store.recordDecision = (d) => {
      if (++writes >= 3) throw new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT');
      return record(d);
    };
    const outcome = await session.runtime.run().then(
      (x) => x,
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(StoreFileError);
    expect((outcome as Error).message).toContain(`the store ${db} is damaged`);
    expect(writes).toBe(3); // no poll after the failing one
    await session.runtime.stop('store-failed', false);
    await session.close();
  });
});
