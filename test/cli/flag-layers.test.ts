/**
 * Flags become config layers named by their flag, so a value the schema refuses is reported as the flag the
 * person typed (`--poll: live.pollSec`), not as a key in a config they never wrote.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flagLayers, type ConfigFlag } from '../../src/cli/flag-layers.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { runCli } from '../support/cli.js';

const RUN_FLAGS: readonly [string, string[], fc.Arbitrary<unknown>][] = [
  ['--dry-run', ['dryRun'], fc.constant(true)],
  ['--speed', ['live', 'replaySpeed'], fc.integer({ min: 1, max: 1e6 })],
  ['--poll', ['live', 'pollSec'], fc.integer({ min: 1, max: 86_400 })],
  ['--db', ['live', 'stateDb'], fc.constantFrom('a.sqlite', 'state/b.sqlite')],
  ['--host', ['live', 'http', 'host'], fc.constantFrom('127.0.0.1', '0.0.0.0')],
  ['--port', ['live', 'http', 'port'], fc.integer({ min: 0, max: 65_535 })],
];

describe('flag layers', () => {
  it('one layer per flag given, named by it; together they set what one merged layer sets', () => {
    const given = fc.tuple(...RUN_FLAGS.map(([, , value]) => fc.option(value, { nil: undefined })));
    fc.assert(
      fc.property(given, (values) => {
        const flags: ConfigFlag[] = RUN_FLAGS.map(([flag, path], i) => [flag, path, values[i]]);
        const layers = flagLayers(flags);
        expect(layers.map((l) => l.source)).toEqual(
          flags.filter(([, , v]) => v !== undefined).map(([flag]) => flag),
        );
        const merged: Record<string, unknown> = {};
        for (const [, path, value] of flags) {
          if (value === undefined) continue;
          let at = merged;
          for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
          at[path.at(-1)!] = value;
        }
        expect(resolveConfig({ flags: layers }).config).toEqual(
          resolveConfig({ flags: [{ source: 'command line', values: merged }] }).config,
        );
      }),
      { seed: 33, numRuns: 200 },
    );
  });

  it('run names the flag typed when the schema refuses its value', () => {
    const r = runCli(['run', '--broker', 'replay', '--poll', '0', '--speed', '0', '--port', '99999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--poll: live.pollSec: Too small: expected number to be >0 (got 0)');
    expect(r.stderr).toContain('--speed: live.replaySpeed: Too small');
    expect(r.stderr).toContain('--port: live.http.port: Too big');
    expect(r.stderr).not.toContain('command line:');
  });

  it('serve names the flag typed too', () => {
    const r = runCli(['serve', '--broker', 'none', '--speed', '-1', '--port', '99999'], {
      WORKSTEAL_TOKEN: 'flag-layers-test-token-0123456789',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--speed: live.replaySpeed: Too small: expected number to be >0 (got -1)');
    expect(r.stderr).toContain('--port: live.http.port: Too big');
    expect(r.stderr).not.toContain('command line:');
  });
});
