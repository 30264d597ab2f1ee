/**
 * The command an output records must run the same configuration again: a run whose ranking came from
 * WORKSTEAL_VICTIM_RANKING recorded only `worksteal optimize --compare …`, and rerunning that gave the
 * `auto` ranking's results. The variables that shape the config come first; secrets and locations never.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invocation } from '../../src/cli/invocation.js';
import { runCli } from '../support/cli.js';
import { quickCompareArgs } from '../support/compare-args.js';
import { requireMarketData } from '../support/marketdata.js';

describe('invocation: the command line outputs record', () => {
  it('carries the variables that shape the config, sorted, and no secret or location', () => {
    const env = {
      WORKSTEAL_VICTIM_RANKING: 'distance',
      WORKSTEAL_PROTECTION_PCT: '0.004',
      WORKSTEAL_PRESET: 'original',
      WORKSTEAL_TOKEN: 'secret-token',
      WORKSTEAL_DATA: '/data',
      WORKSTEAL_ALPACA_URL: 'https://example.test',
      // The live runtime's settings are config keys too, but compute nothing here and may hold a token.
      WORKSTEAL_LIVE_ALERTS_WEBHOOK_URL: 'https://hooks.example.test/services/SECRET',
      WORKSTEAL_LIVE_STATE_DB: '/home/me/live.sqlite',
      HOME: '/root',
    };
    expect(invocation(env, ['compare', '--benchmark', 'crypto'])).toBe(
      'WORKSTEAL_PRESET=original WORKSTEAL_PROTECTION_PCT=0.004 WORKSTEAL_VICTIM_RANKING=distance ' +
        'worksteal compare --benchmark crypto',
    );
  });

  it('quotes what a shell would split or expand, so the line pastes back as it ran', () => {
    const line = invocation({ WORKSTEAL_CONFIG: '/tmp/my config.json' }, [
      'compare',
      '--variant',
      'stealHysteresis=2',
      '--markdown',
      "it's here.md",
      '--data',
      'a b.csv',
    ]);
    expect(line).toBe(
      "WORKSTEAL_CONFIG='/tmp/my config.json' worksteal compare --variant stealHysteresis=2 " +
        "--markdown 'it'\\''s here.md' --data 'a b.csv'",
    );
  });

  it('is what compare --json records when the ranking comes from the environment', () => {
    requireMarketData();
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-invocation-'));
    const json = join(dir, 'out.json');
    const args = quickCompareArgs('--quiet', '--json', json);
    const r = runCli(args, { WORKSTEAL_VICTIM_RANKING: 'distance', WORKSTEAL_TOKEN: 'never-written' });
    expect(r.code, r.stderr).toBe(0);
    const command = (JSON.parse(readFileSync(json, 'utf8')) as { command: string }).command;
    expect(command.startsWith('WORKSTEAL_VICTIM_RANKING=distance worksteal compare --data ')).toBe(true);
    expect(command).not.toContain('never-written');
  });
});
