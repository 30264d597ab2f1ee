import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { bestConfigFile } from '../../src/optimizer/output.js';

/**
 * best.json holds what the study tested: a searched key in seconds whose key in bars was set never acted in
 * an evaluation (the bars one replaced it), and written it made `config check --strict` fail every best.json.
 */
describe('bestConfigFile', () => {
  it('leaves out a searched seconds key that its bars key replaced, and keeps it otherwise', () => {
    const withBars = bestConfigFile({ params: { cooldownBars: 3, cooldownSec: 400, fightWindowSec: 900 } });
    expect(withBars).toEqual({ cooldownBars: 3, fightWindowSec: 900 });
    const noBars = bestConfigFile({ params: { cooldownBars: 0, cooldownSec: 400 } });
    expect(noBars).toEqual({ cooldownBars: 0, cooldownSec: 400 });
    // The user's own file value is theirs to keep, even where bars replace it.
    const own = bestConfigFile({ fileValues: { cooldownSec: 120 }, params: { cooldownBars: 2 } });
    expect(own).toEqual({ cooldownSec: 120, cooldownBars: 2 });
  });

  it('a best.json of bars keys passes the strict check', () => {
    const file = bestConfigFile({
      params: { cooldownBars: 3, cooldownSec: 400, fightCooldownBars: 5, fightCooldownSec: 900 },
    });
    const resolved = resolveConfig({ layers: [{ source: 'best.json', values: file }] });
    expect(
      resolved.warnings.filter((w) => w.keys.some((k) => k.endsWith('Sec') || k.endsWith('Bars'))),
    ).toEqual([]);
  });

  it('carries look-ahead signals into sim.research beside the file’s own sim values', () => {
    const research = {
      lookAheadSignals: true,
      signalSkill: 0.5,
      signalSkillSeed: 7,
      label: 'research',
    } as const;
    const file = bestConfigFile({
      fileValues: { sim: { orderFraction: 0.45 } },
      params: { protectionPct: 0.002 },
      research,
    });
    expect(file).toEqual({
      sim: { orderFraction: 0.45, research: { signalSkill: 0.5, signalSkillSeed: 7 } },
      protectionPct: 0.002,
    });
    const resolved = resolveConfig({ layers: [{ source: 'best.json', values: file }] });
    expect(resolved.config.sim.research).toEqual({ signalSkill: 0.5, signalSkillSeed: 7 });
    expect(bestConfigFile({ params: { protectionPct: 0.002 }, research: null })).toEqual({
      protectionPct: 0.002,
    });
  });
});
