import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

// docs/cli.md: one exit code per kind of error, `--json -` for stdout, renamed flags that still work.
const dir = mkdtempSync(join(tmpdir(), 'worksteal-conventions-'));
const badConfig = join(dir, 'bad.yaml');
writeFileSync(badConfig, 'protectionPct: 2\ncooldownSecs: 1\n');

describe('the CLI convention (docs/cli.md)', () => {
  it('a bad config exits 2 in every command that reads one', () => {
    const runs = {
      'config check': runCli(['config', 'check', badConfig]),
      explain: runCli(['explain', '--scenario', 'examples/scenario-steal.json', '--config', badConfig]),
      simulate: runCli(['simulate', '--benchmark', 'crypto', '--config', badConfig]),
      optimize: runCli(['optimize', '--benchmark', 'crypto', '--config', badConfig, '--threads', '0']),
    };
    for (const [name, r] of Object.entries(runs)) {
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr, name).toContain('cooldownSecs');
    }
  });

  it('config check --strict turns warnings into a failed check (exit 1); without it they pass', () => {
    // The default preset warns (see the config check test); --strict makes that a failed check.
    expect(runCli(['config', 'check']).code).toBe(0);
    const strict = runCli(['config', 'check', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/warning/);
  });

  it('--json - writes one JSON document to stdout and the human lines to stderr', () => {
    requireMarketData();
    const r = runCli([
      'simulate',
      '--data',
      join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
      '--from',
      '2023-01-01',
      '--to',
      '2023-01-15',
      '--json',
      '-',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { summary: { trades: number } };
    expect(typeof out.summary.trades).toBe('number');
    expect(r.stderr).toContain('total return');
  });

  it('--json - moves the text of explain and config check to stderr, warnings and notes included', () => {
    const explain = runCli(['explain', '--scenario', 'examples/scenario-steal.json', '--json', '-']);
    expect(explain.code, explain.stderr).toBe(0);
    expect(JSON.parse(explain.stdout)).toMatchObject({ action: 'steal' });
    expect(explain.stderr).toContain('STEAL: cancel the victims');
    expect(explain.stderr).toContain('note: victimRanking auto ranked by distance');
    expect(explain.stderr).toContain('config warning: dead zone');
    const check = runCli(['config', 'check', '--json', '-']);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ valid: true });
    expect(check.stderr).toContain('valid (preset default)');
    expect(check.stderr).toContain('"protectionPct": 0.0015');
  });

  it('a bare --json (the old form) is a usage mistake, exit 2', () => {
    const r = runCli(['explain', '--scenario', 'examples/scenario-steal.json', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--json <file>/);
  });

  it('--json followed by another flag is a usage mistake naming both, and writes no file named after the flag', () => {
    const r = runCli(['simulate', '--benchmark', 'crypto', '--json', '--quiet']);
    const stray = join(ROOT, '--quiet');
    const written = existsSync(stray);
    rmSync(stray, { force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--json --quiet: .*looks like the next flag/);
    expect(written).toBe(false);
  });

  it("'-' is standard output for --json only: --markdown - is refused with what to do, no file named -", () => {
    const r = runCli(['compare', '--benchmark', 'crypto', '--markdown', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--markdown -: '-' (standard output) is for --json only");
  });

  it('a refused output path suggests a file fit for that output, written as the flag is given', () => {
    const dash = (flag: string) => runCli(['simulate', '--benchmark', 'crypto', flag, '-']);
    // It suggested "--report out.md" for an HTML report and "--db out.md" for a store.
    const report = dash('--report');
    expect(report.code).toBe(2);
    expect(report.stderr).toContain('give --report a file name (e.g. --report report.html)');
    expect(dash('--db').stderr).toContain('(e.g. --db state.sqlite)');
    const next = runCli(['simulate', '--benchmark', 'crypto', '--report', '--quiet']);
    expect(next.code).toBe(2);
    expect(next.stderr).toContain('give the file first (--report report.html --quiet)');
  });

  it('optimize --workers still works as --threads, with a one-line note', () => {
    const r = runCli([
      'optimize',
      '--benchmark',
      'crypto',
      '--workers',
      '2',
      '--queue',
      'redis://127.0.0.1:1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('note: --workers is deprecated; use --threads (same meaning)');
    expect(r.stderr).toMatch(/--threads and --queue do not go together/);
  });

  it('data import --source still works as --folder, with a one-line note', () => {
    requireMarketData();
    const data = join(dir, 'data');
    mkdirSync(data);
    const r = runCli([
      'data',
      'import',
      join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1d.csv'),
      '--dir',
      data,
      '--source',
      'mine',
      '--no-cache',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: --source is deprecated; use --folder (same meaning)');
    expect(r.stdout).toMatch(/mine[/\\]SOLUSDT_1d\.csv/);
  });

  it('the bar cache goes to WORKSTEAL_CACHE_DIR, and --no-cache writes none', () => {
    requireMarketData();
    const file = join(MARKETDATA, 'binance-spot-yanniedog/LTCUSDT_1d.csv');
    const cache = join(dir, 'cache');
    const uncached = join(dir, 'uncached');
    for (const d of ['d1', 'd2']) mkdirSync(join(dir, d));
    const r = runCli(['data', 'import', file, '--dir', join(dir, 'd1')], { WORKSTEAL_CACHE_DIR: cache });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(cache, 'bars')).length).toBe(1);
    const off = runCli(['data', 'import', file, '--dir', join(dir, 'd2'), '--no-cache'], {
      WORKSTEAL_CACHE_DIR: uncached,
    });
    expect(off.code, off.stderr).toBe(0);
    expect(existsSync(uncached)).toBe(false);
  });

  it('optimize says when bar lengths differ between symbols, as simulate does', () => {
    requireMarketData();
    const r = runCli([
      'optimize',
      '--data',
      join(MARKETDATA, 'binance-spot-yanniedog/BTCUSDT_4h.csv'),
      join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
      // A window without data stops the study right after loading: the note is all this test needs.
      '--from',
      '2030-01-01',
      '--threads',
      '0',
      '--db',
      join(dir, 'optimize.sqlite'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('note: bar lengths differ between symbols (4h: BTCUSDT; 1h: SOLUSDT)');
  });

  it('every command that reads bars from --data takes --no-cache (README: "any command that loads bars")', () => {
    for (const command of ['simulate', 'compare', 'optimize', 'explain', 'run', 'serve', 'worker']) {
      const help = runCli([command, '--help']);
      if (!help.stdout.includes('--data')) continue;
      expect(help.stdout, command).toContain('--no-cache');
    }
  });
});
