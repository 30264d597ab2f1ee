/**
 * WAL checkpoints from a worker thread with its own connection to the store file.
 *
 * In WAL mode with `synchronous = NORMAL` a commit only appends to the WAL (no fsync), and a committed
 * transaction survives the process being killed. The fsyncs happen at checkpoints, which SQLite by default
 * runs inside the commit that crosses 1,000 WAL pages: that one write then stalls its thread for tens of
 * milliseconds (the service's requests queue behind it). Here a worker checkpoints every `intervalMs`
 * instead (PASSIVE: it never blocks the writer), so the writing thread never waits for a disk flush, and the
 * WAL reaches the disk at least that often even when writes are rare. The writer keeps SQLite's own
 * checkpoint, at a much larger WAL, as a bound should the worker fall behind or fail.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL pages after which the writer checkpoints itself (SQLite's default is 1,000): only a bound. */
export const WRITER_CHECKPOINT_PAGES = 20_000;

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
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { finish(); throw error; }
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
): BackgroundCheckpoints {
  const done = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path, intervalMs, done },
  });
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
