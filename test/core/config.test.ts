import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/core/config/index.js';
import { ValidationError, formatValue, printable } from '../../src/core/errors.js';
import { loadConfig } from '../../src/io/load-config.js';
import { parseStructured } from '../../src/io/read-structured.js';
import { refusal as errorOf } from '../support/refusal.js';

describe('config', () => {
  it('default preset is the seed system’s published optimum', () => {
    const { config } = resolveConfig();
    expect(config).toMatchObject({
      protectionPct: 0.0015,
      stealEntryTolerance: 0.0057,
      cooldownSec: 166,
      fightThreshold: 8,
      fightWindowSec: 1800,
      fightCooldownSec: 645,
      cryptoOutOfHoursForceCount: 3,
      cryptoOutOfHoursTolerance: 0.047,
      cryptoNormalTolerance: 0.013,
      normalTolerance: 0.0066,
      minOrderAgeSec: 0,
      bufferPct: 0,
      marginRatePerYear: 0.065,
    });
  });

  it('original preset sets both tolerances to 0.0066 and leaves unnamed keys at the defaults', () => {
    const { config } = resolveConfig({ preset: 'original' });
    expect(config).toMatchObject({
      protectionPct: 0.001,
      stealEntryTolerance: 0.0066,
      cooldownSec: 120,
      fightThreshold: 5,
      fightCooldownSec: 600,
      cryptoOutOfHoursForceCount: 2,
      cryptoOutOfHoursTolerance: 0.02,
      normalTolerance: 0.0066,
      cryptoNormalTolerance: 0.0066,
      fightWindowSec: DEFAULT_CONFIG.fightWindowSec,
      minOrderAgeSec: 0,
    });
  });

  it('the published set warns about its dead zone; nothing is fatal', () => {
    const { warnings } = resolveConfig();
    expect(
      warnings.some((w) => w.keys.includes('stealEntryTolerance') && w.message.includes('dead zone')),
    ).toBe(true);
  });

  it('protection ≥ a tolerance and fight cooldown ≤ cooldown are warnings', () => {
    const { warnings } = resolveConfig({
      layers: [{ source: 'f.json', values: { protectionPct: 0.01, fightCooldownSec: 100 } }],
    });
    expect(warnings.some((w) => w.keys.join() === 'protectionPct,normalTolerance')).toBe(true);
    expect(warnings.some((w) => w.keys.join() === 'fightCooldownSec,cooldownSec')).toBe(true);
  });

  it.each([
    [{ protectionPct: -0.1 }, 'protectionPct', -0.1],
    [{ normalTolerance: 1.5 }, 'normalTolerance', 1.5],
    [{ cooldownSec: Number.NaN }, 'cooldownSec', Number.NaN],
    [{ fightThreshold: 2.5 }, 'fightThreshold', 2.5],
    [{ sim: { feesBps: -1 } }, 'sim.feesBps', -1],
  ])('impossible value %j is an error naming the key and value', (values, key, value) => {
    const err = errorOf(() => resolveConfig({ layers: [{ source: 'my.yaml', values }] }));
    expect(err.issues[0]?.where).toBe(`my.yaml: ${key}`);
    expect(Object.is(err.issues[0]?.value, value)).toBe(true);
    expect(err.message).toContain(key);
  });

  it('unknown keys are errors, also nested ones', () => {
    const err = errorOf(() =>
      resolveConfig({ layers: [{ source: 'c.json', values: { protectionPc: 0.1, sim: { fee: 1 } } }] }),
    );
    expect(err.issues.map((i) => i.where).sort()).toEqual(['c.json: protectionPc', 'c.json: sim.fee']);
  });

  it('environment overrides apply last, parse types, and name the variable when bad', () => {
    const { config } = resolveConfig({
      layers: [{ source: 'f', values: { cooldownSec: 10 } }],
      env: {
        WORKSTEAL_COOLDOWN_SEC: '30',
        WORKSTEAL_STEALING_ENABLED: 'false',
        WORKSTEAL_SIM_FEES_BPS: '5',
        PATH: '/bin',
      },
    });
    expect(config.cooldownSec).toBe(30);
    expect(config.stealingEnabled).toBe(false);
    expect(config.sim.feesBps).toBe(5);
    const bad = errorOf(() => resolveConfig({ env: { WORKSTEAL_COOLDOWN_SEC: 'soon' } }));
    expect(bad.issues[0]?.where).toBe('environment WORKSTEAL_COOLDOWN_SEC');
    const unknown = errorOf(() => resolveConfig({ env: { WORKSTEAL_COOLDOWN: '3' } }));
    expect(unknown.issues[0]?.where).toBe('environment WORKSTEAL_COOLDOWN');
  });

  it('an unknown preset is an error listing the presets', () => {
    expect(errorOf(() => resolveConfig({ preset: 'best' })).message).toContain('default, original');
  });

  it('YAML and JSON parse; syntax errors name the file', () => {
    expect(parseStructured('protectionPct: 0.002\n', 'a.yaml')).toEqual({ protectionPct: 0.002 });
    expect(errorOf(() => parseStructured('{"a":', 'b.json')).issues[0]?.where).toBe('b.json');
    expect(errorOf(() => parseStructured('a: [1,\n', 'c.yaml')).issues[0]?.where).toMatch(/^c\.yaml/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'a "%s" key is an error naming the file and the path, at any depth',
    (key) => {
      for (const text of [
        `{"${key}": {"x": 1}}`,
        `{"sim": {"${key}": 1}}`,
        `{"symbols": {"${key}": {"assetClass": "crypto"}}}`,
      ]) {
        const values = parseStructured(text, 'c.json');
        const err = errorOf(() => resolveConfig({ layers: [{ source: 'c.json', values }], env: {} }));
        expect(err.issues[0]?.where).toMatch(new RegExp(`^c\\.json: (sim\\.|symbols\\.)?${key}$`));
      }
      // YAML files go through another parser; the same key is refused the same way.
      const yaml = parseStructured(`${key}:\n  x: 1\n`, 'c.yaml');
      expect(
        errorOf(() => resolveConfig({ layers: [{ source: 'c.yaml', values: yaml }] })).issues[0]?.where,
      ).toBe(`c.yaml: ${key}`);
    },
  );

  it('a key in the file named constructor is blamed on the file, not on the environment', () => {
    const err = errorOf(() =>
      resolveConfig({
        layers: [{ source: 'c.json', values: JSON.parse('{"constructor": 1}') as unknown }],
        env: { WORKSTEAL_COOLDOWN_SEC: '30' },
      }),
    );
    expect(err.message).not.toContain('environment');
    expect(err.issues.map((i) => i.where)).toEqual(['c.json: constructor']);
  });

  it('an unknown key is blamed on the layer that holds it, even when a later layer is an object', () => {
    const err = errorOf(() =>
      resolveConfig({
        layers: [{ source: 'c.json', values: { valueOf: 1 } }],
        env: { WORKSTEAL_COOLDOWN_SEC: '30' },
      }),
    );
    expect(err.issues[0]?.where).toBe('c.json: valueOf');
  });

  it('a deeply nested value is an error with a bounded message, not a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const err = errorOf(() =>
      resolveConfig({ layers: [{ source: 'c.json', values: { protectionPct: deep } }] }),
    );
    expect(err.issues[0]?.where).toMatch(/^c\.json: protectionPct(\.0)+$/);
    expect(err.message.length).toBeLessThan(400);
  });

  it('an environment number that is not a decimal is reported as written, naming the variable', () => {
    for (const raw of ['abc', '0x10', 'Infinity', '', '1e999']) {
      const err = errorOf(() => resolveConfig({ env: { WORKSTEAL_PROTECTION_PCT: raw } }));
      expect(err.issues[0]?.where).toBe('environment WORKSTEAL_PROTECTION_PCT');
      expect(err.issues[0]?.value).toBe(raw);
      expect(err.message).toContain(`(got ${JSON.stringify(raw)})`);
      expect(err.message).not.toContain('NaN');
    }
    const bool = errorOf(() => resolveConfig({ env: { WORKSTEAL_DRY_RUN: 'maybe' } }));
    expect(bool.issues[0]?.where).toBe('environment WORKSTEAL_DRY_RUN');
    expect(resolveConfig({ env: { WORKSTEAL_PROTECTION_PCT: ' 2e-3 ' } }).config.protectionPct).toBe(0.002);
  });

  it('values in messages are bounded previews that never throw, with control characters made visible', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(formatValue(cyclic)).toBe('{"a":1,"self":{"a":1,"self":{"a":1,"self":{"a":1,"self":{…}}}}}');
    const hostile = Object.defineProperty({}, 'x', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(formatValue(hostile)).toBe('(a value that cannot be shown)');
    expect(formatValue(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(formatValue('x'.repeat(500)).length).toBeLessThanOrEqual(80);
    expect(printable('a\u001b[2Jb\u009b\u202ec\n')).toBe('a\\x1b[2Jb\\x9b\\u202ec\\x0a');
  });

  describe('config files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-config-'));

    it('"preset": ["default"] is an error, not coerced to a name', async () => {
      const file = join(dir, 'p.json');
      writeFileSync(file, '{"preset": ["default"]}');
      const err = await loadConfig({ file }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues[0]).toMatchObject({
        where: `${file}: preset`,
        value: ['default'],
      });
    });

    it('WORKSTEAL_CONFIG names the config file; a missing one is an error naming the variable and path', async () => {
      const file = join(dir, 'env.yaml');
      writeFileSync(file, 'cooldownSec: 42\n');
      expect((await loadConfig({ env: { WORKSTEAL_CONFIG: file } })).config.cooldownSec).toBe(42);
      // The command line's file wins over the variable.
      const other = join(dir, 'other.yaml');
      writeFileSync(other, 'cooldownSec: 7\n');
      expect((await loadConfig({ file: other, env: { WORKSTEAL_CONFIG: file } })).config.cooldownSec).toBe(7);
      const err = await loadConfig({ env: { WORKSTEAL_CONFIG: '/missing.json' } }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toContain('WORKSTEAL_CONFIG');
      expect((err as Error).message).toContain('/missing.json');
    });
  });
});
