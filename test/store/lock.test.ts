import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../../src/live/store.js';
import { StoreFileError } from '../../src/store/errors.js';
import { runCli, spawnCli } from '../support/cli.js';
import { MARKETDATA } from '../support/marketdata.js';

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

  it('a store path that cannot be created is bad input (exit code 2), named with what to do', () => {
    const notADir = join(dir, 'a-file');
    writeFileSync(notADir, '');
    const db = join(notADir, 'state.sqlite');
    expect(() => new LiveStore(db)).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: `live.stateDb ${db}: the folder ${notADir} is a file, not a folder; choose another path`,
      }),
    );
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

  it('worksteal run: a second process on the same store refuses to start, naming the file and the pid', async () => {
    const db = join(dir, 'two-runs.sqlite');
    const data = ['--data', join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv')];
    const window = ['--from', '2024-03-04', '--to', '2024-03-11', '--no-http'];
    // The first one runs slowly (an hour of market time every 10 s) and holds the store.
    const first = spawnCli(['run', '--broker', 'replay', ...data, ...window, '--speed', '360', '--db', db]);
    sleepers.push(first);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      first.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"started"')) resolve();
      });
      first.once('exit', (code) => reject(new Error(`the first run exited early (${code}): ${out}`)));
    });
    const second = runCli([
      'run',
      '--broker',
      'replay',
      ...data,
      ...window,
      '--speed',
      '1000000000',
      '--db',
      db,
    ]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `the store ${db} is in use by another worksteal process (pid ${first.pid}`,
    );
    expect(second.stderr).not.toMatch(/internal error|\n\s+at /);
    first.kill('SIGTERM');
    const code = await new Promise((r) => first.once('exit', r));
    expect(code).toBe(0);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('property: over any sequence of opens, closes, crashed and live holders, the lock file tells the truth', () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    sleepers.push(other);
    const dead = deadPid();
    type Action = 'open' | 'close' | 'crashed-holder' | 'live-holder' | 'holder-stops';
    const action = fc.constantFrom<Action>('open', 'close', 'crashed-holder', 'live-holder', 'holder-stops');
    let k = 0;
    fc.assert(
      fc.property(fc.array(action, { maxLength: 25 }), (actions) => {
        const db = join(dir, `model-${++k}.sqlite`);
        const open: LiveStore[] = [];
        let foreign: 'none' | 'crashed' | 'live' = 'none';
        for (const a of actions) {
          if (a === 'open') {
            if (foreign === 'live' && open.length === 0) {
              expect(() => new LiveStore(db)).toThrow(new RegExp(`pid ${other.pid}`));
            } else {
              open.push(new LiveStore(db));
              foreign = 'none';
            }
          } else if (a === 'close') open.pop()?.close();
          else if (open.length === 0 && a === 'crashed-holder') {
            holdBy(db, dead);
            foreign = 'crashed';
          } else if (open.length === 0 && a === 'live-holder') {
            holdBy(db, other.pid!);
            foreign = 'live';
          } else if (a === 'holder-stops' && foreign !== 'none') {
            rmSync(`${db}.lock`);
            foreign = 'none';
          }
          expect(existsSync(`${db}.lock`)).toBe(open.length > 0 || foreign !== 'none');
          if (open.length > 0)
            expect(JSON.parse(readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
        }
        for (const s of open) s.close();
        expect(existsSync(`${db}.lock`)).toBe(foreign !== 'none');
      }),
      { numRuns: 30, seed: 5 },
    );
  });
});
