/**
 * Errors of the SQLite store that a person can act on: a damaged file, a file from a newer worksteal, a file
 * another process holds. Each names the file and says what to do; the command layer prints the message
 * without a stack trace and exits 1.
 */
import Database from 'better-sqlite3';

export type StoreFileProblem =
  'damaged' | 'foreign' | 'too-new' | 'locked' | 'read-only' | 'unopenable' | 'failed';

export class StoreFileError extends Error {
  /**
   * docs/cli.md "Exit codes": a path that cannot be opened, or names a file that is not a store at all, is
   * bad input (2); the rest fail the run (1).
   */
  readonly exitCode: number;

  constructor(
    readonly problem: StoreFileProblem,
    readonly path: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreFileError';
    this.exitCode = problem === 'unopenable' || problem === 'foreign' ? 2 : 1;
  }
}

export type SqliteError = InstanceType<typeof Database.SqliteError>;

/** Any error SQLite itself raised (damage, a full disk, a read-only file, a lock held too long). */
export function isSqliteError(error: unknown): error is SqliteError {
  return error instanceof Database.SqliteError;
}

/** SQLite's ways of saying the file's bytes are not a sound database. */
export function isDamage(error: unknown): boolean {
  if (!isSqliteError(error)) return false;
  return /^SQLITE_(CORRUPT|NOTADB|IOERR_SHORT_READ)/.test(error.code);
}

/** The two ways out of a damaged store, said the same everywhere. */
export function damagedStore(path: string, detail: string, cause?: unknown): StoreFileError {
  return new StoreFileError(
    'damaged',
    path,
    `the store ${path} is damaged (${detail}); worksteal will not read or write it. ` +
      `Restore it from a backup, or move it aside with its -wal and -shm files ` +
      `(mv ${path} ${path}.damaged) and start again with a fresh store.`,
    { cause },
  );
}

/**
 * A file that is not an SQLite file at all (a config, a CSV given as the store by mistake): the path is
 * wrong, not the file damaged, so the advice is another path, never to move the person's file aside.
 */
export function foreignStore(path: string, option: string): StoreFileError {
  return new StoreFileError(
    'foreign',
    path,
    `${option} ${path} is not a worksteal store (it is not an SQLite file): give ${option} a new file name ` +
      `or an existing store.`,
  );
}

/** What a live run does when its store fails: it cannot record what it does, so it stops. */
export const LIVE_RUN_STOPS = 'the run stopped rather than trade without recording';

/**
 * A database error while the store was in use (after a clean start). `consequence` says what became of the
 * work: a live run stops (LIVE_RUN_STOPS); `simulate --db` has simulated, and only the store's copy is missing.
 */
export function storeFailed(path: string, error: Error, consequence = LIVE_RUN_STOPS): StoreFileError {
  if (isDamage(error)) return damagedStore(path, `${error.message} while in use`, error);
  return new StoreFileError(
    'failed',
    path,
    `the store ${path} failed while in use (${error.message}); ${consequence}. Check the disk (space, ` +
      `permissions), then start again; the store refuses itself at start-up if it is damaged.`,
    { cause: error },
  );
}
