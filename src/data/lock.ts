/**
 * One writer per data folder. Two downloads appending to the same file would each copy it, append, and
 * rename, and the second rename would drop the first one's bars; two imports would each write the manifest
 * they read, and the second would drop the first one's entry. The lock file turns that into a clear message.
 * A lock left by a process that no longer runs (killed, crashed) is taken over.
 *
 * The lock file appears with its pid already in it (written to a temp file, then linked into place), so a
 * second process never sees an empty lock and takes it for a dead one. Taking over is guarded by a second
 * file (`.lock.takeover`): two processes that find the same stale lock cannot both remove it and both go on,
 * since only the one holding the guard re-reads the lock and removes it if it still names the dead owner.
 * A second writer in the same process (a library caller running two imports at once) is refused too.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../store/lock.js';
import { StoreError } from './errors.js';

const LOCK = '.lock';
/** An empty or unreadable lock younger than this is being written by an older worksteal, not left by a crash. */
const UNREADABLE_GRACE_MS = 10_000;

/** Lock files this process holds. */
const held = new Set<string>();

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;
const removeQuietly = (path: string): Promise<void> => unlink(path).catch(() => undefined);

/** Creates `path` holding `content`, or false when it exists: it is never seen without its content. */
async function createWith(path: string, content: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { flag: 'wx' });
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if (code(err) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(code(err) ?? '')) throw err;
    return createDirectly(path, content); // a file system without hard links
  } finally {
    await removeQuietly(tmp);
  }
}

async function createDirectly(path: string, content: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(content);
    await handle.close();
    return true;
  } catch (err) {
    if (code(err) === 'EEXIST') return false;
    throw err;
  }
}

/** The lock's owner: its pid, 0 when the file says none (cut off), or null when the file is gone. */
async function ownerOf(path: string): Promise<{ pid: number; text: string; ageMs: number } | null> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const pid = /^\d+\n?$/.test(text) ? Number.parseInt(text, 10) : 0;
    return { pid, text, ageMs: Date.now() - info.mtimeMs };
  } catch (err) {
    if (code(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Removes the lock if it still holds `staleText`, under the takeover guard; false when another process has the guard. */
async function takeOver(path: string, staleText: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await createWith(guard, `${process.pid}\n`))) {
    const guardOwner = await ownerOf(guard);
    if (guardOwner && guardOwner.pid !== process.pid && processAlive(guardOwner.pid)) return false;
    await removeQuietly(guard); // its owner died in the middle of a takeover
    if (!(await createWith(guard, `${process.pid}\n`))) return false;
  }
  try {
    const now = await ownerOf(path);
    if (now !== null && now.text === staleText) await removeQuietly(path);
  } finally {
    await removeQuietly(guard);
  }
  return true;
}

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
    if (await createWith(path, mine)) {
      held.add(path);
      return async () => {
        if (!held.delete(path)) return;
        const owner = await ownerOf(path).catch(() => null);
        if (owner?.text === mine) await removeQuietly(path);
      };
    }
    const owner = await ownerOf(path);
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
    if (!(await takeOver(path, owner.text))) break;
  }
  throw new StoreError(`could not lock ${dir}: another process keeps taking ${path}; try again.`);
}
