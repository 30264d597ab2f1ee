import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

/**
 * Inputs a command cannot use are refused before any work, with one line that says what to do: `optimize`
 * wrote its outputs only after the whole study (and crashed with a stack trace on a missing folder), an
 * empty output path wrote nothing and said nothing, `--benchmark` dropped `--data` without a word, and the
 * message for a benchmark set's missing files printed an escaped line break and offered `start` a --data
 * flag it does not have.
 */
describe('inputs checked before the work', () => {
  it('optimize refuses an output it could not write, before the study', () => {
    for (const flag of ['--out', '--out-meta', '--report', '--json']) {
      const r = runCli(['optimize', '--benchmark', 'crypto', flag, '/nonexistent-folder/x.json']);
      expect(r.code, `${flag}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(
        `${flag} /nonexistent-folder/x.json: the folder /nonexistent-folder does not exist`,
      );
      expect(r.stderr).not.toMatch(/internal error|optimizing|data:/);
    }
    const r = runCli([
      'optimize',
      '--compare',
      '--benchmark',
      'crypto',
      '--markdown',
      '/nonexistent-folder/t.md',
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--markdown /nonexistent-folder/t.md: the folder');
  });

  it('an output path under a file says the folder is a file', () => {
    const r = runCli(['simulate', '--benchmark', 'crypto', '--json', 'package.json/out.json']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /--json package.json\/out.json: the folder .*package.json is a file, not a folder/,
    );
  });

  it('an empty output path is an error, not a silent no-op', () => {
    for (const args of [
      ['simulate', '--benchmark', 'crypto', '--json', ''],
      ['simulate', '--benchmark', 'crypto', '--report', ''],
      ['compare', '--benchmark', 'crypto', '--markdown', ' '],
    ]) {
      const r = runCli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/--(json|report|markdown) ".*": give a file name/);
    }
  });

  it('--benchmark with --data is refused by every command that takes both', () => {
    for (const command of ['simulate', 'compare', 'optimize']) {
      const r = runCli([command, '--benchmark', 'crypto', '--data', 'somewhere.csv']);
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('a benchmark set brings its own files, and --data was given too');
    }
  });

  it('an unknown set or no files at all is the only thing said: no config warning before it', () => {
    for (const command of ['simulate', 'compare', 'optimize']) {
      const unknown = runCli([command, '--benchmark', 'nope']);
      expect(unknown.code, `${command}: ${unknown.stderr}`).toBe(2);
      expect(unknown.stderr).toMatch(/--benchmark.*unknown set; choose one of crypto, mixed/);
      expect(unknown.stderr).not.toContain('config warning');
    }
    for (const command of ['compare', 'optimize']) {
      const none = runCli([command]);
      expect(none.code, `${command}: ${none.stderr}`).toBe(2);
      expect(none.stderr).toContain('pass --data <files or folders> or --benchmark crypto|mixed');
      expect(none.stderr).not.toMatch(/config warning|optimise/);
    }
  });

  it("a benchmark set's missing files: one line, and --data offered only where it exists", () => {
    const sim = runCli(['simulate', '--benchmark', 'mixed'], { WORKSTEAL_DATA: '/nonexistent-data' });
    expect(sim.code, sim.stderr).toBe(2);
    expect(sim.stderr).toContain('set WORKSTEAL_DATA to the folder that holds it, or pass files with --data');
    const start = runCli(['start'], { WORKSTEAL_DATA: '/nonexistent-data' });
    expect(start.code, start.stderr).toBe(2);
    expect(start.stderr).toContain('set WORKSTEAL_DATA to the folder that holds it');
    expect(start.stderr).not.toContain('--data');
    for (const out of [sim.stderr, start.stderr]) expect(out).not.toContain('\\x0a');
  });
});

describe('serve without a token', () => {
  it('says how bots send it, in words the log redactor leaves whole', () => {
    const r = runCli(['serve', '--broker', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the bots send it in the Authorization header, after the word Bearer');
    expect(r.stderr).not.toContain('[redacted]');
  });
});

describe('a list flag that names nothing', () => {
  it('is an error, not "every symbol"', () => {
    for (const [command, value] of [
      ['simulate', ''],
      ['simulate', ','],
      ['compare', ' '],
      ['optimize', ''],
    ] as const) {
      const r = runCli([command, '--benchmark', 'crypto', '--symbols', value]);
      expect(r.code, `${command} ${JSON.stringify(value)}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`--symbols ${JSON.stringify(value)}: names nothing`);
    }
  });
});

describe('compare --quiet', () => {
  it('prints the summary table alone, without the notes that explain it', () => {
    requireMarketData();
    const args = ['compare', '--data', join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv')];
    const range = ['--from', '2023-01-01', '--to', '2024-01-01', '--threads', '1'];
    const full = runCli([...args, ...range]);
    const quiet = runCli([...args, ...range, '--quiet']);
    expect(full.code, full.stderr).toBe(0);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(full.stdout).toContain('Pairs: one per window');
    expect(quiet.stdout).not.toContain('Pairs: one per window');
    expect(quiet.stdout).toContain('median ΔSharpe');
  });
});
