/**
 * `optimize --compare` and its holdout flags: --holdout only with --compare, --from/--to bound the range that
 * is split, a holdout too short to measure is refused, and the printed boundaries reproduce the window.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitHoldout } from '../../src/compare/holdout.js';
import { boundary, rollingWindows } from '../../src/compare/windows.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_CONFIG, FIXTURE_PATHS } from '../optimizer/optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-holdout-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = join(dir, 'opt.json');
writeFileSync(cfg, JSON.stringify(FIXTURE_CONFIG));
const base = ['optimize', '--data', ...FIXTURE_PATHS, '--config', cfg, '--threads', '0', '--seed', '3'];

describe('optimize --holdout', () => {
  it('is refused without --compare, which alone holds data out', () => {
    const r = runCli([...base, '--holdout', '0.3', '--db', join(dir, 'a.sqlite')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--holdout 0\.3 belongs to --compare/);
  });

  it('--markdown without --compare says what it writes and what to do (it said only "belongs to --compare")', () => {
    const r = runCli([...base, '--markdown', join(dir, 'm.md'), '--db', join(dir, 'm.sqlite')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `--markdown ${join(dir, 'm.md')} belongs to --compare: it writes the holdout table, which only --compare makes (add --compare, or leave --markdown out)`,
    );
  });

  it('with --compare, splits the --from/--to range and prints a boundary off midnight with its time', () => {
    const md = join(dir, 'c.md');
    const json = join(dir, 'c.json');
    const r = runCli([
      ...base,
      '--compare',
      '--from',
      '2023-01-01',
      '--to',
      '2023-05-01T10:00',
      '--generations',
      '1',
      '--db',
      join(dir, 'c.sqlite'),
      '--markdown',
      md,
      '--json',
      json,
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(md, 'utf8')).toMatch(
      /selection 2023-01-01 → 2023-04-01 .*holdout 2023-04-01 → 2023-05-01T10:00;/,
    );
    // Which dates chose and which were held out, as text in the JSON (the numbers stay epoch ms).
    const out = JSON.parse(readFileSync(json, 'utf8')) as {
      dates: { selection: unknown; holdout: unknown; folds: { test: { to: string } }[] };
      warnings: string[];
    };
    expect(out.dates.selection).toEqual({ from: '2023-01-01', to: '2023-04-01' });
    expect(out.dates.holdout).toEqual({ from: '2023-04-01', to: '2023-05-01T10:00' });
    expect(out.dates.folds.at(-1)!.test.to).toBe('2023-04-01');
    // 30 days against test windows of 22: warned, with --quiet too, and in the JSON.
    const warning =
      /warning: the holdout 2023-04-01 → 2023-05-01T10:00 \(30 days\) is 1\.4 walk-forward test windows long \(22 days each.*--holdout 0\.42 makes it 3/;
    expect(r.stderr).toMatch(warning);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(warning);
  }, 120_000);

  it('with --compare, says which dates choose and which are held out before it evaluates anything', () => {
    const r = runCli([
      ...base,
      '--compare',
      '--from',
      '2023-01-01',
      '--to',
      '2023-05-01',
      '--holdout',
      '0.42',
      '--generations',
      '1',
      '--db',
      join(dir, 'e.sqlite'),
    ]);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    const said = lines.findIndex((l) => l.startsWith('selection: '));
    expect(lines[said]).toMatch(
      /^selection: 2023-01-01 → 2023-03-11, 3 walk-forward folds \(first: train 2023-01-\d\d → 2023-01-\d\d, test → 2023-\d\d-\d\d\); holdout: 2023-03-11 → 2023-05-01, never read before the choice is made$/,
    );
    expect(said).toBeLessThan(lines.findIndex((l) => l.startsWith('evaluating ')));
    // Three test windows long: nothing to warn about.
    expect(r.stderr).not.toMatch(/warning: the holdout/);
  }, 120_000);

  it('with --compare, refuses a holdout too short to measure, saying which share would do', () => {
    const r = runCli([
      ...base,
      '--compare',
      '--from',
      '2023-01-01',
      '--to',
      '2023-05-01',
      '--holdout',
      '0.001',
      '--db',
      join(dir, 'd.sqlite'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--holdout: 2023-04-30 → 2023-05-01 is 1\.00 days.*give --holdout 0\.03 or more/,
    );
  });
});

describe('window boundaries and length', () => {
  it('prints the date at midnight, the time otherwise', () => {
    expect(boundary(Date.UTC(2026, 0, 6))).toBe('2026-01-06');
    expect(boundary(Date.UTC(2026, 0, 6, 10))).toBe('2026-01-06T10:00');
    expect(boundary(Date.UTC(2026, 0, 6, 10, 0, 30))).toBe('2026-01-06T10:00:30');
  });

  it('refuses a holdout or a compare window under two days', () => {
    const range = { from: Date.UTC(2023, 0, 1), to: Date.UTC(2023, 4, 1, 10) };
    expect(() => splitHoldout(range, 0.0001)).toThrow(/at most one return/);
    expect(splitHoldout(range, 0.25).holdout.to).toBe(range.to);
    expect(() => rollingWindows(range, { count: 1, unit: 'd' })).toThrow(/--window: .*At least 2 days/s);
    expect(rollingWindows(range, { count: 2, unit: 'd' }).length).toBe(60);
  });
});
