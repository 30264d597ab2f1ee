/**
 * The rules every lock file of worksteal follows (the store's `<file>.lock`, src/store/lock.ts; the data
 * folder's `.lock`, src/data/lock.ts); each lock keeps its own content and messages.
 *
 * - A lock file appears with its content already in it: written to a temp file, then linked into place. A
 *   file created empty and written after would let a second process, starting in between, read an empty lock,
 *   take it for a crashed owner's and take over while the first still runs.
 * - A lock whose owner is dead is taken over under a guard (`<lock>.takeover`), so two processes that find
 *   the same stale lock cannot both remove it and both go on: only the one holding the guard re-reads the lock
 *   and removes it if it still holds what was read.
 *
 * Synchronous: a lock is a few bytes on a local disk, and the store's lock is taken in a constructor.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';

const code = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? '';

/** What `link` answers on a file system without hard links. */
const NO_HARD_LINKS = ['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'];

/** Whether a process with this pid runs on this machine (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return code(err) === 'EPERM';
  }
}

/** Removes a file; one already gone is no error. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Creates `path` holding `content`, or answers false when it exists: it is never seen without its content. */
export function createLockFile(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, content, { flag: 'wx' });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (code(err) === 'EEXIST') return false;
    if (!NO_HARD_LINKS.includes(code(err))) throw err;
    return createDirectly(path, content);
  } finally {
    removeQuietly(tmp);
  }
}

/** Without hard links: created, then written (seen empty in between; a lock reader allows for that). */
function createDirectly(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if (code(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** A lock file's text and age, or null when it is gone; other failures to read it are thrown. */
export function readLockFile(path: string, now = Date.now()): { text: string; ageMs: number } | null {
  try {
    const text = readFileSync(path, 'utf8');
    return { text, ageMs: now - statSync(path).mtimeMs };
  } catch (err) {
    if (code(err) === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Removes the lock at `path` if it still holds `staleText` (its owner is dead), under the takeover guard,
 * which holds `mine` while this process has it. `guardLive(text)`: whether a guard holding `text` names a live
 * process other than this one. False when another live process holds the guard (it is taking over: try
 * again); true when this process held it, whether the lock was still the stale one or not.
 */
export function takeOverStale(
  path: string,
  staleText: string,
  mine: string,
  guardLive: (text: string) => boolean,
): boolean {
  const guard = `${path}.takeover`;
  if (!createLockFile(guard, mine)) {
    const held = readLockFile(guard);
    if (held !== null && guardLive(held.text)) return false;
    removeQuietly(guard); // its owner died in the middle of a takeover
    if (!createLockFile(guard, mine)) return false;
  }
  try {
    if (readLockFile(path)?.text === staleText) removeQuietly(path);
  } finally {
    removeQuietly(guard);
  }
  return true;
}
