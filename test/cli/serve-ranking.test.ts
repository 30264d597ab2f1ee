import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('serve under a value ranking', () => {
  it('refuses to start (exit 2) and says why and what to set, since the service has no bars to value with', () => {
    const r = runCli(['serve', '--broker', 'none'], {
      WORKSTEAL_TOKEN: 'abcdefghijklmnopqrstuvwxyz0123456789',
      WORKSTEAL_VICTIM_RANKING: 'expectedValue',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('victimRanking "expectedValue"');
    expect(r.stderr).toContain('set victimRanking to "auto" or "distance"');
  });

  it('refuses cooldowns and fight windows given in bars (exit 2), naming each and its seconds twin', () => {
    const r = runCli(['serve', '--broker', 'none'], {
      WORKSTEAL_TOKEN: 'abcdefghijklmnopqrstuvwxyz0123456789',
      WORKSTEAL_COOLDOWN_BARS: '2',
      WORKSTEAL_FIGHT_WINDOW_BARS: '6',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cooldownBars 2, fightWindowBars 6');
    expect(r.stderr).toContain('give cooldownSec, fightWindowSec in seconds');
  });
});
