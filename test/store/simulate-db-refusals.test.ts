/**
 * `simulate --db` opens its store as `run` does, before simulating: a damaged, foreign, truncated or newer
 * file, or one a live worksteal process holds, is refused with the store's message (exit 1, no stack trace),
 * no simulation is run and the file is left byte for byte as it was.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/sim/run.js';
import { saveRun } from '../../src/store/runs.js';
import { runCli } from '../support/cli.js';

const PAGE = 4096;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-simdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const good = join(dir, 'good.sqlite');
const bars = join(dir, 'SOLUSDT_1h.csv');

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A stored run with enough trades that the file has pages in the middle to damage. */
function storedRun(trades: number): SimulationResult {
  return {
    config: {},
    data: [],
    range: { from: '2024-01-01T00:00:00.000Z', to: '2024-01-02T00:00:00.000Z' },
    summary: {},
    decisions: [],
    trades: Array.from({ length: trades }, (_, i) => ({
      symbol: 'SOLUSDT',
      side: 'buy',
      qty: i + 1,
      entryTime: '2024-01-01T01:00:00.000Z',
      entryPrice: 100,
      exitTime: '2024-01-01T02:00:00.000Z',
      exitPrice: 101,
      pnl: 1,
      exitReason: 'take-profit',
    })),
    equity: [],
  } as unknown as SimulationResult;
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

beforeAll(() => {
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < 24 * 10; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z');
    lines.push(`${t},100,101,99,100.5,10`);
  }
  writeFileSync(bars, `${lines.join('\n')}\n`);
  saveRun(good, 'simulate', storedRun(3000));
  const db = new Database(good);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  expect(statSync(good).size / PAGE).toBeGreaterThan(20);
});

const simulate = (db: string) =>
  runCli([
    'simulate',
    '--data',
    bars,
    '--from',
    '2024-01-02',
    '--to',
    '2024-01-05',
    '--no-cache',
    '--db',
    db,
  ]);

function copy(name: string): string {
  const path = join(dir, name);
  copyFileSync(good, path);
  return path;
}

/** How each file is refused: the store's message and the exit code (1 a store that fails, 2 a wrong path). */
const stores: [string, () => string, RegExp, number][] = [
  [
    'pages overwritten in the middle',
    () => {
      const path = copy('garbage.sqlite');
      const pages = statSync(path).size / PAGE;
      const fd = openSync(path, 'r+');
      for (let p = Math.floor(pages * 0.4); p < Math.ceil(pages * 0.6); p++)
        writeSync(fd, noise(p + 7, PAGE), 0, PAGE, p * PAGE);
      closeSync(fd);
      return path;
    },
    /the store .*garbage\.sqlite is damaged \(/,
    1,
  ],
  [
    'truncated to half',
    () => {
      const path = copy('trunc.sqlite');
      truncateSync(path, Math.floor(statSync(path).size / 2));
      return path;
    },
    /the store .*trunc\.sqlite is damaged \(/,
    1,
  ],
  [
    // Not an SQLite file at all: the path is wrong; the advice is another path, never to move the file aside.
    'not a database',
    () => {
      const path = join(dir, 'notdb.sqlite');
      writeFileSync(path, noise(3, 3 * PAGE));
      return path;
    },
    /^error: --db .*notdb\.sqlite is not a worksteal store \(it is not an SQLite file\): give --db a new file name or an existing store\.$/m,
    2,
  ],
  [
    // SQLite's header, then noise: a real SQLite file that is damaged keeps the damaged-store advice.
    'an SQLite header over noise',
    () => {
      const path = join(dir, 'headed.sqlite');
      writeFileSync(path, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), noise(5, 3 * PAGE)]));
      return path;
    },
    /the store .*headed\.sqlite is damaged \(.*\(mv .*headed\.sqlite .*headed\.sqlite\.damaged\)/,
    1,
  ],
  [
    'from a newer worksteal',
    () => {
      const path = copy('newer.sqlite');
      const db = new Database(path);
      db.pragma('user_version = 999');
      db.close();
      return path;
    },
    /the store .*newer\.sqlite has schema version 999, written by a newer worksteal/,
    1,
  ],
];

describe('simulate --db refuses a store it cannot use before it simulates', () => {
  for (const [name, make, message, code] of stores) {
    it(`${name}: exit ${code}, the store's message, no result printed, the file unchanged`, () => {
      const path = make();
      const before = sha(path);
      const r = simulate(path);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|at \w+ \(/);
      expect(r.code).toBe(code);
      // Refused before the simulation: no summary table was printed.
      expect(r.stdout).not.toMatch(/total return/);
      expect(sha(path)).toBe(before);
      expect(existsSync(`${path}.lock`)).toBe(false);
    });
  }

  it('a store another live worksteal process holds: refused naming its pid, nothing written', () => {
    const path = copy('held.sqlite');
    const lock = `${path}.lock`;
    // This test's own process stands in for a running `worksteal run` holding the file.
    const holder = {
      pid: process.pid,
      host: hostname(),
      since: '2024-01-01T00:00:00.000Z',
      command: 'worksteal run',
    };
    writeFileSync(lock, `${JSON.stringify(holder)}\n`);
    const before = sha(path);
    const r = simulate(path);
    expect(r.stderr).toMatch(
      new RegExp(`the store .*held\\.sqlite is in use by another worksteal process \\(pid ${process.pid}`),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/total return/);
    expect(sha(path)).toBe(before);
    expect(readFileSync(lock, 'utf8')).toBe(`${JSON.stringify(holder)}\n`);
  });

  it('a sound store: the run is appended and the lock released', () => {
    const path = copy('sound.sqlite');
    const r = simulate(path);
    expect(r.code).toBe(0);
    // "wrote FILE" is a line about the run: stderr, as docs/cli.md says; stdout keeps the summary alone.
    expect(r.stderr).toMatch(/--db: wrote/);
    expect(r.stdout).not.toMatch(/wrote/);
    const db = new Database(path, { readonly: true });
    const runs = (db.prepare('SELECT COUNT(*) AS n FROM sim_runs').get() as { n: number }).n;
    db.close();
    expect(runs).toBe(2);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
