/**
 * The report's value axes (src/report/axis.ts, run as written by the page's script): labels that read back as
 * their value, the log-or-linear choice, a range that fits the data and ticks inside it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axisRange, axisTicks, compactNumber, prefersLog } from '../../src/report/axis.js';
import { histogram } from '../../src/report/chart-spec.js';

/** "117.4k" → 117400: what a reader takes a label to mean. */
const readBack = (label: string): number => {
  const unit = { k: 1e3, M: 1e6, B: 1e9 }[label.slice(-1)] ?? 1;
  return Number(label.replace(/[kMB,]$/, '').replace(/,/g, '')) * unit;
};

describe('axis labels', () => {
  it('keep the zeros of whole numbers: 100,000 is 100k, not 1k', () => {
    expect(compactNumber(100_000)).toBe('100k');
    expect(compactNumber(200_000)).toBe('200k');
    expect(compactNumber(117_390)).toBe('117.39k');
    expect(compactNumber(102_500)).toBe('102.5k');
    expect(compactNumber(10_000)).toBe('10k');
    expect(compactNumber(1_000_000)).toBe('1M');
    expect(compactNumber(1_250_000)).toBe('1.25M');
    expect(compactNumber(20_000_000)).toBe('20M');
    expect(compactNumber(3_000_000_000)).toBe('3B');
    expect(compactNumber(9_500)).toBe('9,500');
    expect(compactNumber(950)).toBe('950');
    expect(compactNumber(0.5)).toBe('0.5');
    expect(compactNumber(-120_000)).toBe('-120k');
  });

  it('every tick of an axis reads back as its value, and no two ticks share a label', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e3, max: 1e9, noNaN: true }),
        fc.double({ min: 1.001, max: 200, noNaN: true }),
        fc.boolean(),
        (lo, ratio, log) => {
          const [min, max] = axisRange(lo, lo * ratio, log && prefersLog(lo, lo * ratio));
          const ticks = axisTicks(min, max, log && prefersLog(lo, lo * ratio));
          const labels = ticks.map(compactNumber);
          expect(new Set(labels).size).toBe(labels.length);
          for (let i = 0; i < ticks.length; i++)
            expect(Math.abs(readBack(labels[i]!) - ticks[i]!)).toBeLessThan((max - min) * 1e-3);
        },
      ),
      { seed: 28, numRuns: 400 },
    );
  });
});

describe('the equity axis fits the data', () => {
  it('a small range (100,000 → 117,390) is linear, ticks inside it, not a decade from 10k to 1M', () => {
    expect(prefersLog(100_000, 117_390)).toBe(false);
    const [min, max] = axisRange(100_000, 117_390, false);
    expect(min).toBeGreaterThan(98_000);
    expect(max).toBeLessThan(119_000);
    const ticks = axisTicks(min, max, false);
    expect(ticks).toEqual([100_000, 105_000, 110_000, 115_000]);
    expect(ticks.map(compactNumber)).toEqual(['100k', '105k', '110k', '115k']);
  });

  it('a run that grows tenfold is on a log axis with 1-2-5 ticks inside its range', () => {
    expect(prefersLog(100_000, 1_050_000)).toBe(true);
    const [min, max] = axisRange(100_000, 1_050_000, true);
    expect(min).toBeGreaterThan(85_000);
    expect(max).toBeLessThan(1_300_000);
    const ticks = axisTicks(min, max, true);
    expect(ticks).toEqual([100_000, 200_000, 500_000, 1_000_000]);
    expect(ticks.map(compactNumber)).toEqual(['100k', '200k', '500k', '1M']);
  });

  it('ticks lie inside the range, ascending, at least two of them, on either axis (zoomed in or not)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e9, noNaN: true }),
        fc.double({ min: 1.0001, max: 1e4, noNaN: true }),
        fc.boolean(),
        (lo, ratio, log) => {
          const [min, max] = axisRange(lo, lo * ratio, log);
          expect(min).toBeLessThanOrEqual(lo);
          expect(max).toBeGreaterThanOrEqual(lo * ratio);
          // The padding is a small share of the span: the data fill the chart.
          if (log) expect(Math.log(max / min)).toBeLessThan(Math.log(ratio) * 1.2 + 0.03);
          else expect(max - min).toBeLessThan(lo * (ratio - 1) * 1.2 + lo * 0.03);
          const ticks = axisTicks(min, max, log);
          expect(ticks.length).toBeGreaterThanOrEqual(2);
          expect(ticks.length).toBeLessThanOrEqual(log ? 40 : 8);
          for (let i = 0; i < ticks.length; i++) {
            expect(ticks[i]!).toBeGreaterThanOrEqual(min);
            expect(ticks[i]!).toBeLessThanOrEqual(max);
            if (i > 0) expect(ticks[i]!).toBeGreaterThan(ticks[i - 1]!);
          }
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('histogram bins', () => {
  it('report their width, and the last bin ends at the largest value', () => {
    const h = histogram([0, 0.1, 0.5, 0.97, 0.97, 1], 20);
    expect(h.width).toBeCloseTo(0.05, 12);
    expect(h.x[h.x.length - 1]! + h.width).toBeCloseTo(1, 12);
    expect(h.counts[19]).toBe(3);
    expect(histogram([2, 2], 20)).toEqual({ x: [2], counts: [2], width: 0.1 });
  });
});
