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

  // --deadline has a default (30 s), so only a typed one is refused: its value source is 'cli'.
  it('serve --broker replay and alpaca refuse a typed --deadline (advisory only)', () => {
    for (const broker of ['replay', 'alpaca']) {
      const r = runCli(['serve', '--broker', broker, '--deadline', '5'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `error: --deadline: only with --broker none (it sets how long an advisory saga waits for each report), and --broker is ${broker}; drop it or use --broker none`,
      );
      expect(r.stderr).not.toContain('API keys');
    }
  });

  it('its default is not refused, and advisory takes a typed one', () => {
    // Without --deadline, alpaca gets past the broker flags to the next check (its keys; none set here).
    const alpaca = runCli(['serve', '--broker', 'alpaca'], {
      ...env,
      ALPACA_API_KEY_ID: '',
      APCA_API_KEY_ID: '',
    });
    expect(alpaca.stderr).toContain('--broker alpaca needs API keys');
    expect(alpaca.stderr).not.toContain('--deadline');
    // Advisory reads the typed value (and refuses a bad one for what it is).
    const none = runCli(['serve', '--broker', 'none', '--deadline', '0'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error: --deadline "0": give seconds above 0');
  });
});
