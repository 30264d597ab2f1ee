import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { expect } from 'vitest';

/**
 * A `run` or `serve` start that failed after it opened its store: the lock is released and the store records
 * exactly one run, stopped `start-failed` (docs/cli.md, exit codes).
 */
export function expectStartFailedAndReleased(db: string): void {
  expect(existsSync(`${db}.lock`)).toBe(false);
  const store = new Database(db, { readonly: true });
  try {
    const runs = store.prepare('SELECT stop_reason FROM runs').all() as { stop_reason: string }[];
    expect(runs).toEqual([{ stop_reason: 'start-failed' }]);
  } finally {
    store.close();
  }
}
