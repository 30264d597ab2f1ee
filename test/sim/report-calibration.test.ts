import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { calibrationChart } from '../../src/sim/report/calibration.js';
import { renderReport } from '../../src/sim/report/html.js';
import { runSimulation } from '../../src/sim/run.js';
import { CRYPTO_FILES, loadReal } from '../support/marketdata.js';

const FILES = [...CRYPTO_FILES.slice(0, 3), 'databento-nasdaq-tejasraj15/AAPL_1h.csv'];
const FROM = Date.parse('2024-05-06T00:00:00Z');

async function result(victimRanking: string) {
  const loaded = await loadReal(FILES);
  const config = resolveConfig({ layers: [{ source: 'test', values: { victimRanking } }] }).config;
  return runSimulation({ loaded, config, calendar: nyseCalendar(), from: FROM, to: FROM + 28 * 86_400_000 })
    .result;
}

describe('the HTML report shows the calibration of a value-ranked run', () => {
  it('one point per decile and class on a shared ascending axis, beside y = x', async () => {
    const r = await result('expectedValue');
    const chart = calibrationChart(r)!;
    expect(chart.id).toBe('calibration');
    expect([...chart.x].sort((a, b) => a - b)).toEqual(chart.x);
    const points = r.calibration!.classes.reduce((a, c) => a + c.deciles.length, 0);
    expect(chart.x).toHaveLength(points);
    const classSeries = chart.series.filter((s) => s.markers);
    expect(classSeries).toHaveLength(r.calibration!.classes.length);
    // Every decile appears exactly once, in its own class's series, at its mean prediction.
    const plotted = classSeries.flatMap((s) => s.values.filter((v) => v !== null));
    expect(plotted).toHaveLength(points);
    const diagonal = chart.series.find((s) => s.name === 'perfect calibration')!;
    expect(diagonal.values).toEqual(chart.x);
    const html = renderReport({ result: r });
    expect(html).toContain('Fill-probability calibration');
    expect(html).toContain('id="chart-calibration"');
  });

  it('a distance run values nothing and shows no calibration', async () => {
    const r = await result('distance');
    expect(calibrationChart(r)).toBeNull();
    expect(renderReport({ result: r })).not.toContain('Fill-probability calibration');
  });
});
