/**
 * `compare --sweep protectionPct=0.1 --sweep protectionPct=0.2` ran, labelled `… @ protectionPct=0.1
 * protectionPct=0.2` with 0.2 alone applied, and `--sweep protectionPct=0.1,0.1` ran one comparison twice.
 * Both are refused (exit 2) before any data is read, naming the key and the values, as a one-value flag given
 * twice is.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const compare = (...sweeps: string[]) =>
  runCli(['compare', '--data', 'no-such-data.csv', ...sweeps.flatMap((s) => ['--sweep', s]), '--quiet']);

describe('compare --sweep', () => {
  it('refuses a key swept twice, naming both sweeps', () => {
    const r = compare('protectionPct=0.1', 'protectionPct=0.2');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--sweep protectionPct=0.2: sweeps protectionPct again (--sweep protectionPct=0.1 sweeps it first); sweep each key once, with all its values in one list (protectionPct=v1,v2,…)',
    );
  });

  it('refuses a value listed twice, also when typed two ways', () => {
    const same = compare('protectionPct=0.1,0.1');
    expect(same.code).toBe(2);
    expect(same.stderr).toContain(
      '--sweep protectionPct=0.1,0.1: lists protectionPct=0.1 twice: it would run the same comparison again; list each value once',
    );
    const spelled = compare('sim.slippageBps=0,5', 'protectionPct=0.1,0.10');
    expect(spelled.code).toBe(2);
    expect(spelled.stderr).toContain('lists one value of protectionPct twice (0.1 and 0.10)');
  });
});
