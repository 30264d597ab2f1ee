/**
 * What an evaluation of a window reads: nothing of a bar that closes after the window's end, and nothing of a
 * bar before it closes. These are the two halves of "tuned on data it never saw":
 *
 * - a training window (every walk-forward window of the selection period) is bit-identical when every bar
 *   closing after its end is garbage: the fill model's warm-up, the calibration's origins, volatility, the
 *   signals, the end-of-day plan and the end-of-data exits read nothing past the end (the window's view keeps
 *   a few bars past it, so this is not true by construction);
 * - inside a window (the holdout's too), what happened up to a time t is bit-identical when every bar after
 *   t is garbage: no state the run starts from, or builds, was fitted on the bars it is about to trade.
 *
 * Random windows (start, length, hours off midnight), parameter sets and both victim rankings, on crypto
 * and on a mixed set (stocks bring sessions and the end-of-day plan); seeded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import {
  candidateConfig,
  createObjective,
  type ObjectiveSpec,
  type Params,
} from '../../src/optimizer/objective/objective.js';
import { DAY_MS, type Window } from '../../src/optimizer/objective/folds.js';
import { warmUpBars, windowView } from '../../src/optimizer/objective/window.js';
import { simulate, type SimOutput } from '../../src/sim/engine.js';
import { buildTimeline } from '../../src/sim/timeline.js';
import { garbleBars, type Garbage } from '../support/garble.js';
import { loadReal } from '../support/marketdata.js';
import { FIXTURE_CONFIG, FIXTURE_SETS } from './optimizer-fixture.js';

const START = Date.parse('2023-01-01');
const PARAMS: Params[] = [
  { stealingEnabled: false },
  { protectionPct: 0.0015 },
  { protectionPct: 0.004, cooldownSec: 0, cryptoOutOfHoursForceCount: 3 },
  { protectionPct: 0, stealEntryTolerance: 0.05, cooldownSec: 0, fightThreshold: 20 },
];
const RANKINGS = ['distance', 'expectedValue'] as const;
const calendar = nyseCalendar();

function configFor(ranking: (typeof RANKINGS)[number]) {
  return resolveConfig({
    layers: [
      { source: 'fixture', values: FIXTURE_CONFIG },
      { source: 'test', values: { victimRanking: ranking } },
    ],
  }).config;
}

/** Every series with its bars closing after `t` garbage (close times as the simulator computes them). */
function garbleAfter(series: readonly BarSeries[], t: number, kind: Garbage, seed: number): BarSeries[] {
  const { closeTimes } = buildTimeline(series, calendar, { deleverageLeadMinutes: 0 });
  return series.map((s, k) => {
    const ct = closeTimes[k]!;
    let first = 0;
    while (first < ct.length && ct[first]! <= t) first++;
    return garbleBars(s, first, kind, seed + k);
  });
}

const arbWindow = fc.record({
  startHours: fc.integer({ min: 0, max: 24 * 80 }),
  lengthHours: fc.integer({ min: 24 * 3, max: 24 * 35 }),
  params: fc.integer({ min: 0, max: PARAMS.length - 1 }),
  ranking: fc.constantFrom(...RANKINGS),
  garbage: fc.constantFrom<Garbage>('x1000', 'walk'),
  cutShare: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
});

describe('an evaluation reads nothing after its window, nor a bar before it closes', () => {
  for (const [set, files] of Object.entries(FIXTURE_SETS)) {
    it(`${set}: a window is bit-identical with every later bar garbage, and its past with its own future garbage`, async () => {
      const series = (await loadReal(files)).map((l) => l.series);
      let endOfData = 0;
      let trades = 0;
      fc.assert(
        fc.property(arbWindow, (a) => {
          const from = START + a.startHours * 3_600_000;
          const w: Window = { from, to: from + a.lengthHours * 3_600_000 };
          const config = candidateConfig(
            (({ optimize: _o, ...base }) => base)(configFor(a.ranking)),
            PARAMS[a.params]!,
          );
          const warm = warmUpBars(config.sim.forecaster);
          const run = (ss: readonly BarSeries[]): SimOutput =>
            simulate({
              series: ss.map((s) => windowView(s, w, warm)),
              config,
              calendar,
              from: w.from,
              to: w.to,
            });

          // The whole window, against every bar closing after its end garbled.
          const real = run(series);
          const after = run(garbleAfter(series, w.to, a.garbage, a.startHours));
          expect(after.equity).toEqual(real.equity);
          expect(after.trades).toEqual(real.trades);
          expect(after.counters).toEqual(real.counters);
          expect(after.decisions).toEqual(real.decisions);
          trades += real.trades.length;
          endOfData += real.trades.filter((t) => t.exitReason === 'end-of-data').length;

          // Its past (up to a midnight inside it), against every bar closing after that garbled.
          const t = Math.ceil((w.from + a.cutShare * (w.to - w.from)) / DAY_MS) * DAY_MS;
          if (t >= w.to) return;
          const inside = run(garbleAfter(series, t, a.garbage, a.startHours + 1));
          const upTo = <R extends { time: number }>(rows: readonly R[]) => rows.filter((r) => r.time <= t);
          expect(upTo(inside.equity)).toEqual(upTo(real.equity));
          expect(upTo(inside.decisions)).toEqual(upTo(real.decisions));
          const closedBy = (o: SimOutput) => o.trades.filter((x) => x.exitTime <= t);
          expect(closedBy(inside)).toEqual(closedBy(real));
        }),
        { seed: set === 'crypto' ? 321 : 654, numRuns: 12 },
      );
      // The windows traded, and some ended with positions open (priced by the end-of-data exit).
      expect(trades).toBeGreaterThan(50);
      expect(endOfData).toBeGreaterThan(0);
    });
  }

  it('the objective (cached signals, timelines and replayed fill tapes) gives the same folds with the future garbled', async () => {
    const series = (await loadReal(FIXTURE_SETS.mixed)).map((l) => l.series);
    const config = configFor('expectedValue');
    const { optimize: _o, ...base } = config;
    const windows: Window[] = [0, 1, 2, 3].map((i) => ({
      from: START + i * 20 * DAY_MS,
      to: START + (i + 1) * 20 * DAY_MS,
    }));
    const folds = windows.slice(1).map((test, i) => ({ index: i, train: windows[i]!, test }));
    const spec = {
      version: 1,
      data: [],
      onBadData: 'refuse',
      config: base,
      folds,
      score: 'sharpe',
      codeVersion: 't',
    };
    const real = createObjective({ ...spec, data: refs(series) } as ObjectiveSpec, series);
    for (const params of PARAMS) {
      const first = real(params);
      expect(real(params)).toEqual(first); // the second run replays the fill tapes the first recorded
      // Each window alone, every bar closing after it garbage: the same fold results.
      for (const w of windows) {
        const garbled = garbleAfter(series, w.to, 'walk', 7);
        const solo = createObjective(
          { ...spec, data: refs(series), folds: [{ index: 0, train: w, test: w }] } as ObjectiveSpec,
          garbled,
        )(params).folds[0]!.test;
        const fold = first.folds.find((f) => f.test.from === w.from) ?? first.folds[0]!;
        expect(solo).toEqual(fold.test.from === w.from ? fold.test : fold.train);
      }
    }
  });
});

function refs(series: readonly BarSeries[]) {
  return series.map((s) => ({ path: s.symbol, symbol: s.symbol, assetClass: s.assetClass, sha256: '' }));
}
