import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberFlag, wholeNumber } from '../../src/cli/whole-number.js';
import { runCli } from '../support/cli.js';

/**
 * Flag values are read as typed or refused: an empty `--seed ''` was seed 0, `--threads 0x10` was 16 threads,
 * `serve --port ''` picked a random port, and a flag given twice kept its last value without a word.
 */
describe('count flags', () => {
  it('accept exactly the digit strings at or above the minimum (model)', () => {
    const text = fc.oneof(
      fc.nat({ max: 5000 }).map(String),
      fc.constantFrom('', ' ', '0x10', '0b1', '1e3', '-1', '+2', '2.0', '2.5', 'Infinity', 'NaN', '١٢'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 100 }), (raw, min) => {
        const valid = /^\s*\d+\s*$/.test(raw) && Number(raw) >= min;
        if (valid) expect(wholeNumber(raw, '--seed', min)).toBe(Number(raw));
        else
          expect(() => wholeNumber(raw, '--seed', min), JSON.stringify(raw)).toThrow(/--seed ".*": must be/);
      }),
      { seed: 31, numRuns: 1000 },
    );
  });

  it('refuse what Number() would guess at, in every command that counts', () => {
    for (const [args, flag] of [
      [['compare', '--benchmark', 'crypto', '--seed', ''], '--seed ""'],
      [['compare', '--benchmark', 'crypto', '--threads', '0x10'], '--threads "0x10"'],
      [['worker', '--queue', 'redis://127.0.0.1:1', '--threads', '1e1'], '--threads "1e1"'],
    ] as const) {
      const r = runCli([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${flag}: must be a whole number`);
    }
  });
});

describe('number flags', () => {
  it('take plain decimals and refuse blanks, hex and infinities', () => {
    expect(numberFlag('3600', '--speed', '3600')).toBe(3600);
    expect(numberFlag(' 0.5 ', '--poll', '60')).toBe(0.5);
    expect(numberFlag(undefined, '--port', '8787')).toBeUndefined();
    for (const raw of ['', ' ', '0x10', 'Infinity', '1e999', 'abc']) {
      expect(() => numberFlag(raw, '--port', '8787'), raw).toThrow(
        `--port ${JSON.stringify(raw)} is not a number`,
      );
    }
  });

  it("a refusal's example is one that flag takes (--port said 'e.g. 3600', a speed)", () => {
    const env = { WORKSTEAL_TOKEN: 'abcdefghijklmnopqrstuvwxyz0123456789' };
    const port = runCli(['serve', '--broker', 'none', '--port', 'abc'], env);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port "abc" is not a number, e.g. --port 8787');
    const poll = runCli(['run', '--broker', 'replay', '--benchmark', 'crypto', '--poll', 'x'], env);
    expect(poll.code).toBe(2);
    expect(poll.stderr).toContain('--poll "x" is not a number, e.g. --poll 60');
  });

  it('serve --port "" is refused instead of listening on a random port', () => {
    const r = runCli(['serve', '--broker', 'none', '--port', ''], {
      WORKSTEAL_TOKEN: 'abcdefghijklmnopqrstuvwxyz0123456789',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port "" is not a number');
  });
});

describe('a flag given twice', () => {
  it('is refused when the values differ, naming both, and allowed when they agree', () => {
    const r = runCli(['config', 'check', '--preset', 'default', '--preset', 'original']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--preset is given twice ("default" and "original"); give it once');
    const same = runCli(['config', 'check', '--preset', 'original', '--preset', 'original', '--json', '-']);
    expect(same.code, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout).preset).toBe('original');
  });

  it('leaves repeatable flags alone: every --set is read', () => {
    // Sides resolve before any data loads: the second --set's typo is what stops the run.
    const r = runCli([
      'compare',
      '--benchmark',
      'crypto',
      '--set',
      'cooldownSec=10',
      '--set',
      'cooldwnSec=5',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('given twice');
    expect(r.stderr).toContain('unknown key "cooldwnSec"');
  });
});
