import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../../src/live/store.js';
import { StoreFileError } from '../../src/store/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-lock-'));
const sleepers: { kill(): void }[] = [];
afterAll(() => {
  for (const s of sleepers) s.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** A lock file as another worksteal process would have written it. */
function holdBy(db: string, pid: number): void {
  writeFileSync(
    `${db}.lock`,
    `${JSON.stringify({ pid, host: hostname(), since: '2024-03-04T00:00:00.000Z', command: 'worksteal run' })}\n`,
  );
}

/** The pid of a process that has ended: a crashed holder. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('the single-writer lock on the live store', () => {
  it('refuses a second process, naming the file and the holder, and leaves its lock alone', () => {
    const db = join(dir, 'held.sqlite');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    sleepers.push(other);
    holdBy(db, other.pid!);
    let error: unknown;
    try {
      new LiveStore(db);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreFileError);
    expect((error as Error).message).toContain(db);
    expect((error as Error).message).toMatch(
      new RegExp(
        `in use by another worksteal process \\(pid ${other.pid}, since 2024-03-04T00:00:00.000Z: worksteal run\\)`,
      ),
    );
    expect((error as Error).message).toMatch(
      /Stop that process first, or give this one another store \(--db\)/,
    );
    expect(JSON.parse(readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ pid: other.pid });
    expect(existsSync(db)).toBe(false); // refused before the file was even opened
  });

  it('takes over the lock of a holder that died, and releases it on close', () => {
    const db = join(dir, 'stale.sqlite');
    holdBy(db, deadPid());
    const store = new LiveStore(db);
    expect(JSON.parse(readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
    });
    store.close();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('takes over a lock file cut short by a crash while it was written', () => {
    const db = join(dir, 'torn.sqlite');
    writeFileSync(`${db}.lock`, '{"pid": 12');
    const store = new LiveStore(db);
    expect(JSON.parse(readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    store.close();
  });

  it('is shared by two store objects of one process, and released when the last one closes', () => {
    const db = join(dir, 'shared.sqlite');
    const a = new LiveStore(db);
    const b = new LiveStore(db);
    a.close();
    expect(existsSync(`${db}.lock`)).toBe(true);
    b.close();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});
