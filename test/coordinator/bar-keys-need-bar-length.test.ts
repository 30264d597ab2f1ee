import { describe, expect, it } from 'vitest';
import { Coordinator, nyseCalendar, resolveConfig } from '../../src/index.js';
import { refusalOf as refusal } from '../support/refusal.js';

/**
 * Cooldowns and fight windows given in bars count bars: a coordinator built without a bar length (`barMs`)
 * fell back to the seconds keys without a word, so `cooldownBars: 3` did nothing and a requester stole again
 * within its cooldown. It is refused, as `serve` and `explain` without bars refuse it; a session that passes
 * its bar length (0 while no series knows it yet) is taken.
 */
const now = Date.parse('2025-06-07T12:00:00Z');
const base = {
  clock: { now: () => now },
  calendar: nyseCalendar(),
  account: { equity: 10_000, patternDayTrader: false },
  idPrefix: 't',
};

describe('keys in bars need a bar length', () => {
  it('refuses cooldownBars and fightWindowBars without barMs, naming both and their seconds twins', () => {
    const { config } = resolveConfig({
      layers: [{ source: 'test', values: { cooldownBars: 3, fightWindowBars: 10 } }],
    });
    const error = refusal(() => new Coordinator({ ...base, config }));
    expect(error).not.toBeNull();
    const issue = error!.issues.find((i) => i.where === 'options.barMs')!;
    expect(issue.message).toContain('cooldownBars 3, fightWindowBars 10');
    expect(issue.message).toContain('cooldownSec, fightWindowSec');
  });

  it('takes them with a bar length, and takes seconds without one', () => {
    const { config } = resolveConfig({ layers: [{ source: 'test', values: { cooldownBars: 3 } }] });
    expect(refusal(() => new Coordinator({ ...base, config, barMs: 3_600_000 }))).toBeNull();
    expect(refusal(() => new Coordinator({ ...base, config, barMs: 0 }))).toBeNull();
    expect(refusal(() => new Coordinator({ ...base, config: resolveConfig().config }))).toBeNull();
  });
});
