import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.js';

/** A writer and a second connection that sees only what is committed; the end of a turn is run by hand. */
function setUp(dir: string) {
  const path = join(dir, `g-${Math.random().toString(36).slice(2)}.sqlite`);
  const writer = new Database(path);
  writer.pragma('journal_mode = WAL');
  writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)');
  const reader = new Database(path, { readonly: true });
  const turnEnds: (() => void)[] = [];
  const failures: Error[] = [];
  const group = new GroupCommit(
    writer,
    (e) => failures.push(e),
    (commit) => void turnEnds.push(commit),
  );
  const committed = (): number => (reader.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  const write = (v: number): void => void writer.prepare('INSERT INTO t (v) VALUES (?)').run(v);
  const endTurn = (): void => {
    for (const commit of turnEnds.splice(0)) commit();
  };
  const close = (): void => {
    reader.close();
    writer.close();
  };
  return { writer, group, committed, write, endTurn, failures, close };
}

/** Lets settled promises run their callbacks. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit: the writes of one turn share a commit, and answers wait for it', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'worksteal-group-commit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('after any sequence of turns, an answer that waited for durable() finds its writes committed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        async (turns) => {
          const s = setUp(dir);
          try {
            let written = 0;
            for (const turn of turns) {
              // Each request of the turn: begin, write (or not), then its answer waits.
              const answers: Promise<number>[] = [];
              for (const writes of turn) {
                s.group.begin();
                if (writes) s.write(++written);
                const upTo = written;
                answers.push(s.group.durable().then(() => upTo));
              }
              let seen = -1;
              void Promise.all(answers).then(() => (seen = s.committed()));
              await settle();
              // Before the end of the turn nothing of it is visible to another connection, and no answer left.
              expect(seen).toBe(-1);
              s.endTurn();
              const upTos = await Promise.all(answers);
              for (const upTo of upTos) expect(s.committed()).toBeGreaterThanOrEqual(upTo);
              expect(s.committed()).toBe(written);
              expect(s.writer.inTransaction).toBe(false);
            }
            expect(s.failures).toEqual([]);
          } finally {
            s.close();
          }
        },
      ),
      { seed: 20261205, numRuns: 60 },
    );
  });

  it('with nothing open, durable() settles at once and writes commit one by one as before', async () => {
    const s = setUp(dir);
    try {
      s.write(1);
      expect(s.committed()).toBe(1);
      await s.group.durable();
      s.group.commit(); // nothing open: nothing happens
      expect(s.writer.inTransaction).toBe(false);
    } finally {
      s.close();
    }
  });

  it('a transaction someone else opened is left to them: begin() joins nothing and commits nothing', () => {
    const s = setUp(dir);
    try {
      s.writer.transaction(() => {
        s.group.begin();
        s.write(1);
      })();
      expect(s.committed()).toBe(1);
      s.endTurn();
      expect(s.writer.inTransaction).toBe(false);
    } finally {
      s.close();
    }
  });

  it('a failed commit rolls the turn back, fails the waiting answers and is reported', async () => {
    const s = setUp(dir);
    try {
      // A deferred foreign key: the insert is accepted, the commit refused.
      s.writer.pragma('foreign_keys = ON');
      s.writer.exec(
        'CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES t(id) DEFERRABLE INITIALLY DEFERRED)',
      );
      s.group.begin();
      s.write(1);
      s.writer.prepare('INSERT INTO child (parent) VALUES (999)').run();
      const answer = s.group.durable();
      s.endTurn();
      await expect(answer).rejects.toThrow(/FOREIGN KEY/);
      expect(s.failures.map((e) => e.message)).toEqual([expect.stringMatching(/FOREIGN KEY/)]);
      expect(s.committed()).toBe(0);
      expect(s.writer.inTransaction).toBe(false);
      // The next turn works as usual.
      s.group.begin();
      s.write(2);
      const next = s.group.durable();
      s.endTurn();
      await next;
      expect(s.committed()).toBe(1);
    } finally {
      s.close();
    }
  });
});
