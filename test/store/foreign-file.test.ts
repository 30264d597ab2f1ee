/**
 * A file that is not an SQLite file at all (a JSON config given as `--db` by mistake) is refused as "not a
 * worksteal store", exit 2, and the person's file is left as it was. The damaged-store advice (move the file
 * aside) is for a real SQLite file only: it must never be given for someone's config. An empty file is a new
 * store. The same rule holds in every command taking --db and for live.stateDb.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../../src/live/store.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { openStoreDatabase, schemaVersion } from '../../src/store/database.js';
import { StoreFileError } from '../../src/store/errors.js';
import { LATEST_VERSION } from '../../src/store/migrations.js';
import { runCli } from '../support/cli.js';
import { MARKETDATA } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-foreign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CONFIG = '{\n  "sim": { "feesBps": 5 }\n}\n';

function jsonFile(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, CONFIG);
  return path;
}

function refusal(open: () => unknown): StoreFileError {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreFileError);
    return error as StoreFileError;
  }
  throw new Error('the file was opened as a store');
}

/** The file is as it was, and no SQLite or lock file was left beside it. */
function untouched(path: string): void {
  expect(readFileSync(path, 'utf8')).toBe(CONFIG);
  for (const tail of ['-wal', '-shm', '-journal', '.lock']) expect(existsSync(`${path}${tail}`)).toBe(false);
}

describe('a file that is not an SQLite file is not a worksteal store', () => {
  it('openStoreDatabase: "not a worksteal store", exit 2, no advice to move the file aside', () => {
    const path = jsonFile('config.json');
    const error = refusal(() => openStoreDatabase(path, { option: '--db' }));
    expect(error.problem).toBe('foreign');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      `--db ${path} is not a worksteal store (it is not an SQLite file): give --db a new file name or an existing store.`,
    );
    expect(error.message).not.toMatch(/damaged|mv /);
    untouched(path);
  });

  it('a file shorter than the SQLite header that is not its start: refused the same way', () => {
    const path = join(dir, 'short.txt');
    writeFileSync(path, 'hi\n');
    expect(refusal(() => openStoreDatabase(path)).problem).toBe('foreign');
  });

  it('an empty file is a new store, as before', () => {
    const path = join(dir, 'empty.sqlite');
    writeFileSync(path, '');
    const db = openStoreDatabase(path);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    db.close();
  });

  it('live.stateDb and the optimizer store: refused naming their option, lock released', () => {
    const live = jsonFile('live.json');
    const liveError = refusal(() => new LiveStore(live));
    expect(liveError.problem).toBe('foreign');
    expect(liveError.message).toContain(`live.stateDb ${live} is not a worksteal store`);
    untouched(live);
    const opt = jsonFile('opt.json');
    expect(refusal(() => OptimizerStore.open(opt)).problem).toBe('foreign');
    untouched(opt);
  });
});

describe('every command taking --db refuses it the same way', () => {
  const bars = join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv');
  const commands: [string, (db: string) => string[], string][] = [
    ['simulate', (db) => ['simulate', '--data', bars, '--no-cache', '--db', db], '--db'],
    ['optimize', (db) => ['optimize', '--data', bars, '--db', db], '--db'],
    [
      'run',
      (db) => [
        'run',
        '--broker',
        'replay',
        '--data',
        bars,
        '--from',
        '2024-03-04',
        '--to',
        '2024-03-04T02:00:00Z',
        '--speed',
        '1000000000',
        '--no-http',
        '--db',
        db,
      ],
      '--db',
    ],
    ['serve', (db) => ['serve', '--no-auth', '--port', '0', '--db', db], '--db'],
  ];
  for (const [name, args, option] of commands) {
    it(`${name} --db config.json: exit 2, "not a worksteal store", the file untouched`, () => {
      const path = jsonFile(`${name}.json`);
      const r = runCli(args(path));
      expect(r.stderr).toContain(`${option} ${path} is not a worksteal store (it is not an SQLite file)`);
      expect(r.stderr).not.toMatch(/damaged|mv |internal error/);
      expect(r.code).toBe(2);
      untouched(path);
    });
  }

  // The path from the config, not the flag: the refusal names the config key the person wrote, not --db.
  it('serve with live.stateDb from --config: names live.stateDb, not --db', () => {
    const path = jsonFile('serve-config-store.json');
    const config = join(dir, 'serve-config.json');
    writeFileSync(config, JSON.stringify({ live: { stateDb: path } }));
    const r = runCli(['serve', '--no-auth', '--port', '0', '--config', config]);
    expect(r.stderr).toContain(
      `live.stateDb ${path} is not a worksteal store (it is not an SQLite file): give live.stateDb a new file name`,
    );
    expect(r.stderr).not.toContain('--db');
    expect(r.code).toBe(2);
    untouched(path);
  });
});
