/**
 * One writer per store file. Two `worksteal run` processes on one file would interleave their rows and each
 * would "recover" the other's sagas; the lock file beside the store (`<file>.lock`, holding the owner's pid
 * and host) turns that into a clear refusal. A lock whose owner is dead (killed, crashed) is taken over.
 *
 * The lock file appears with its holder already in it, and a stale one is taken over under a guard
 * (`<file>.lock.takeover`), so two processes that both find it cannot both remove it and both start: the rules
 * of every worksteal lock file, in src/io/lock-file.ts.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { createLockFile, processAlive, removeQuietly, takeOverStale } from '../io/lock-file.js';
import { StoreFileError } from './errors.js';
import { checkStorePath } from './output-folder.js';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  command: string;
}

export interface StoreLock {
  readonly path: string;
  release(): void;
}

/** Locks held by this process, by lock path: a second store object in the same process shares the lock. */
const held = new Map<string, number>();

/** The holder a lock file's text names. */
function holderOf(text: string): LockHolder {
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    return {
      pid: Number(parsed.pid),
      host: String(parsed.host ?? ''),
      since: String(parsed.since ?? ''),
      command: String(parsed.command ?? ''),
    };
  } catch {
    // A lock file cut short by a crash while it was written: its owner never started.
    return { pid: 0, host: hostname(), since: '', command: '' };
  }
}

/** The lock's text and holder, or null when it cannot be read (gone). */
function readHolder(path: string): { text: string; holder: LockHolder } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return { text, holder: holderOf(text) };
}

/** The holder is a live process other than us: on this host alive by pid, on another host assumed alive. */
function holderIsLive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true;
  return h.pid !== process.pid && processAlive(h.pid);
}

function refusal(storePath: string, lockPath: string, h: LockHolder): StoreFileError {
  const who = `pid ${h.pid}${h.host === hostname() ? '' : ` on ${h.host}`}${h.since ? `, since ${h.since}` : ''}`;
  return new StoreFileError(
    'locked',
    storePath,
    `the store ${storePath} is in use by another worksteal process (${who}${h.command ? `: ${h.command}` : ''}). ` +
      `Stop that process first, or give this one another store (--db). If that process is not worksteal ` +
      `(a reused pid), remove ${lockPath}.`,
  );
}

/**
 * Take the store's single-writer lock, or throw naming the holder. `now` is only written into the lock file,
 * for the refusal message of a second process. `option` names where the path came from, for the refusal of a
 * folder that does not exist (src/store/output-folder.ts).
 */
export function lockStoreFile(
  storePath: string,
  command: string,
  now: Date = new Date(),
  option = 'live.stateDb',
): StoreLock {
  checkStorePath(storePath, option);
  const path = `${resolve(storePath)}.lock`;
  const release = (): void => {
    const count = (held.get(path) ?? 1) - 1;
    if (count > 0) {
      held.set(path, count);
      return;
    }
    held.delete(path);
    const h = readHolder(path)?.holder;
    if (h && h.pid === process.pid && h.host === hostname()) removeQuietly(path);
  };
  const count = held.get(path);
  if (count !== undefined) {
    held.set(path, count + 1);
    return { path, release };
  }
  const me: LockHolder = { pid: process.pid, host: hostname(), since: now.toISOString(), command };
  const content = `${JSON.stringify(me)}\n`;
  const create = (): boolean => {
    try {
      return createLockFile(path, content);
    } catch (error) {
      throw new StoreFileError(
        'unopenable',
        storePath,
        `cannot open the store ${storePath}: its lock file ${path} cannot be created ` +
          `(${(error as Error).message}); point ${option} at a writable file.`,
        { cause: error },
      );
    }
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (create()) {
      held.set(path, 1);
      return { path, release };
    }
    const seen = readHolder(path);
    if (seen === null) continue; // released between our two looks
    if (holderIsLive(seen.holder)) throw refusal(storePath, path, seen.holder);
    // Stale: removed under the takeover guard if it still names that dead holder; then try again.
    takeOverStale(path, seen.text, content, (guard) => holderIsLive(holderOf(guard)));
  }
  throw new StoreFileError(
    'locked',
    storePath,
    `could not lock the store ${storePath}: other processes keep taking ${path}; try again.`,
  );
}
