import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { CALIBRATION_GRID } from '../../src/core/fill/calibration.js';
import { FillModel } from '../../src/core/fill/model.js';
import { ReturnShrinker } from '../../src/core/fill/returns.js';

/**
 * The fill model's estimators on bars small enough to follow by hand (README
 * "Value-aware stealing: does it pay?"): the Rogers–Satchell variance of a bar, its EWMA by half-life, the
 * opening-gap term (session opens only), when a calibration origin is resolved, and the return shrinker's two
 * weights.
 */

const H = 3_600_000;
const calendar = nyseCalendar();
const T0 = Date.parse('2024-06-03T00:00:00Z'); // a Monday
const LAST = CALIBRATION_GRID.length - 1;

/** Rogers–Satchell of one bar: ln(h/o)·ln(h/c) + ln(l/o)·ln(l/c). */
const rs = (o: number, h: number, l: number, c: number) =>
  Math.log(h / o) * Math.log(h / c) + Math.log(l / o) * Math.log(l / c);

describe('volatility: Rogers–Satchell per bar, EWMA by half-life', () => {
  it('one hourly bar gives σ² per hour = its RS term; h flat bars later it has halved (half-life h = 3)', () => {
    const m = new FillModel({ calendar, assetClasses: ['crypto'], minBars: 1, halfLifeBars: { crypto: 3 } });
    m.onBar(0, T0, 100, 110, 90, 100, H);
    // ln 1.1 · ln 1.1 + ln 0.9 · ln 0.9 = 0.0090840 + 0.0111008 = 0.0201849.
    const a = rs(100, 110, 90, 100);
    expect(a).toBeCloseTo(0.0201849, 7);
    expect(m.sigmaPerHour(0) ** 2).toBeCloseTo(a, 15);
    // A flat bar's RS is 0; each one keeps 2^(−1/3) of the estimate, so three of them keep exactly half.
    for (let k = 1; k <= 3; k++) m.onBar(0, T0 + k * H, 100, 100, 100, 100, H);
    expect(m.sigmaPerHour(0) ** 2).toBeCloseTo(a / 2, 15);
  });
});

describe('the variance over a validity', () => {
  it('counts at most maxHorizonMs of trading: a crypto validity of 100 h is valued as one of 48 h', () => {
    const m = new FillModel({ calendar, assetClasses: ['crypto'], minBars: 1 });
    m.onBar(0, T0, 100, 110, 90, 100, H);
    const now = T0 + H;
    const rate = rs(100, 110, 90, 100) / H;
    expect(m.variance(0, now, now + 10 * H)).toBeCloseTo(rate * 10 * H, 12);
    expect(m.variance(0, now, now + 100 * H)).toBeCloseTo(rate * 48 * H, 12);
    const p = (hours: number) => m.fillProbability(0, 'buy', 80, 100, now, now + hours * H);
    expect(p(100)).toBe(p(48));
    expect(p(47)).toBeLessThan(p(48));
  });
});

describe('the opening-gap term of a stock', () => {
  it('comes from session opens only: a jump between two bars of one session is not a gap', () => {
    const m = new FillModel({ calendar, assetClasses: ['stock'], minBars: 1 });
    // Monday 3 June 2024, 09:30–16:00 New York (13:30Z–20:00Z): every bar opens 1% above the last close.
    let close = 100;
    for (const hour of [13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5]) {
      const o = close * 1.01;
      m.onBar(0, T0 + hour * H, o, o * 1.002, o * 0.998, o, hour === 19.5 ? H / 2 : H);
      close = o;
    }
    // Tuesday's first bar opens 2% above Monday's last close: the only gap, ln²(1.02) = 0.00039215.
    const o = close * 1.02;
    m.onBar(0, T0 + 24 * H + 13.5 * H, o, o, o, o, H);
    expect(m.gapVariance(0)).toBeCloseTo(Math.log(1.02) ** 2, 15);
    // A third bar of Tuesday, opening 1% above the second's close, leaves it as it is.
    m.onBar(0, T0 + 24 * H + 14.5 * H, o * 1.01, o * 1.01, o * 1.01, o * 1.01, H);
    expect(m.gapVariance(0)).toBeCloseTo(Math.log(1.02) ** 2, 15);
  });
});

describe('calibration origins: resolved when a bar opens at the end of their horizon, never later', () => {
  it('an origin never sees the bar that opens at its horizon’s end', () => {
    // Horizon 2 h: the origin at bar 0's close (1 h) covers the bars opening at 1 h and 2 h; the bar opening
    // at 3 h resolves it first, then is seen only by origins still open.
    const m = new FillModel({ calendar, assetClasses: ['crypto'], minBars: 1, calibrationHorizonMs: 2 * H });
    const bar = (k: number, low = 99) => m.onBar(0, T0 + k * H, 100, 101, low, 100, H);
    bar(0);
    bar(1);
    bar(2);
    const cal = m.calibration('crypto');
    expect(cal.trials[0]).toBe(0);
    // Bar 3 crashes to 50: far beyond every grid distance (√V of 2 h is about 0.02, the last point 3.3 × that).
    bar(3, 50);
    // Origin 0 is resolved (two sides: one trial each at every point) from bars 1 and 2 alone: a 1% dip
    // reaches no further than z = 0.5, so neither side reaches the last grid point.
    expect(cal.trials[0]).toBe(2);
    expect(cal.hits[LAST]).toBe(0);
    // Bar 4 resolves origin 1 (bars 2 and 3): its buy side saw the crash.
    bar(4);
    expect(cal.trials[0]).toBe(4);
    expect(cal.hits[LAST]).toBe(1);
  });
});

describe('expected return given a fill: two shrinkage weights', () => {
  it('the class mean is shrunk by classWeight, the symbol mean by symbolWeight', () => {
    const s = new ReturnShrinker({
      assetClasses: ['crypto', 'crypto'],
      prior: 0.002,
      symbolWeight: 10,
      classWeight: 40,
    });
    s.record(0, 0.01);
    s.record(0, 0.03);
    // Class: (0.04 + 40 × 0.002) / (2 + 40) = 0.12 / 42. Symbol 0: (0.04 + 10 × class) / (2 + 10).
    const classMean = 0.12 / 42;
    expect(s.expectedReturn(1)).toBeCloseTo(classMean, 15);
    expect(s.expectedReturn(0)).toBeCloseTo((0.04 + 10 * classMean) / 12, 15);
  });
});
