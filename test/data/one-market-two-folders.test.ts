/**
 * One market in two files of the same spelling (import/TSLA_1h.csv, x/TSLA_1h.csv): data import advised
 * "Simulate one with --symbols TSLA or --symbols TSLA", and `simulate --data dd --symbols TSLA` then refused
 * the store, as --symbols picks by spelling and both files say TSLA. The advice now reads each file's
 * sub-folder, each command once, and every command it gives runs.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { hourlyFile } from './helpers-hourly.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-one-market-two-folders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('one market in two sub-folders of a store, spelled the same', () => {
  it('data import advises a command per file, each once, and each runs', () => {
    const src = hourlyFile(join(root, 'src', 'SOLUSDT_1h.csv'), 24 * 40, {
      close: (i) => 10 + Math.sin(i / 9),
    });
    mkdirSync(join(root, 'dd'));
    const env = { WORKSTEAL_CACHE_DIR: join(root, 'cache') };
    expect(runCli(['data', 'import', src, '--dir', 'dd'], env, root).code).toBe(0);
    const second = runCli(['data', 'import', src, '--dir', 'dd', '--folder', 'x'], env, root);
    expect(second.code, second.stderr).toBe(0);
    const warning = second.stderr.split('\n').find((l) => l.includes('are one market'));
    expect(warning).toBe(
      'warning: SOLUSDT in import/SOLUSDT_1h.csv and SOLUSDT in x/SOLUSDT_1h.csv are one market at 1h: `worksteal simulate --data dd` refuses to trade it twice. Simulate one file with `worksteal simulate --data dd/import` or `worksteal simulate --data dd/x`, or keep one file: delete the other and its entry in dd/manifest.json.',
    );
    const list = runCli(['data', 'list', '--dir', 'dd'], env, root);
    expect(list.stderr).toContain(warning!);
    const advised = [...warning!.matchAll(/`worksteal (simulate [^`]*)`/g)].map((m) => m[1]!.split(' '));
    expect(advised).toHaveLength(3);
    expect(runCli(advised[0]!, env, root).code).toBe(2); // the refusal it explains
    for (const args of advised.slice(1)) {
      const r = runCli([...args, '--quiet'], env, root);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });
});
