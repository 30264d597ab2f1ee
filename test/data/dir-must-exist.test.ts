/**
 * A data folder typed with --dir must exist, as every folder a command writes into must (README; docs/cli.md
 * "Output"). `data import … --dir typo/deep/dir` created the whole tree and exited 0, `data download --dir`
 * and `start --dir` did the same, and `start --dir nodir` said only "No market data here …" without naming
 * the folder. Each now refuses (exit 2) with the `mkdir -p` that `--db` gives, and creates nothing; the
 * default folder (WORKSTEAL_DATA_DIR, else ./data) is still created on first use.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { hourlyFile } from './helpers-hourly.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-dir-must-exist-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const refusal = (flagValue: string): string =>
  `error: --dir ${flagValue}: the folder ${join(root, flagValue)} does not exist; create it first (mkdir -p ${join(root, flagValue)}) or choose another path\n`;

/** No shared folder and no network: nothing but the folder named decides what happens. */
const OFFLINE = {
  WORKSTEAL_TEST_SHARED_DIR: join(root, 'no-shared'),
  WORKSTEAL_TEST_CCXT_URL: 'http://127.0.0.1:1',
  WORKSTEAL_CACHE_DIR: join(root, 'cache'),
};

describe('a --dir that does not exist', () => {
  const src = hourlyFile(join(root, 'src', 'SOLUSDT_1h.csv'), 10);

  it('is refused by data import, data download, data list and start, with the mkdir -p to run; nothing is created', () => {
    const runs = [
      ['data', 'import', src, '--dir', 'typo/deep/dir', '--no-cache'],
      [
        'data',
        'download',
        '--source',
        'ccxt:binance',
        '--symbols',
        'SOL/USDT',
        '--from',
        '2024-01-01',
        '--dir',
        'typo/deep/dir',
      ],
      ['data', 'list', '--dir', 'typo/deep/dir'],
      ['start', '--dir', 'typo/deep/dir'],
    ];
    for (const args of runs) {
      const r = runCli(args, OFFLINE, root);
      expect(r.stderr, args.join(' ')).toBe(refusal('typo/deep/dir'));
      expect(r.code, args.join(' ')).toBe(2);
      expect(existsSync(join(root, 'typo'))).toBe(false);
    }
  });

  it('a --dir that is a file is refused naming it; the default folder is still created on first use', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const r = runCli(['data', 'import', src, '--dir', file, '--no-cache'], OFFLINE, root);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: --dir ${file}: is a file, not a folder; pass --dir the data folder\n`);
    const fresh = runCli(
      ['data', 'import', src, '--no-cache'],
      { ...OFFLINE, WORKSTEAL_DATA_DIR: join(root, 'default') },
      root,
    );
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(existsSync(join(root, 'default', 'import', 'SOLUSDT_1h.csv'))).toBe(true);
  });

  it('start --dir on an existing folder without data and without a network names the folder', () => {
    mkdirSync(join(root, 'empty'));
    const r = runCli(['start', '--dir', 'empty'], OFFLINE, root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No market data in empty and no network to download it');
  });
});
