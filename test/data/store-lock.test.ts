/**
 * The data folder's lock (src/data/lock.ts): one writer at a time, also when two writers start together or
 * run in one process, and a dead writer's lock is taken over only while it still names that writer.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockStore } from '../../src/data/lock.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the data folder lock', () => {
  it('a second writer in the same process is refused, and the first keeps its lock', async () => {
    const dir = join(root, 'same-process');
    const release = await lockStore(dir);
    await expect(lockStore(dir)).rejects.toThrow(
      /another data import or download in this process is writing to .*same-process; wait for it to finish/,
    );
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await release();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    const again = await lockStore(dir);
    await again();
  });

  it('a lock just created but not yet holding its pid is not taken for a dead one', async () => {
    const dir = join(root, 'being-written');
    await (
      await lockStore(dir)
    )();
    const lock = join(dir, '.lock');
    writeFileSync(lock, '');
    await expect(lockStore(dir)).rejects.toThrow(/its lock .*\.lock is being written\) is writing to/);
    expect(readFileSync(lock, 'utf8')).toBe('');
    // The same empty file an hour old was left by a crash: taken over.
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(lock, hourAgo, hourAgo);
    const release = await lockStore(dir);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    await release();
  });

  it('a dead owner’s lock is taken over; one another process is taking over is left to it', async () => {
    const dir = join(root, 'takeover');
    await (
      await lockStore(dir)
    )();
    const lock = join(dir, '.lock');
    writeFileSync(lock, '999999999\n');
    // A live process (our parent) holds the takeover guard: it removes the stale lock, not us.
    writeFileSync(`${lock}.takeover`, `${process.ppid}\n`);
    await expect(lockStore(dir)).rejects.toThrow(/could not lock .*another process keeps taking/);
    expect(readFileSync(lock, 'utf8')).toBe('999999999\n');
    // A guard whose owner died is removed, and the stale lock with it.
    writeFileSync(`${lock}.takeover`, '999999998\n');
    const release = await lockStore(dir);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    expect(existsSync(`${lock}.takeover`)).toBe(false);
    await release();
  });

  it('release leaves a lock that is no longer ours', async () => {
    const dir = join(root, 'not-ours');
    const release = await lockStore(dir);
    writeFileSync(join(dir, '.lock'), `${process.ppid}\n`);
    await release();
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(`${process.ppid}\n`);
  });
});
