import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config/presets.js';
import { configWarnings } from '../../src/core/config/warnings.js';

/** A deprecated flat fee replaced the per-class fees a config set, and nothing said so. */
describe('sim.feesBps', () => {
  it('warns that it replaces sim.fees whenever it is set, 0 included', () => {
    for (const feesBps of [0, 5]) {
      const warnings = configWarnings({ ...DEFAULT_CONFIG, sim: { ...DEFAULT_CONFIG.sim, feesBps } });
      const fee = warnings.filter((w) => w.keys.includes('sim.feesBps'));
      expect(fee).toHaveLength(1);
      expect(fee[0]!.message).toContain(`sim.feesBps ${feesBps} (deprecated) replaces sim.fees`);
    }
    expect(configWarnings(DEFAULT_CONFIG).some((w) => w.keys.includes('sim.feesBps'))).toBe(false);
  });
});
