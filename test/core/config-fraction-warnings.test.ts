import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, ORIGINAL_OVERRIDES } from '../../src/core/config/presets.js';
import { configWarnings } from '../../src/core/config/warnings.js';

/** A percentage typed as a number (0.57 for 0.57%) and an intraday margin above the overnight one passed silently. */
describe('fraction slips', () => {
  it('a tolerance of 20% or more says it is read as a fraction, and what to write', () => {
    const w = configWarnings({ ...DEFAULT_CONFIG, stealEntryTolerance: 0.57 });
    const slip = w.find((x) => x.keys.length === 1 && x.keys[0] === 'stealEntryTolerance');
    expect(slip?.message).toBe(
      'stealEntryTolerance 0.57 is 57%: every *Pct and tolerance is a fraction; if you meant 0.57%, write 0.0057',
    );
  });

  it('an intraday margin above the overnight one is named', () => {
    const margin = {
      ...DEFAULT_CONFIG.margin,
      stock: { ...DEFAULT_CONFIG.margin.stock, intradayPdt: 0.6, overnight: 0.3 },
    };
    const w = configWarnings({ ...DEFAULT_CONFIG, margin });
    expect(w.some((x) => x.keys.includes('margin.stock.intradayPdt'))).toBe(true);
  });

  it('the presets raise neither', () => {
    for (const preset of [DEFAULT_CONFIG, { ...DEFAULT_CONFIG, ...ORIGINAL_OVERRIDES }]) {
      const w = configWarnings(preset);
      expect(
        w.filter((x) => x.message.includes('is a fraction') || x.keys.includes('margin.stock.intradayPdt')),
      ).toEqual([]);
    }
  });
});
