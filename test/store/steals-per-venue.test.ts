/**
 * The `steals` table keeps each run's own steals, once per venue. Its key was (at, thief, victim) with INSERT
 * OR IGNORE: a replay restarted on the store of a killed replay made the same steals at the same market times,
 * and they were dropped, staying attributed to the killed run (the run's summary said 4 steals, `steals` held
 * 2 of them). Now a steal is keyed by its venue (store version 9): each replay is its own venue and keeps its
 * own; a broker run that recorded a steal before a crash and records it again in the next start's recovery
 * still keeps one row, which cooldowns and fights read back once.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StealEvent } from '../../src/core/types.js';
import { LiveStore } from '../../src/live/store.js';
import { LATEST_VERSION, MIGRATIONS } from '../../src/store/migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-steals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `store-${++n}.sqlite`);

type Row = { run_id: number; venue: string; at: number; thief: string; victim: string; fight: number };
function stealRows(path: string): Row[] {
  const d = new Database(path, { readonly: true });
  try {
    return d.prepare('SELECT run_id, venue, at, thief, victim, fight FROM steals ORDER BY id').all() as Row[];
  } finally {
    d.close();
  }
}

const A: StealEvent = { at: 1_709_600_000_000, thief: 'SOLUSDT', victim: 'LINKUSDT' };
const B: StealEvent = { at: 1_709_603_600_000, thief: 'AVAXUSDT', victim: 'SOLUSDT' };

/** One run on the store at `path`: started, its steals recorded, then closed (killed or stopped alike). */
function run(path: string, broker: string, tag: string, steals: readonly StealEvent[]): number {
  const store = new LiveStore(path);
  try {
    const id = store.startRun(tag, broker, 1_000, {});
    for (const e of steals) store.recordSteal(e, false);
    return id;
  } finally {
    store.close();
  }
}

describe('steals are kept per venue', () => {
  it('a replay restarted over a killed replay’s period records its own steals (they stayed with the killed run)', () => {
    const path = fresh();
    const killed = run(path, 'replay', 'k1', [A, B]);
    const next = run(path, 'replay', 'k2', [A, B]);
    const rows = stealRows(path);
    expect(rows.filter((r) => r.run_id === killed)).toHaveLength(2);
    expect(rows.filter((r) => r.run_id === next)).toEqual([
      { run_id: next, venue: 'replay:k2', ...A, fight: 0 },
      { run_id: next, venue: 'replay:k2', ...B, fight: 0 },
    ]);
  });

  it('a broker steal recorded before a crash and again by the next start is one row, read back once', () => {
    const path = fresh();
    const first = run(path, 'alpaca', 'a1', [A]);
    run(path, 'alpaca', 'a2', [A, B]);
    expect(stealRows(path).map((r) => [r.run_id, r.at])).toEqual([
      [first, A.at],
      [first + 1, B.at],
    ]);
    const store = new LiveStore(path);
    try {
      expect(store.stealsBetween(0, Number.MAX_SAFE_INTEGER, 'alpaca')).toEqual([A, B]);
      // Replays' steals never reach a broker's cooldowns.
      expect(store.stealsBetween(0, Number.MAX_SAFE_INTEGER, 'paper')).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('a store of version 8 keeps every steal row, each given its run’s venue', () => {
    const path = fresh();
    const old = new Database(path);
    old.transaction(() => {
      for (const step of MIGRATIONS.filter((m) => m.version <= 8)) step.up(old);
      old.pragma('user_version = 8');
    })();
    const insertRun = old.prepare(
      "INSERT INTO runs (run_tag, broker, started_at, config) VALUES (?, ?, 1, '{}')",
    );
    insertRun.run('r1', 'replay');
    insertRun.run('a1', 'alpaca');
    const insertSteal = old.prepare(
      'INSERT INTO steals (run_id, at, thief, victim, fight) VALUES (?, ?, ?, ?, ?)',
    );
    insertSteal.run(1, A.at, A.thief, A.victim, 1);
    insertSteal.run(2, B.at, B.thief, B.victim, 0);
    insertSteal.run(7, B.at + 1, B.thief, B.victim, 0); // a run row gone: the venue is unknown
    old.close();

    run(path, 'replay', 'r2', [A]);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    db.close();
    expect(stealRows(path)).toEqual([
      { run_id: 1, venue: 'replay:r1', ...A, fight: 1 },
      { run_id: 2, venue: 'alpaca', ...B, fight: 0 },
      { run_id: 7, venue: 'unknown', ...B, at: B.at + 1, fight: 0 },
      { run_id: 3, venue: 'replay:r2', ...A, fight: 0 },
    ]);
  });

  it('property: every run keeps its own steals, a broker’s steal is one row, and the history reads each once', () => {
    const steal = fc.record({
      at: fc.integer({ min: 0, max: 3 }).map((h) => 1_709_600_000_000 + h * 3_600_000),
      thief: fc.constantFrom('SOLUSDT', 'LINKUSDT', 'AVAXUSDT'),
      victim: fc.constantFrom('SOLUSDT', 'LINKUSDT', 'AVAXUSDT'),
    });
    const runs = fc.array(
      fc.record({ broker: fc.constantFrom('replay', 'alpaca'), steals: fc.array(steal, { maxLength: 6 }) }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(runs, (plan) => {
        const path = fresh();
        // The model: the first run of a venue to record a steal owns its row.
        const owner = new Map<string, number>();
        const key = (venue: string, e: StealEvent): string => `${venue}|${e.at}|${e.thief}|${e.victim}`;
        plan.forEach((r, i) => {
          const id = run(path, r.broker, `t${i}`, r.steals);
          const venue = r.broker === 'replay' ? `replay:t${i}` : r.broker;
          for (const e of r.steals) if (!owner.has(key(venue, e))) owner.set(key(venue, e), id);
        });
        const rows = stealRows(path);
        expect(rows.map((r) => [key(r.venue, r), r.run_id]).sort()).toEqual([...owner.entries()].sort());
        // Each replay run holds every distinct steal it made.
        plan.forEach((r, i) => {
          if (r.broker !== 'replay') return;
          const own = new Set(r.steals.map((e) => key(`replay:t${i}`, e)));
          expect(rows.filter((x) => x.run_id === i + 1).length).toBe(own.size);
        });
        const store = new LiveStore(path);
        try {
          const read = store.stealsBetween(0, Number.MAX_SAFE_INTEGER, 'alpaca').map((e) => key('alpaca', e));
          expect(read.sort()).toEqual([...owner.keys()].filter((k) => k.startsWith('alpaca|')).sort());
        } finally {
          store.close();
        }
      }),
      { numRuns: 40, seed: 9 },
    );
  });
});
