import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { STEALING_OFF, resolveSide, sideSpec, sweepLevels } from '../../src/compare/sides.js';
import { setLayer } from '../../src/io/set-layer.js';

describe('--set, --variant, --baseline and --sweep as config layers', () => {
  it('types a value by its key and nests dotted keys', () => {
    expect(setLayer('protectionPct=0.004', '--set').values).toEqual({ protectionPct: 0.004 });
    expect(setLayer('stealingEnabled=off', '--set').values).toEqual({ stealingEnabled: false });
    expect(setLayer('sim.feesBps=5', '--set').values).toEqual({ sim: { feesBps: 5 } });
    expect(setLayer('sim.fees.crypto.makerBps=2', '--set').values).toEqual({
      sim: { fees: { crypto: { makerBps: 2 } } },
    });
  });

  it('refuses malformed pairs and bad values, naming the flag and the key', () => {
    expect(() => setLayer('protectionPct', '--set')).toThrow(ValidationError);
    expect(() => setLayer('=3', '--set')).toThrow(ValidationError);
    try {
      setLayer('protectionPct=lots', '--variant');
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).issues[0]).toMatchObject({
        where: '--variant protectionPct',
        value: 'lots',
      });
    }
  });

  it('refuses an unknown key through the config schema, naming the flag that brought it', async () => {
    const err = await resolveSide({}, [setLayer('protectionPcnt=0.1', '--set')], STEALING_OFF).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    const issue = (err as ValidationError).issues[0]!;
    expect(issue.where).toContain('--set protectionPcnt=0.1');
    expect(issue.message).toMatch(/unknown key "protectionPcnt"/);
  });

  it('layers the common settings under each side: B keeps --set and turns stealing off', async () => {
    const common = [setLayer('protectionPct=0.004', '--set')];
    const b = await resolveSide({}, common, STEALING_OFF);
    expect(b.config.stealingEnabled).toBe(false);
    expect(b.config.protectionPct).toBe(0.004);
    const a = await resolveSide(
      {},
      common,
      await sideSpec('protectionPct=0.001; stealingEnabled=true', '--variant'),
    );
    expect(a.config.protectionPct).toBe(0.001);
    expect(a.config.stealingEnabled).toBe(true);
  });

  it('reads a side from a config file, its preset included (best.json from optimize)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-cmp-'));
    const file = join(dir, 'best.json');
    writeFileSync(file, JSON.stringify({ preset: 'original', protectionPct: 0.007 }));
    const spec = await sideSpec(file, '--variant');
    expect(spec).toMatchObject({ label: 'best.json', preset: 'original' });
    const r = await resolveSide({}, [], spec);
    expect(r.preset).toBe('original');
    expect(r.config.protectionPct).toBe(0.007);
  });

  it('reads a file whose path holds `=` as a file (a run folder such as seed=7/), not as key=value', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'worksteal-cmp-')), 'seed=7');
    mkdirSync(dir);
    const file = join(dir, 'best.json');
    writeFileSync(file, JSON.stringify({ protectionPct: 0.007 }));
    const spec = await sideSpec(file, '--variant');
    expect(spec).toMatchObject({ label: 'best.json', file });
    expect((await resolveSide({}, [], spec)).config.protectionPct).toBe(0.007);
    // A path that is no file stays key=value, with its error.
    await expect(sideSpec(join(dir, 'missing.json'), '--variant')).rejects.toThrow(/--variant/);
  });

  it('makes one level per sweep value, every combination of several sweeps', () => {
    const levels = sweepLevels(['sim.feesBps=0,5', 'protectionPct=0.001,0.002,0.004']);
    expect(levels.map((l) => l.label)).toEqual([
      'sim.feesBps=0 protectionPct=0.001',
      'sim.feesBps=0 protectionPct=0.002',
      'sim.feesBps=0 protectionPct=0.004',
      'sim.feesBps=5 protectionPct=0.001',
      'sim.feesBps=5 protectionPct=0.002',
      'sim.feesBps=5 protectionPct=0.004',
    ]);
    expect(levels[4]!.layers.map((l) => l.values)).toEqual([
      { sim: { feesBps: 5 } },
      { protectionPct: 0.002 },
    ]);
    expect(sweepLevels([])).toEqual([{ label: '', layers: [] }]);
    expect(() => sweepLevels(['sim.feesBps'])).toThrow(/key=value1,value2/);
    expect(() => sweepLevels(['sim.feesBps=1,,2'])).toThrow(ValidationError);
  });
});

describe('a side that is neither a file nor key=value', () => {
  it('says what to give instead of "file not found"', async () => {
    await expect(sideSpec('protectionPct', '--variant')).rejects.toThrow(
      /--variant protectionPct.*neither a config file nor key=value; give a file, or key=value/,
    );
  });
});
