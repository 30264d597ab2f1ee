/**
 * One writer per data folder. Two downloads appending to the same file would each copy it, append, and
 * rename, and the second rename would drop the first one's bars; two imports would each write the manifest
 * they read, and the second would drop the first one's entry. The lock file turns that into a clear message.
 * A lock left by a process that no longer runs (killed, crashed) is taken over.
 *
 * The lock file appears with its pid already in it, so a second process never sees an empty lock and takes it
 * for a dead one; taking over is guarded by a second file (`.lock.takeover`), so two processes that find the
 * same stale lock cannot both remove it and both go on: the rules of every worksteal lock file, in
 * src/io/lock-file.ts.
 * A second writer in the same process (a library caller running two imports at once) is refused too.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createLockFile, processAlive, readLockFile, removeQuietly, takeOverStale } from '../io/lock-file.js';
import { StoreError } from './errors.js';

const LOCK = '.lock';
/** An empty or unreadable lock younger than this is being written by an older worksteal, not left by a crash. */
const UNREADABLE_GRACE_MS = 10_000;

/** Lock files this process holds. */
const held = new Set<string>();

/** The pid a lock (or guard) file's text names; 0 when it names none (cut off, or being written). */
const pidOf = (text: string): number => (/^\d+\n?$/.test(text) ? Number.parseInt(text, 10) : 0);

/** The lock's owner: its pid, 0 when the file says none (cut off), or null when the file is gone. */
function ownerOf(path: string): { pid: number; text: string; ageMs: number } | null {
  const lock = readLockFile(path);
  return lock && { pid: pidOf(lock.text), ...lock };
}

/** A guard holding this text is another live process's. */
const liveOther = (text: string): boolean => {
  const pid = pidOf(text);
  return pid !== process.pid && processAlive(pid);
};

/** Takes the folder's lock and returns its release function. */
export async function lockStore(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK);
  const mine = `${process.pid}\n`;
  const busy = (who: string): StoreError =>
    new StoreError(
      `${who} is writing to ${dir}; wait for it to finish, or remove ${path} if that process is not worksteal.`,
    );
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createLockFile(path, mine)) {
      held.add(path);
      return async () => {
        if (!held.delete(path)) return;
        let owner: { text: string } | null = null;
        try {
          owner = readLockFile(path);
        } catch {
          // unreadable: not ours to remove
        }
        if (owner?.text === mine) removeQuietly(path);
      };
    }
    const owner = ownerOf(path);
    if (owner === null) continue; // released between our two looks
    if (owner.pid === process.pid && held.has(path)) {
      throw new StoreError(
        `another data import or download in this process is writing to ${dir}; wait for it to finish, then run this one.`,
      );
    }
    if (owner.pid > 0 && owner.pid !== process.pid && processAlive(owner.pid))
      throw busy(`another worksteal data command (pid ${owner.pid})`);
    if (owner.pid === 0 && owner.ageMs < UNREADABLE_GRACE_MS)
      throw busy(`another worksteal data command (its lock ${path} is being written)`);
    // Stale: its owner is gone. Removed only if it still names that owner (another process may have taken it).
    if (!takeOverStale(path, owner.text, mine, liveOther)) break;
  }
  throw new StoreError(`could not lock ${dir}: another process keeps taking ${path}; try again.`);
}
