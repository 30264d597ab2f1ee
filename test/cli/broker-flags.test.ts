/**
 * run and serve took a flag of another broker and ignored it without a word: `serve --broker none
 * --benchmark crypto --from 2024-01-01` served advisory and read no bars, `serve --broker replay --equity 5`
 * ran on the replay's equity. Each is a usage error (exit 2) naming the flags and the broker they go with.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const env = { WORKSTEAL_TOKEN: 'broker-flags-test-token-0123456789' };

describe('a flag of another broker', () => {
  it('serve --broker none refuses the replay flags, naming each', () => {
    const r = runCli(
      ['serve', '--broker', 'none', '--benchmark', 'crypto', '--from', '2024-01-01', '--speed', '60'],
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: --benchmark, --from, --speed: only with --broker replay (they set the replayed bars and clock), and --broker is none; drop them or use --broker replay',
    );
  });

  it('serve --broker replay refuses the advisory account flags', () => {
    const r = runCli(['serve', '--broker', 'replay', '--benchmark', 'crypto', '--equity', '5'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--equity: only with --broker none (it sets the advisory service's account), and --broker is replay",
    );
  });

  it('run --broker alpaca refuses the replay flags before asking for keys', () => {
    const r = runCli([
      'run',
      '--broker',
      'alpaca',
      '--symbols',
      'BTC/USD',
      '--data',
      'x.csv',
      '--keep-serving',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--data, --keep-serving: only with --broker replay');
    expect(r.stderr).not.toContain('API keys');
  });
});
