/**
 * `compare --variant best.json` against the default baseline (the base configuration with stealing off): the
 * file's other keys are compared too, so the comparison says which, with both values, and gives the command
 * that compares the file with itself with stealing off.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDifferences } from '../../src/compare/mixed-sides.js';
import { runCli } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-mixed-sides-'));
const DATA = [
  '--data',
  join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
  join(MARKETDATA, 'binance-spot-yanniedog/LINKUSDT_1h.csv'),
];
const RANGE = ['--from', '2023-01-01', '--to', '2023-03-01', '--window', '1mo', '--threads', '0'];

describe('compare --variant <file> with the default baseline', () => {
  it('names every key the sides differ in besides stealing, on stderr and in --json, and the isolating command', () => {
    requireMarketData();
    const best = join(dir, 'best.json');
    writeFileSync(
      best,
      JSON.stringify({ preset: 'original', sim: { orderFraction: 0.6 }, stealingEnabled: false }),
    );
    const json = join(dir, 'cmp.json');
    const r = runCli(['compare', ...DATA, ...RANGE, '--variant', best, '--json', json, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /warning: --variant .*best\.json is compared with the base configuration with stealing off/,
    );
    expect(r.stderr).toContain('preset original vs default');
    expect(r.stderr).toContain('sim.orderFraction 0.6 vs 0.25');
    expect(r.stderr).toContain('neither side steals');
    const isolating = /To measure stealing alone on \S+: worksteal compare (.*)$/m.exec(r.stderr)![1]!;
    expect(isolating).toContain(`--config ${best} --variant stealingEnabled=true`);
    // Without this comparison's own output files: run as given it would overwrite them.
    expect(isolating).not.toContain('--json');
    const out = JSON.parse(readFileSync(json, 'utf8')) as { warnings: string[] };
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toContain('sim.orderFraction 0.6 vs 0.25');

    // The command it gives compares the file with itself, stealing on against off: no warning.
    const again = runCli(['compare', ...isolating.split(' ')]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/^warning: --variant/m);
  });

  it('suggests the command with the environment that shaped the run, quoted for a shell', () => {
    requireMarketData();
    const spaced = join(dir, 'best run.json');
    writeFileSync(spaced, JSON.stringify({ sim: { orderFraction: 0.6 } }));
    const r = runCli(['compare', ...DATA, ...RANGE, '--variant', spaced, '--quiet'], {
      WORKSTEAL_VICTIM_RANKING: 'distance',
    });
    expect(r.code, r.stderr).toBe(0);
    const line = /To measure stealing alone on .*?: (WORKSTEAL.*)$/m.exec(r.stderr)![1]!;
    expect(line.startsWith('WORKSTEAL_VICTIM_RANKING=distance worksteal compare ')).toBe(true);
    expect(line).toContain(`--config '${spaced}' --variant stealingEnabled=true`);
  });

  it('says nothing for a key=value variant, or a file that differs only in stealing', () => {
    requireMarketData();
    const on = join(dir, 'on.json');
    writeFileSync(on, JSON.stringify({ stealingEnabled: true }));
    const r = runCli(['compare', ...DATA, ...RANGE, '--variant', on, '--variant', 'protectionPct=0.004']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/^warning: --variant/m);
  });

  it('lists leaf keys that differ, with both values', () => {
    expect(configDifferences({ a: 1, s: { x: 1, y: [1] } }, { a: 1, s: { x: 2, y: [1], z: true } })).toEqual([
      { key: 's.x', variant: 1, baseline: 2 },
      { key: 's.z', variant: undefined, baseline: true },
    ]);
  });
});
