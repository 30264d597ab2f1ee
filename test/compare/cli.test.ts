import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { quickCompareArgs } from '../support/compare-args.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-compare-'));
const DATA = [
  '--data',
  join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
  join(MARKETDATA, 'binance-spot-yanniedog/LINKUSDT_1h.csv'),
];

describe('worksteal compare', () => {
  it('writes the tables, the JSON with every number and the Markdown with its command', () => {
    requireMarketData();
    const json = join(dir, 'cmp.json');
    const md = join(dir, 'cmp.md');
    const args = [
      'compare',
      ...DATA,
      '--from',
      '2023-01-01',
      '--to',
      '2023-03-15',
      '--window',
      '1mo',
      '--set',
      'sim.orderFraction=0.6',
      '--threads',
      '0',
      '--json',
      json,
      '--markdown',
      md,
    ];
    const r = runCli(args);
    expect(r.stderr).toContain('comparing: 2 windows of 1mo × 2 sides = 4 simulations');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('both sides: sim.orderFraction=0.6\n');
    expect(r.stdout).toContain('default config (A) vs stealing off (B)');
    expect(r.stdout).toContain('median ΔSharpe [95%]');
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out.windows).toHaveLength(2);
    expect(out.comparisons[0].windows[0]).toEqual(
      expect.objectContaining({
        a: expect.objectContaining({ sharpe: expect.any(Number), netRegret: expect.any(Number) }),
      }),
    );
    expect(out.sides[0].baseline.config.stealingEnabled).toBe(false);
    expect(out.sides[0].variants[0].config.sim.orderFraction).toBe(0.6);
    expect(readFileSync(md, 'utf8')).toContain('--set sim.orderFraction=0.6');
  });

  it('--report writes the charts page, with the command that made it', () => {
    requireMarketData();
    const report = join(dir, 'cmp.html');
    const r = runCli(quickCompareArgs('--sweep', 'sim.slippageBps=0,5', '--report', report));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`--report: wrote ${report}`);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/u);
    expect(html).toContain('<h1>worksteal comparison</h1>');
    expect(html).toContain('--sweep sim.slippageBps=0,5');
    expect(html).toContain('"id":"sweep-sharpe"');
    expect(html).toContain('"id":"cmp-1-dsharpe"');
  });

  it('refuses a --report in a missing folder before loading data or simulating', () => {
    const r = runCli(quickCompareArgs('--report', '/nonexistent-folder/cmp.html'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--report /nonexistent-folder/cmp.html: the folder /nonexistent-folder does not exist',
    );
    expect(r.stderr).not.toMatch(/data:|comparing|simulations/u);
  });

  it('refuses an unknown key before loading any data, naming it', () => {
    const r = runCli(['compare', ...DATA, '--variant', 'protectionPcnt=0.004']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--variant protectionPcnt=0.004.*unknown key "protectionPcnt"/s);
    expect(r.stderr).not.toContain('data:');
  });

  it('refuses a window longer than the data, with the dates and what to do', () => {
    const r = runCli(['compare', ...DATA, '--from', '2023-01-01', '--to', '2023-03-01', '--window', '6mo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--window.*6mo.*2023-01-01.*2023-03-01.*shorter --window/s);
  });
});
