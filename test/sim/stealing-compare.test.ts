import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { runSimulation } from '../../src/sim/run.js';
import { CRYPTO_FILES, loadReal } from '../support/marketdata.js';

describe('stealing enabled versus disabled (real crypto bars)', () => {
  it('changes the numbers, and the counters explain how', async () => {
    const loaded = await loadReal(CRYPTO_FILES);
    const run = (stealingEnabled: boolean) =>
      runSimulation({
        loaded,
        config: resolveConfig({ layers: [{ source: 'test', values: { stealingEnabled } }] }).config,
        calendar: nyseCalendar(),
        from: Date.parse('2023-01-01T00:00:00Z'),
        to: Date.parse('2023-07-01T00:00:00Z'),
      }).result.summary;
    const on = run(true);
    const off = run(false);
    // Without stealing every shortfall is a block for that reason, and nothing is ever stolen.
    expect(off.steals).toBe(0);
    expect(off.stealAttempts).toBe(0);
    expect(Object.keys(off.blocksByReason)).toEqual(['stealing-disabled']);
    // With stealing some of those shortfalls become steals; the others keep a reason of their own.
    expect(on.steals).toBeGreaterThan(0);
    expect(on.blocksByReason['stealing-disabled']).toBeUndefined();
    expect(on.stealAttempts).toBe(on.steals + on.blocks - (on.blocksByReason['stealing-disabled'] ?? 0));
    expect(on.regret.victimsEvaluated).toBeGreaterThan(0);
    expect(on.regret.victimsEvaluated).toBeLessThanOrEqual(on.steals * 3);
    // Different fills make different results.
    expect(on.trades).not.toBe(off.trades);
    expect(on.finalEquity).not.toBeCloseTo(off.finalEquity, 0);
  });
});
