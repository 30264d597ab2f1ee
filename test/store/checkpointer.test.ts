/**
 * Background WAL checkpoints (src/store/checkpointer.ts): the worker, not the writer, brings committed
 * writes into the main file; close() stops it and leaves everything in the main file; a process killed
 * at any instant, checkpoint or not, keeps every write it had committed; and the worker never holds its
 * process open.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../../src/live/store.js';
import { ROOT } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(dir, `s${++files}.sqlite`);

/** Events in the main file alone (a copy without its WAL), or null while a checkpoint is mid-write. */
function eventsInMainFile(path: string): number | null {
  const copy = `${path}.copy-${files}`;
  copyFileSync(path, copy);
  try {
    const db = new Database(copy, { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return null;
  } finally {
    rmSync(copy, { force: true });
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('background WAL checkpoints', () => {
  it('bring committed writes into the main file without the writer checkpointing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), async (writes) => {
        const path = freshPath();
        const store = new LiveStore(path, { backgroundCheckpoints: true });
        try {
          for (let i = 0; i < writes; i++) store.recordEvent(i, 'probe', { i });
          // A handful of small writes never reaches SQLite's own checkpoint; only the worker moves them.
          let seen = eventsInMainFile(path);
          for (let tries = 0; seen !== writes && tries < 200; tries++) {
            await pause(50);
            seen = eventsInMainFile(path);
          }
          expect(seen).toBe(writes);
        } finally {
          store.close();
        }
      }),
      { numRuns: 4, seed: 1401 },
    );
  });

  it('stop with close(): the WAL is emptied and the main file alone holds every write', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (writes) => {
        const path = freshPath();
        const store = new LiveStore(path, { backgroundCheckpoints: true });
        for (let i = 0; i < writes; i++) store.recordEvent(i, 'probe', { pad: 'x'.repeat(500) });
        store.close();
        expect(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0).toBe(true);
        expect(eventsInMainFile(path)).toBe(writes);
        // The lock is free and the file opens again.
        new LiveStore(path).close();
      }),
      { numRuns: 5, seed: 1402 },
    );
  });

  it('a writer killed at any instant keeps every row it reported committed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), async (killAfter) => {
        const path = freshPath();
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', join(ROOT, 'test/store/checkpoint-writer.ts'), path],
          {
            cwd: ROOT,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const committed = await new Promise<number[]>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            const ids = out.split('\n').slice(0, -1).map(Number);
            if (ids.length >= killAfter) {
              child.kill('SIGKILL');
              resolve(ids);
            }
          });
          child.once('exit', (code, signal) => {
            if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${err}`));
          });
        });
        await new Promise((resolve) =>
          child.exitCode !== null || child.signalCode ? resolve(null) : child.once('exit', resolve),
        );
        const db = new Database(path);
        try {
          const rows = new Set(
            (db.prepare('SELECT id FROM decisions').all() as { id: number }[]).map((r) => r.id),
          );
          expect(committed.filter((id) => !rows.has(id))).toEqual([]);
        } finally {
          db.close();
        }
      }),
      { numRuns: 4, seed: 1403 },
    );
  });

  it('do not hold the process open: a writer that never closes its store still exits', async () => {
    const path = freshPath();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/store/checkpoint-idle.ts'), path],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, err }).toEqual({ code: 0, err: '' });
  });
});
