/**
 * A comparison whose signals read the future (sim.research.signalSkill > 0) says so in every output, as
 * simulate does: the printed tables, the --markdown and the --json (which also carries the config warnings
 * that only stderr had). What both sides take (--set, config keys in the environment) is said once above
 * the tables; side A without a --variant keeps the name of the config it starts from, flag or variable.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asGivenLabel, bothSides } from '../../src/cli/compare-labels.js';
import { runCli } from '../support/cli.js';
import { quickCompareArgs } from '../support/compare-args.js';
import { requireMarketData } from '../support/marketdata.js';

describe('compare with research signals', () => {
  it('labels the table, the markdown and the JSON; says once what both sides take', () => {
    requireMarketData();
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-research-'));
    const json = join(dir, 'out.json');
    const markdown = join(dir, 'out.md');
    const r = runCli(
      quickCompareArgs(
        '--set',
        'victimRanking=distance',
        '--sweep',
        'sim.research.signalSkill=0,0.5',
        '--json',
        json,
        '--markdown',
        markdown,
      ),
    );
    expect(r.code, r.stderr).toBe(0);
    const label =
      /^RESEARCH: look-ahead signals, skill k=0\.5 \(seed 1\), sim\.research\.signalSkill=0\.5, /mu;
    expect(r.stdout).toMatch(label);
    // What both sides take is said once above the tables; A keeps the name of the config it starts from.
    expect(r.stdout).toContain('both sides: victimRanking=distance\n');
    expect(r.stdout).toContain('default config (A) vs stealing off (B)');
    expect(readFileSync(markdown, 'utf8')).toMatch(/^\*\*RESEARCH: look-ahead signals, skill k=0\.5/u);
    const out = JSON.parse(readFileSync(json, 'utf8')) as { research: string[]; warnings: string[] };
    // Both sides at k = 0.5 read the future; neither at k = 0.
    expect(out.research).toHaveLength(2);
    expect(out.research.every((x) => label.test(x))).toBe(true);
    expect(out.warnings.some((w) => w.includes('sim.research.signalSkill 0.5'))).toBe(true);
  });

  it('says nothing of research when no side reads the future', () => {
    requireMarketData();
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-research-'));
    const json = join(dir, 'out.json');
    const r = runCli(quickCompareArgs('--json', json));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('RESEARCH');
    expect((JSON.parse(readFileSync(json, 'utf8')) as { research: string[] }).research).toEqual([]);
  });

  it("escapes a '|' in a side's name, so the Markdown table keeps its columns", () => {
    requireMarketData();
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-research-'));
    const variant = join(dir, 'a|b.json');
    writeFileSync(variant, JSON.stringify({ protectionPct: 0.004 }));
    const markdown = join(dir, 'out.md');
    const r = runCli(quickCompareArgs('--variant', variant, '--quiet', '--markdown', markdown));
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(markdown, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('| '));
    const columns = (row: string) => row.split(/(?<!\\)\|/u).length;
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.some((row) => row.includes('a\\|b.json'))).toBe(true);
    // The summary table's one row (this variant against stealing off) has as many cells as its head.
    expect(rows[1]).toContain('a\\|b.json');
    expect(columns(rows[1]!)).toBe(columns(rows[0]!));
  });

  it('names A by the config it starts from, flag before variable, and lists what both sides take', () => {
    expect(asGivenLabel({}, {})).toBe('default config');
    expect(asGivenLabel({}, { WORKSTEAL_PRESET: 'original' })).toBe('original config');
    expect(asGivenLabel({ preset: 'default' }, { WORKSTEAL_PRESET: 'original' })).toBe('default config');
    expect(asGivenLabel({}, { WORKSTEAL_CONFIG: '/runs/research.yaml' })).toBe('research.yaml');
    expect(asGivenLabel({ config: 'a/best.json' }, { WORKSTEAL_CONFIG: '/runs/x.yaml' })).toBe('best.json');
    expect(bothSides([], {})).toBeNull();
    const env = {
      WORKSTEAL_VICTIM_RANKING: 'distance',
      WORKSTEAL_PRESET: 'original',
      WORKSTEAL_TOKEN: 'secret',
    };
    expect(bothSides(['sim.orderFraction=0.6'], env)).toBe(
      'both sides: sim.orderFraction=0.6, WORKSTEAL_VICTIM_RANKING=distance',
    );
  });
});
