/**
 * WAL checkpoints from a worker thread with its own connection to the store file.
 *
 * In WAL mode with `synchronous = NORMAL` a commit only appends to the WAL (no fsync), and a committed
 * transaction survives the process being killed. The fsyncs happen at checkpoints, which SQLite by default
 * runs inside the commit that crosses 1,000 WAL pages: that one write then stalls its thread for tens of
 * milliseconds (the service's requests queue behind it). Here a worker checkpoints every `intervalMs`
 * instead (PASSIVE: it never blocks the writer), so the writing thread never waits for a large disk flush,
 * and the WAL reaches the disk at least that often even when writes are rare. The writer keeps SQLite's own
 * checkpoint, at a much larger WAL, as a bound should the worker fall behind or fail.
 *
 * The WAL starts again from its beginning only when a write transaction begins with every frame of it
 * checkpointed. Under writes that never pause (a saturated service commits every millisecond) the worker's
 * checkpoint never gets there: the writer commits more frames while it copies and syncs. The WAL then grew
 * to the writer's bound every 1–2 s and the writer checkpointed itself inside a commit, fsyncing the 200 ms
 * of WAL the worker had not synced yet: 10–60 ms with the event loop stopped. So once the WAL holds
 * `restartPages` pages, the worker checkpoints twice in a row (the second one copies and syncs only what
 * came during the first) and tells the writer, which checkpoints the few frames left between two of its
 * transactions, on its own thread (a short sync); its next write starts the WAL again from the beginning.
 * The same checkpoints, the same syncs before the WAL is reused: nothing a commit wrote can be lost.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL pages after which the writer checkpoints itself (SQLite's default is 1,000): only a bound. */
export const WRITER_CHECKPOINT_PAGES = 20_000;

/** WAL pages after which the worker hands the writer the last frames to checkpoint (see above). */
export const RESTART_PAGES = 4_000;

export interface BackgroundCheckpoints {
  /** Stop the worker and wait (up to a few seconds) until its connection is closed. */
  stop(): void;
}

// CommonJS, evaluated in the worker. `done[0]` turns 1 once the worker's connection is closed
// (or could not be opened): stop() waits for it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const done = new Int32Array(workerData.done);
let db = null;
let timer = null;
const finish = () => {
  clearInterval(timer);
  try { if (db && db.open) db.close(); } finally { Atomics.store(done, 0, 1); Atomics.notify(done, 0); }
};
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.path);
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  timer = setInterval(() => {
    try {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)');
      if (r.busy === 0 && r.log >= workerData.restartPages) {
        db.pragma('wal_checkpoint(PASSIVE)');
        parentPort.postMessage('caught-up');
      }
    } catch (error) { finish(); throw error; }
  }, workerData.intervalMs);
  parentPort.once('message', finish);
} catch (error) {
  finish();
  throw error;
}
`;

/**
 * Start checkpointing `path` (already open, in WAL mode, on `writer`) from a worker. If the worker fails,
 * the writer goes back to SQLite's default checkpoints, so the WAL never grows without bound.
 */
export function startBackgroundCheckpoints(
  writer: Database.Database,
  path: string,
  intervalMs = 200,
  restartPages = RESTART_PAGES,
): BackgroundCheckpoints {
  const done = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      intervalMs,
      restartPages,
      done,
    },
  });
  // Listened to before unref(): a listener added later holds the process open.
  worker.on('message', () => finishCheckpoint(writer));
  worker.unref();
  writer.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
  let stopped = false;
  worker.on('error', () => {
    if (!stopped && writer.open) writer.pragma('wal_autocheckpoint = 1000');
  });
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage('stop');
      Atomics.wait(new Int32Array(done), 0, 0, 5_000);
    },
  };
}

/**
 * The writer checkpoints what the worker left (a few milliseconds of commits), between two of its
 * transactions: a transaction open now (a group commit's turn) is committed first, at the end of its turn.
 * A failure is SQLite's own checkpoint's: ignored, the frames stay in the WAL for the next checkpoint.
 */
export function finishCheckpoint(writer: Database.Database): void {
  if (!writer.open) return;
  if (writer.inTransaction) return void setImmediate(() => finishCheckpoint(writer));
  try {
    writer.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // As above.
  }
}
