/**
 * A searched key in seconds has no effect when its key in bars is set: its "best" value is no result. The
 * tables mark it "(unused: <bars key> set)" and the --quiet line leaves it out, as best.json does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bestCell, unusedParams } from '../../src/optimizer/output.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_CONFIG, FIXTURE_FROM, FIXTURE_PATHS, FIXTURE_TO } from './optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-unused-sec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keys in seconds replaced by keys in bars', () => {
  it('are found from the configuration the evaluations ran with', () => {
    const params = { cooldownSec: 964, cooldownBars: 2, fightWindowSec: 383, protectionPct: 0.002 };
    const unused = unusedParams({ fightWindowBars: 0, ...params }, params);
    expect([...unused]).toEqual([['cooldownSec', 'cooldownBars']]);
    expect(bestCell('964', 'cooldownSec', unused)).toBe('964 (unused: cooldownBars set)');
    expect(bestCell('383', 'fightWindowSec', unused)).toBe('383');
  });

  it('are marked in the tables and left out of the --quiet line', () => {
    const cfg = join(dir, 'opt.json');
    const config = {
      ...FIXTURE_CONFIG,
      optimize: {
        ...FIXTURE_CONFIG.optimize,
        params: { ...FIXTURE_CONFIG.optimize.params, cooldownBars: { min: 1, max: 3 } },
      },
    };
    writeFileSync(cfg, JSON.stringify(config));
    const args = ['optimize', '--data', ...FIXTURE_PATHS, '--from', FIXTURE_FROM, '--to', FIXTURE_TO];
    const run = (extra: string[]) =>
      runCli([
        ...args,
        '--config',
        cfg,
        '--generations',
        '1',
        '--threads',
        '0',
        '--db',
        join(dir, 'a.sqlite'),
        ...extra,
      ]);
    const r = run(['--sensitivity', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ cooldownSec +│ \S+ \(unused: cooldownBars set\) /);
    const sens = r.stdout.slice(r.stdout.indexOf('sensitivity'));
    expect(sens).toMatch(/│ cooldownSec +│ \S+ \(unused: cooldownBars set\) /);
    const quiet = run(['--sensitivity', '0', '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/cooldownBars=\d/);
    expect(quiet.stdout).not.toContain('cooldownSec=');
  });
});
