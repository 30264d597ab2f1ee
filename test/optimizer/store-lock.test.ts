/**
 * Two optimize runs on one --db would both evaluate every candidate the other has not stored yet (the QA run:
 * 100 of 120 evaluated twice). The store takes the single-writer lock of src/store/lock.ts: a second process
 * is refused, naming the first; the lock goes when the store is closed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_CONFIG, fixtureCliArgs } from './optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-opt-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A lock as another live worksteal process leaves it (`pid` alive on this host). */
function foreignLock(db: string, pid: number): void {
  const holder = {
    pid,
    host: hostname(),
    since: '2026-01-01T00:00:00.000Z',
    command: 'worksteal optimize --db x',
  };
  writeFileSync(`${db}.lock`, `${JSON.stringify(holder)}\n`);
}

describe('the optimizer store lock', () => {
  it('is taken on open, shared within a process, and released on close', () => {
    const db = join(dir, 'a.sqlite');
    const a = OptimizerStore.open(db);
    expect(existsSync(`${db}.lock`)).toBe(true);
    const b = OptimizerStore.open(db);
    b.close();
    expect(existsSync(`${db}.lock`)).toBe(true);
    a.close();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('refuses a store another live process holds, naming it', () => {
    const db = join(dir, 'b.sqlite');
    foreignLock(db, process.ppid);
    expect(() => OptimizerStore.open(db)).toThrow(
      new RegExp(
        `in use by another worksteal process \\(pid ${process.ppid}, since .*: worksteal optimize --db x\\)`,
      ),
    );
  });

  it('takes over the lock of a process that died', () => {
    const db = join(dir, 'c.sqlite');
    foreignLock(db, 2 ** 22 + 12345); // above the kernel's pid range: no such process
    OptimizerStore.open(db).close();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('makes a second `worksteal optimize` on the same --db exit 1 with what to do', () => {
    const db = join(dir, 'd.sqlite');
    const cfg = join(dir, 'opt.json');
    writeFileSync(cfg, JSON.stringify(FIXTURE_CONFIG));
    foreignLock(db, process.pid);
    const args = fixtureCliArgs(cfg);
    const r = runCli(['optimize', ...args, '--generations', '1', '--threads', '0', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /in use by another worksteal process \(pid \d+.*Stop that process first, or give this one another store \(--db\)/,
    );
  });
});
