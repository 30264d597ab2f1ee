/** The synthetic demo market: seeded, plausible, sessions honoured, clearly labelled. */
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { SYNTHETIC_ASSETS, syntheticSet } from '../../src/data/index.js';
import { runCli } from '../support/cli.js';

const calendar = nyseCalendar();

describe('synthetic market', () => {
  const set = syntheticSet({ calendar });

  it('is the same for the same seed and different for another', () => {
    const again = syntheticSet({ calendar });
    expect(again.map((l) => l.series.source.sha256)).toEqual(set.map((l) => l.series.source.sha256));
    const other = syntheticSet({ calendar, seed: 2 });
    expect(other[0]?.series.source.sha256).not.toBe(set[0]?.series.source.sha256);
  });

  it('has 24/7 hourly cryptos and stocks only in the NYSE regular session, all labelled synthetic', () => {
    expect(set.map((l) => [l.series.symbol, l.series.assetClass])).toEqual(
      SYNTHETIC_ASSETS.map((a) => [a.symbol, a.assetClass]),
    );
    for (const l of set) {
      const s = l.series;
      expect(s.source.path).toBe(`synthetic:${s.symbol}`);
      expect(s.source.layout).toBe('synthetic (seed 1)');
      expect(s.intervalMs).toBe(3_600_000);
      for (let i = 0; i < s.time.length; i++) {
        const o = s.open[i] as number;
        const c = s.close[i] as number;
        if (!(
          (s.high[i] as number) >= Math.max(o, c) &&
          (s.low[i] as number) <= Math.min(o, c) &&
          (s.low[i] as number) > 0
        )) {
          throw new Error(`${s.symbol} bar ${i} is not a valid OHLC bar`);
        }
        if (i > 0 && (s.time[i] as number) <= (s.time[i - 1] as number))
          throw new Error(`${s.symbol} bar ${i} out of order`);
        if (s.assetClass === 'stock' && !calendar.isRegularSession(s.time[i] as number)) {
          throw new Error(
            `${s.symbol} bar at ${new Date(s.time[i] as number).toISOString()} is outside the session`,
          );
        }
      }
      if (s.assetClass === 'crypto') expect(s.time.length).toBe(366 * 24);
      else expect(s.time.length).toBe(252 * 7 - 3 * 3); // 252 sessions in 2024, three early closes of 4 bars
    }
  });

  it('has no gaps: a stock’s nights, weekends and holidays are its exchange closed (SYN-MEGA had 251 gaps)', () => {
    // The synthetic set counted gaps around the clock; the loader counts a stock's by the NYSE sessions.
    for (const l of set) expect([l.series.symbol, l.report.gaps]).toEqual([l.series.symbol, []]);
    const start = runCli(['start', '--synthetic']);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).not.toContain('gaps:');
  });

  it('moves like a market: hourly volatility in a plausible band, stocks gap overnight', () => {
    for (const l of set) {
      const c = l.series.close;
      let sum = 0;
      for (let i = 1; i < c.length; i++) sum += Math.log((c[i] as number) / (c[i - 1] as number)) ** 2;
      const annual = Math.sqrt((sum / (c.length - 1)) * (l.series.assetClass === 'crypto' ? 8760 : 252 * 7));
      expect(annual).toBeGreaterThan(0.1);
      expect(annual).toBeLessThan(2);
    }
    // The market closes overnight (bars more than 12 h apart), which the quality report does not call a gap.
    const t = set[3]!.series.time;
    let nights = 0;
    for (let i = 1; i < t.length; i++) if ((t[i] as number) - (t[i - 1] as number) > 12 * 3_600_000) nights++;
    expect(nights).toBeGreaterThan(200);
    expect(set[3]?.report.gapCount).toBe(0);
  });
});
