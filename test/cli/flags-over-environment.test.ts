import fc from 'fast-check';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSide, sideSpec, STEALING_OFF } from '../../src/compare/sides.js';
import { envName, resolveConfig } from '../../src/core/config/resolve.js';
import { runCli } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

/**
 * What is typed on the command line wins over an exported `WORKSTEAL_*` variable: `--dry-run` with
 * `WORKSTEAL_DRY_RUN=false` left in the shell must stay a dry run, `--no-stealing` must switch stealing off,
 * and a comparison's baseline (stealing off) must not be turned back on by the environment.
 */

type Key = 'dryRun' | 'stealingEnabled' | 'cooldownSec' | 'port';
const PATHS: Record<Key, string[]> = {
  dryRun: ['dryRun'],
  stealingEnabled: ['stealingEnabled'],
  cooldownSec: ['cooldownSec'],
  port: ['live', 'http', 'port'],
};
const valueOf = (key: Key, n: number): boolean | number =>
  key === 'dryRun' || key === 'stealingEnabled' ? n % 2 === 0 : key === 'port' ? 1000 + n : 10 + n;
const nest = (path: readonly string[], value: unknown): Record<string, unknown> =>
  path.reduceRight<Record<string, unknown>>((inner, seg) => ({ [seg]: inner }), value as never);
const at = (config: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((v, seg) => (v as Record<string, unknown>)[seg], config);

describe('command-line flags over the environment', () => {
  it('resolves each key to the flag if given, else the environment, else the file, else the default (model)', () => {
    const layer = fc.option(fc.nat({ max: 50 }), { nil: undefined });
    const setting = fc.record({
      key: fc.constantFrom<Key>('dryRun', 'stealingEnabled', 'cooldownSec', 'port'),
      file: layer,
      env: layer,
      flag: layer,
    });
    fc.assert(
      fc.property(fc.uniqueArray(setting, { selector: (s) => s.key, maxLength: 4 }), (settings) => {
        const file: Record<string, unknown>[] = [];
        const flags: Record<string, unknown>[] = [];
        const env: Record<string, string> = {};
        for (const s of settings) {
          const path = PATHS[s.key];
          if (s.file !== undefined) file.push(nest(path, valueOf(s.key, s.file)));
          if (s.flag !== undefined) flags.push(nest(path, valueOf(s.key, s.flag)));
          if (s.env !== undefined) env[envName(path)] = String(valueOf(s.key, s.env));
        }
        const { config } = resolveConfig({
          layers: file.map((values) => ({ source: 'file.json', values })),
          env,
          flags: flags.map((values) => ({ source: 'command line', values })),
        });
        const defaults = resolveConfig({}).config;
        for (const s of settings) {
          const path = PATHS[s.key];
          const given = s.flag ?? s.env ?? s.file;
          const expected = given === undefined ? at(defaults, path) : valueOf(s.key, given);
          expect(at(config, path), `${s.key} ${JSON.stringify(s)}`).toBe(expected);
        }
      }),
      { seed: 2024, numRuns: 300 },
    );
  });

  describe('compare sides', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    });

    it('keeps the baseline stealing off and --set values when WORKSTEAL_* says otherwise', async () => {
      process.env.WORKSTEAL_STEALING_ENABLED = 'true';
      process.env.WORKSTEAL_PROTECTION_PCT = '0.002';
      const set = (await sideSpec('protectionPct=0.004', '--set')).layers;
      const baseline = await resolveSide({}, set, STEALING_OFF);
      expect(baseline.config.stealingEnabled).toBe(false);
      expect(baseline.config.protectionPct).toBe(0.004);
      // A key no flag names still comes from the environment.
      delete process.env.WORKSTEAL_PROTECTION_PCT;
      process.env.WORKSTEAL_COOLDOWN_SEC = '300';
      expect((await resolveSide({}, [], STEALING_OFF)).config.cooldownSec).toBe(300);
    });
  });

  it('simulate --no-stealing runs without stealing even with WORKSTEAL_STEALING_ENABLED=true exported', () => {
    requireMarketData();
    const r = runCli(
      [
        'simulate',
        '--data',
        join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
        '--from',
        '2023-01-01',
        '--to',
        '2023-01-15',
        '--no-stealing',
        '--quiet',
        '--json',
        '-',
      ],
      { WORKSTEAL_STEALING_ENABLED: 'true' },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).config.stealingEnabled).toBe(false);
  });
});
