/**
 * A lock file is never seen without its content (src/io/lock-file.ts). The store's lock was created empty and
 * written after: a second process starting in between read an empty lock, took it for a crashed owner's and
 * could take it over while the first still ran. Here every file-system call the lockers make is followed by a
 * look at the lock files, as a second process could look at any moment: each look finds no file, or the whole
 * content.
 */
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const looks = vi.hoisted(() => ({ paths: [] as string[], seen: [] as { path: string; text: string }[] }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const look = (): void => {
    for (const path of looks.paths) {
      try {
        looks.seen.push({ path, text: fs.readFileSync(path, 'utf8') });
      } catch {
        // not there now
      }
    }
  };
  const observed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fs)) {
    observed[name] =
      typeof value === 'function' && name.endsWith('Sync')
        ? (...args: unknown[]): unknown => {
            try {
              return (value as (...a: unknown[]) => unknown)(...args);
            } finally {
              look();
            }
          }
        : value;
  }
  return { ...observed, default: observed };
});

const fs = await import('node:fs');
const { lockStoreFile } = await import('../../src/store/lock.js');
const { lockStore } = await import('../../src/data/lock.js');

const dir = fs.mkdtempSync(join(tmpdir(), 'worksteal-lock-whole-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  looks.paths = [];
  looks.seen = [];
});

/** Watch a lock file and its takeover guard. */
const watch = (lock: string): void => {
  looks.paths = [lock, `${lock}.takeover`];
};

/** A pid no process has (above every pid_max): a crashed holder's. */
const DEAD_PID = 999_999_999;

describe('a lock file appears with its content', () => {
  it('the store lock: every look finds the whole holder, from creation to release', () => {
    const db = join(dir, 'fresh.sqlite');
    watch(`${db}.lock`);
    const lock = lockStoreFile(db, 'worksteal run');
    lock.release();
    expect(looks.seen.length).toBeGreaterThan(0);
    for (const { text } of looks.seen)
      expect(JSON.parse(text)).toMatchObject({
        pid: process.pid,
        host: hostname(),
        command: 'worksteal run',
      });
  });

  it('the store lock taken over from a dead holder: the guard and the new lock are never seen empty', () => {
    const db = join(dir, 'stale.sqlite');
    const stale = `${JSON.stringify({ pid: DEAD_PID, host: hostname(), since: '2024-03-04T00:00:00.000Z', command: 'worksteal run' })}\n`;
    fs.writeFileSync(`${db}.lock`, stale);
    watch(`${db}.lock`);
    const lock = lockStoreFile(db, 'worksteal run');
    expect(JSON.parse(fs.readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    const texts = looks.seen.map((s) => s.text);
    expect(texts).toContain(stale);
    for (const text of texts) expect(text).not.toBe('');
    for (const text of texts) expect(() => JSON.parse(text) as unknown).not.toThrow();
  });

  it('the data folder lock, fresh and taken over: every look finds the pid', async () => {
    const folder = join(dir, 'data');
    const lock = join(folder, '.lock');
    watch(lock);
    await (
      await lockStore(folder)
    )();
    fs.writeFileSync(lock, `${DEAD_PID}\n`);
    await (
      await lockStore(folder)
    )();
    const texts = looks.seen.map((s) => s.text);
    expect(texts).toContain(`${process.pid}\n`);
    for (const text of texts) expect(text).toMatch(/^\d+\n$/);
  });

  it('no temp file is left beside the lock', () => {
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
