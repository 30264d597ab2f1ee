/**
 * One rule for every path worksteal writes: the folder must exist, and is never created. `optimize`, `run`
 * and `serve` used to create a missing folder for their store (a typo in --db made a new tree, and for a live
 * store a fresh empty state beside the real one) while `simulate --db` and every --json/--report/--out
 * refused it. Now each refuses, exit 2, naming the flag, the path and the folder with the mkdir to run, and
 * nothing is created.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../../src/live/store.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { openStoreDatabase } from '../../src/store/database.js';
import { StoreFileError } from '../../src/store/errors.js';
import { lockStoreFile } from '../../src/store/lock.js';
import { outputPathProblem } from '../../src/store/output-folder.js';
import { openRunStore } from '../../src/store/runs.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-folder-rule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const missing = join(dir, 'typo');
const store = join(missing, 'deep', 's.sqlite');
const folder = join(missing, 'deep');

const refusal = (flag: string, path: string, at = folder): string =>
  `${flag} ${path}: the folder ${at} does not exist; create it first (mkdir -p ${at}) or choose another path`;

describe('the store refuses a missing folder instead of creating it', () => {
  const opens: [string, () => unknown, string][] = [
    ['openStoreDatabase', () => openStoreDatabase(store, { option: '--db' }), '--db'],
    ['lockStoreFile', () => lockStoreFile(store, 'test'), 'live.stateDb'],
    ['openRunStore (simulate --db)', () => openRunStore(store), '--db'],
    ['OptimizerStore.open (optimize --db)', () => OptimizerStore.open(store), '--db'],
    ['LiveStore (run, serve)', () => new LiveStore(store), 'live.stateDb'],
    ['LiveStore given --db', () => new LiveStore(store, { option: '--db' }), '--db'],
  ];
  for (const [name, open, option] of opens) {
    it(name, () => {
      let error: unknown;
      try {
        open();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreFileError);
      expect((error as StoreFileError).exitCode).toBe(2);
      expect((error as Error).message).toBe(refusal(option, store));
      expect(existsSync(missing)).toBe(false);
    });
  }

  it('an in-memory store has no folder to check', () => {
    openStoreDatabase(':memory:').close();
  });

  it('a folder that needs quoting is quoted in the mkdir', () => {
    const spaced = join(dir, "it's here", 'x.json');
    expect(outputPathProblem(spaced)).toBe(
      `the folder ${join(dir, "it's here")} does not exist; create it first (mkdir -p '${join(dir, "it'\\''s here")}') or choose another path`,
    );
  });

  it('a path under a file, and a path that is a folder, are refused as before', () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    expect(outputPathProblem(join(file, 'x.sqlite'))).toBe(
      `the folder ${file} is a file, not a folder; choose another path`,
    );
    expect(outputPathProblem(dir)).toBe('is a folder; choose another path that names a file in it');
    expect(outputPathProblem(join(dir, 'new.sqlite'))).toBeNull();
  });
});

describe('every command refuses a missing folder for its store and log, before any work', () => {
  const cases: [string, string[], Record<string, string>, string, string][] = [
    ['simulate --db', ['simulate', '--benchmark', 'crypto', '--db', store], {}, '--db', store],
    ['optimize --db', ['optimize', '--benchmark', 'crypto', '--db', store], {}, '--db', store],
    [
      'optimize --compare --db',
      ['optimize', '--compare', '--benchmark', 'crypto', '--db', store],
      {},
      '--db',
      store,
    ],
    ['run --db', ['run', '--broker', 'replay', '--benchmark', 'crypto', '--db', store], {}, '--db', store],
    [
      'run, live.stateDb from the environment',
      ['run', '--broker', 'replay', '--benchmark', 'crypto'],
      { WORKSTEAL_LIVE_STATE_DB: store },
      'live.stateDb',
      store,
    ],
    [
      'run, WORKSTEAL_LOG',
      ['run', '--broker', 'replay', '--benchmark', 'crypto', '--db', join(dir, 'run.sqlite')],
      { WORKSTEAL_LOG: join(folder, 'run.log') },
      'WORKSTEAL_LOG',
      join(folder, 'run.log'),
    ],
    ['serve --db', ['serve', '--no-auth', '--db', store], {}, '--db', store],
    [
      'serve, WORKSTEAL_LOG',
      ['serve', '--no-auth', '--db', join(dir, 'serve.sqlite')],
      { WORKSTEAL_LOG: join(folder, 'serve.log') },
      'WORKSTEAL_LOG',
      join(folder, 'serve.log'),
    ],
  ];
  for (const [name, args, env, flag, path] of cases) {
    it(name, () => {
      const r = runCli(args, env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(refusal(flag, path));
      expect(r.stderr).not.toMatch(/internal error|data:|"event":"replay"/);
      expect(existsSync(missing)).toBe(false);
    });
  }
});
