/**
 * Opening the one SQLite store (simulator runs, optimizer studies, live state): WAL mode, an integrity check
 * when asked, and the schema brought to the latest version. Every refusal is a StoreFileError naming the file
 * and what to do.
 */
import Database from 'better-sqlite3';
import { closeSync, openSync, readSync } from 'node:fs';
import { damagedStore, foreignStore, isDamage, StoreFileError } from './errors.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations.js';
import { checkStorePath } from './output-folder.js';

export interface OpenStoreOptions {
  /**
   * Check every page before use (`PRAGMA quick_check`): a live run must not start on a damaged file. It reads
   * the whole file, so the optimizer's large stores skip it and rely on SQLite's own checks on each read.
   */
  checkIntegrity?: boolean;
  /** What the file is for, in the words of the option that named it (e.g. "--db", "live.stateDb"). */
  option?: string;
}

/** Open (or create) the store in an existing folder, check it and migrate it. */
export function openStoreDatabase(path: string, options: OpenStoreOptions = {}): Database.Database {
  const option = options.option ?? '--db';
  checkStorePath(path, option);
  if (!looksLikeSqlite(path)) throw foreignStore(path, option);
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new StoreFileError(
      'unopenable',
      path,
      `cannot open the store ${path}: ${(error as Error).message}; point ${option} at a writable file.`,
      { cause: error },
    );
  }
  try {
    // The first read of the file: a truncated or foreign file fails here.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives the process being killed (it is in the WAL);
    // only an operating-system crash could lose the last ones.
    db.pragma('synchronous = NORMAL');
    if (options.checkIntegrity) checkIntegrity(db, path);
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreFileError) throw error;
    if (isDamage(error)) throw damagedStore(path, (error as Error).message, error);
    throw new StoreFileError(
      'unopenable',
      path,
      `cannot use the store ${path}: ${(error as Error).message}; point ${option} at another file.`,
      { cause: error },
    );
  }
}

/** Every SQLite file starts with these 16 bytes. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * False only for a non-empty file whose first bytes are not SQLite's header. A missing or empty file is a new
 * store; a file that cannot be read is left to SQLite, whose message says why.
 */
function looksLikeSqlite(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return true;
  }
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, head, 0, head.length, 0);
    return read === 0 || head.subarray(0, read).equals(SQLITE_HEADER.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

function checkIntegrity(db: Database.Database, path: string): void {
  const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
  if (problems.length) throw damagedStore(path, `integrity check: ${problems.join('; ')}`);
}

/** The file's schema version (0: never migrated, or written before the store module). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Apply the missing steps in one IMMEDIATE transaction (a second process opening the file at the same time
 * waits, then finds nothing left to do). A file from a newer worksteal is refused, never rewritten.
 */
export function migrate(db: Database.Database, path: string): void {
  const refuseNewer = (version: number): void => {
    if (version <= LATEST_VERSION) return;
    throw new StoreFileError(
      'too-new',
      path,
      `the store ${path} has schema version ${version}, written by a newer worksteal; this one knows versions ` +
        `up to ${LATEST_VERSION}. Upgrade worksteal, or use another store file.`,
    );
  };
  refuseNewer(schemaVersion(db));
  if (schemaVersion(db) === LATEST_VERSION) return;
  db.transaction(() => {
    const from = schemaVersion(db);
    refuseNewer(from);
    for (const step of MIGRATIONS) {
      if (step.version <= from) continue;
      step.up(db);
      db.pragma(`user_version = ${step.version}`);
    }
  }).immediate();
}
