/**
 * The writer's share of a background checkpoint (src/store/checkpointer.ts, finishCheckpoint): it never runs
 * inside one of the writer's transactions (a group commit's turn), so it can neither commit nor split one;
 * every row committed stays, in order, and is in the main file once the checkpoint has run.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { finishCheckpoint } from '../../src/store/checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-wal-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function openWriter(autocheckpoint: number): { db: Database.Database; path: string } {
  const path = join(dir, `w${++files}.sqlite`);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad TEXT NOT NULL)');
  return { db, path };
}

/** The rows' n values in the main file alone (a copy without its WAL), in row order. */
function inMainFile(path: string): number[] {
  const copy = `${path}.copy`;
  copyFileSync(path, copy);
  try {
    const db = new Database(copy, { readonly: true });
    try {
      return (db.prepare('SELECT n FROM rows ORDER BY id').all() as { n: number }[]).map((r) => r.n);
    } finally {
      db.close();
    }
  } finally {
    rmSync(copy, { force: true });
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Step =
  | { kind: 'write'; rows: number }
  | { kind: 'group'; rows: number; signalled: boolean; rollback: boolean }
  | { kind: 'signal' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), rows: fc.integer({ min: 1, max: 5 }) }),
  fc.record({
    kind: fc.constant('group' as const),
    rows: fc.integer({ min: 1, max: 8 }),
    signalled: fc.boolean(),
    rollback: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('signal' as const) }),
);

describe("the writer's share of a background checkpoint", () => {
  it('never runs inside a transaction: every committed row stays, in order, and reaches the main file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const { db, path } = openWriter(0);
        try {
          const insert = db.prepare('INSERT INTO rows (n, pad) VALUES (?, ?)');
          const committed: number[] = [];
          let n = 0;
          const write = (rows: number): number[] =>
            Array.from({ length: rows }, () => (insert.run(++n, 'x'.repeat(300)), n));
          for (const s of steps) {
            if (s.kind === 'signal') finishCheckpoint(db);
            else if (s.kind === 'write') committed.push(...write(s.rows));
            else {
              // A group commit's turn: opened, written, the worker's signal arrives, committed at the end.
              db.exec('BEGIN');
              const rows = write(s.rows);
              if (s.signalled) finishCheckpoint(db);
              expect(db.inTransaction).toBe(true);
              db.exec(s.rollback ? 'ROLLBACK' : 'COMMIT');
              if (!s.rollback) committed.push(...rows);
            }
            await turn();
          }
          const stored = (db.prepare('SELECT n FROM rows ORDER BY id').all() as { n: number }[]).map(
            (r) => r.n,
          );
          expect(stored).toEqual(committed);
          finishCheckpoint(db);
          expect(inMainFile(path)).toEqual(committed);
        } finally {
          db.close();
        }
      }),
      { numRuns: 30, seed: 2511 },
    );
  });
});
