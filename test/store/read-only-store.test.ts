/**
 * A store this user cannot write is refused when it is opened, naming the file, with exit code 1 and no stack
 * trace, before any work: `run` crashed at its first write with `internal error: SqliteError: attempt to write
 * a readonly database ... This is a bug in worksteal` and left read-only -wal and -shm files behind, and
 * `simulate --db` simulated the whole range first.
 *
 * Root may write any file whatever its mode, so a chmod alone would not make the file unwritable for a test
 * run as root, and the check would not be exercised. Every child therefore runs as an unprivileged user when
 * the tests run as root (uid and gid 65534, `nobody`), and as this user otherwise; the files are made read-only
 * for that user, and a probe child with the same identity confirms that it really cannot write them.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../../src/live/store.js';
import { BUILT_DIR, cliEntry } from '../support/built-cli.js';
import { ROOT } from '../support/cli.js';

const asRoot = process.getuid?.() === 0;
/** Who the children run as: never root, which ignores a file's mode. */
const identity = asRoot ? { uid: 65534, gid: 65534 } : {};

const dir = mkdtempSync(join(tmpdir(), 'worksteal-read-only-'));
afterAll(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

function child(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WORKSTEAL_')));
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...clean, NO_COLOR: '1', HOME: dir, ...env },
    encoding: 'utf8',
    timeout: 120_000,
    ...identity,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

/** Whether the children's user may write `path` (asked of the operating system by a child as that user). */
function childMayWrite(path: string): boolean {
  const r = child([
    '-e',
    `try { require('node:fs').accessSync(${JSON.stringify(path)}, 2); process.stdout.write('yes'); } catch { process.stdout.write('no'); }`,
  ]);
  expect(r.error).toBeUndefined();
  return r.stdout === 'yes';
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

let n = 0;
/** A real store (one run in it), read-only for the children's user; the folder is writable by anyone. */
function readOnlyStore(): string {
  const path = join(dir, `store-${++n}.sqlite`);
  const store = new LiveStore(path);
  store.startRun('t', 'replay', 1_000, {});
  store.stopRun(2_000, 'end-of-data');
  store.close();
  chmodSync(path, 0o444);
  expect(childMayWrite(path)).toBe(false);
  return path;
}

beforeAll(() => {
  chmodSync(dir, 0o777);
  expect(childMayWrite(dir)).toBe(true);
});

const refusal = (option: string, path: string): string =>
  `${option} ${path}: the store is read-only for this user${asRoot ? ' (uid 65534)' : ''}`;

function expectRefused(r: ReturnType<typeof child>, option: string, path: string, before: string): void {
  expect(r.stderr).toContain(`error: ${refusal(option, path)}`);
  expect(r.stderr).toContain(`chmod u+w ${path}`);
  expect(r.stderr).not.toMatch(/internal error|SqliteError|This is a bug|\n\s+at /);
  expect(r.code).toBe(1);
  // Nothing was opened: no -wal, -shm or lock file left behind, and the file is as it was.
  for (const suffix of ['-wal', '-shm', '.lock']) expect(existsSync(`${path}${suffix}`)).toBe(false);
  expect(sha(path)).toBe(before);
}

describe('a store this user cannot write', () => {
  it('run --broker replay refuses it at once, exit 1, no stack trace, nothing left behind', () => {
    const path = readOnlyStore();
    const before = sha(path);
    const r = child([
      ...cliEntry(),
      'run',
      '--broker',
      'replay',
      '--benchmark',
      'mixed',
      '--from',
      '2024-03-04',
      '--to',
      '2024-03-05',
      '--speed',
      '3600000',
      '--port',
      '0',
      '--db',
      path,
    ]);
    expectRefused(r, '--db', path, before);
    // Refused before any data was read: no replay line.
    expect(r.stdout).not.toContain('"event":"replay"');
  });

  it('simulate --db refuses it before simulating', () => {
    const path = readOnlyStore();
    const before = sha(path);
    const r = child([...cliEntry(), 'simulate', '--benchmark', 'crypto', '--db', path]);
    expectRefused(r, '--db', path, before);
    expect(r.stdout).toBe('');
  });

  it('serve --db refuses it', () => {
    const path = readOnlyStore();
    const before = sha(path);
    const r = child([...cliEntry(), 'serve', '--port', '0', '--db', path], { WORKSTEAL_TOKEN: 't0k' });
    expectRefused(r, '--db', path, before);
  });

  it('a -wal file another user left read-only is refused by name', () => {
    const path = readOnlyStore();
    chmodSync(path, 0o666);
    writeFileSync(`${path}-wal`, '');
    chmodSync(`${path}-wal`, 0o444);
    expect(childMayWrite(`${path}-wal`)).toBe(false);
    const r = child([...cliEntry(), 'simulate', '--benchmark', 'crypto', '--db', path]);
    expect(r.stderr).toContain(`error: --db ${path}: its -wal file ${path}-wal is read-only for this user`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(1);
  });

  it('the library refuses it too when the store is opened (LiveStore): a StoreFileError, exit code 1', () => {
    const path = readOnlyStore();
    const before = sha(path);
    const r = child([
      '--input-type=module',
      '-e',
      `const { LiveStore } = await import(${JSON.stringify(`${BUILT_DIR}/live/store.js`)});
       try { new LiveStore(${JSON.stringify(path)}); console.log('{"opened":true}'); }
       catch (e) { console.log(JSON.stringify({ name: e.name, problem: e.problem, exitCode: e.exitCode, message: e.message })); }`,
    ]);
    expect(JSON.parse(r.stdout)).toEqual({
      name: 'StoreFileError',
      problem: 'read-only',
      exitCode: 1,
      message: expect.stringContaining(refusal('live.stateDb', path)) as string,
    });
    for (const suffix of ['-wal', '-shm', '.lock']) expect(existsSync(`${path}${suffix}`)).toBe(false);
    expect(sha(path)).toBe(before);
  });
});
