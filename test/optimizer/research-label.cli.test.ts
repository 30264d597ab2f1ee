/**
 * A study whose signals read the future (sim.research.signalSkill > 0, here from the environment) says so in
 * every output, as simulate and compare do: the config warning on stderr, a line above the results on
 * stdout, the --json (`research`: the label, null without research), the top of optimize --compare's
 * Markdown, and best.json, so that `simulate --config best.json` labels its run too. Tiny budgets: one
 * symbol, four months, population 6, two generations, on this thread.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { researchNotes } from '../../src/compare/report.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { researchLabel, researchNote } from '../../src/sim/signals/skill.js';
import { runCli } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-optimize-research-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOL = join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv');
const RESEARCH = { WORKSTEAL_SIM_RESEARCH_SIGNAL_SKILL: '0.5' };
const LABEL = 'research: look-ahead signals, skill k=0.5 (seed 1)';
const NOTE =
  /^\**RESEARCH: look-ahead signals, skill k=0\.5 \(seed 1\), every (candidate|row): these numbers/mu;
const WARNING = 'config warning: sim.research.signalSkill 0.5: research: look-ahead signals';

function optimizeArgs(name: string, ...extra: string[]): string[] {
  return [
    'optimize',
    '--data',
    SOL,
    '--from',
    '2024-01-01',
    '--to',
    '2024-05-01',
    '--population',
    '6',
    '--generations',
    '2',
    '--threads',
    '0',
    '--db',
    join(dir, `${name}.sqlite`),
    ...extra,
  ];
}

const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('optimize with research signals', () => {
  it('labels stdout, --json and best.json; simulate --config best.json labels its run', () => {
    requireMarketData();
    const json = join(dir, 'on.json');
    const best = join(dir, 'on-best.json');
    const report = join(dir, 'on.html');
    const r = runCli(
      optimizeArgs('on', '--sensitivity', '0', '--json', json, '--out', best, '--report', report),
      RESEARCH,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain(
      '<p class="warn">RESEARCH: look-ahead signals, skill k=0.5 (seed 1), every candidate:',
    );
    expect(r.stderr).toContain(WARNING);
    expect(r.stdout).toMatch(NOTE);
    // The note comes before the results it qualifies.
    expect(r.stdout.indexOf('RESEARCH')).toBeLessThan(r.stdout.indexOf('best: median'));
    expect(readJson(json).research).toMatchObject({ lookAheadSignals: true, signalSkill: 0.5, label: LABEL });
    // The skill came from the environment, not a file: best.json carries it all the same.
    expect(readJson(best).sim).toEqual({ research: { signalSkill: 0.5, signalSkillSeed: 1 } });

    const quiet = runCli(optimizeArgs('on', '--sensitivity', '0', '--quiet'), RESEARCH);
    expect(quiet.stdout.trim()).toMatch(
      new RegExp(`^best median OOS .* \\[${LABEL.replace(/[().]/gu, '\\$&')}\\]$`, 'u'),
    );

    const sim = runCli([
      'simulate',
      '--config',
      best,
      '--data',
      SOL,
      '--from',
      '2024-01-01',
      '--to',
      '2024-02-01',
    ]);
    expect(sim.code, sim.stderr).toBe(0);
    expect(sim.stdout).toContain(`${LABEL.toUpperCase()}: not a strategy anyone could trade`);
  });

  it('optimize --compare labels stdout, the top of --markdown and --json', () => {
    requireMarketData();
    const json = join(dir, 'cmp-on.json');
    const markdown = join(dir, 'cmp-on.md');
    const r = runCli(optimizeArgs('cmp-on', '--compare', '--json', json, '--markdown', markdown), RESEARCH);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(WARNING);
    expect(r.stdout.split('\n')[0]).toMatch(NOTE);
    expect(readFileSync(markdown, 'utf8').split('\n')[0]).toMatch(NOTE);
    expect(readJson(json).research).toMatchObject({ lookAheadSignals: true, label: LABEL });
  });

  it('says nothing of research when the signals are the forecaster’s own', () => {
    requireMarketData();
    const json = join(dir, 'off.json');
    const best = join(dir, 'off-best.json');
    const r = runCli(optimizeArgs('off', '--sensitivity', '0', '--json', json, '--out', best));
    expect(r.code, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/look-ahead/iu);
    expect(readJson(json).research).toBeNull();
    expect(readJson(best)).not.toHaveProperty('sim');

    const cmpJson = join(dir, 'cmp-off.json');
    const markdown = join(dir, 'cmp-off.md');
    const c = runCli([...optimizeArgs('cmp-off', '--compare', '--json', cmpJson, '--markdown', markdown)]);
    expect(c.code, c.stderr).toBe(0);
    expect(`${c.stdout}${c.stderr}${readFileSync(markdown, 'utf8')}`).not.toMatch(/look-ahead/iu);
    expect(readJson(cmpJson).research).toBeNull();
  });
});

describe('the research note', () => {
  it('reads as compare words it', () => {
    const { config } = resolveConfig({
      layers: [{ source: 't', values: { sim: { research: { signalSkill: 0.3 } } } }],
    });
    const notes = researchNotes([{ level: '', baseline: { label: 'every row', config }, variants: [] }]);
    expect(notes).toEqual([researchNote(researchLabel(config.sim)!, 'every row')]);
  });

  it('cannot be searched: sim is not a tunable key, so the base configuration decides it for every candidate', () => {
    for (const key of ['sim', 'sim.research.signalSkill'])
      expect(() =>
        resolveConfig({
          layers: [{ source: 't', values: { optimize: { params: { [key]: { min: 0, max: 1 } } } } }],
        }),
      ).toThrow(/not a tunable key|not tunable/u);
  });
});
