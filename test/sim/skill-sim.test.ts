import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limitHours, limitWorksInBar, nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { printSummary } from '../../src/cli/commands/simulate.js';
import { roundLimit } from '../../src/session/sizing.js';
import { simulate, type SimOutput } from '../../src/sim/engine.js';
import { limitFillPrice, tradesInBar } from '../../src/sim/fill-rules.js';
import { renderReport } from '../../src/sim/report/html.js';
import { runSimulation } from '../../src/sim/run.js';
import { SimState } from '../../src/sim/sim-state.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { applySignalSkill, isSkilled, skillDraw } from '../../src/sim/signals/skill.js';
import { CRYPTO_FILES, STOCK_FILES, loadReal } from '../support/marketdata.js';

/** Three cryptos and two stocks (AAPL's file has pre- and after-market bars), two months of 2023. */
const FILES = [...CRYPTO_FILES.slice(1, 4), STOCK_FILES[0]!, STOCK_FILES[3]!];
const FROM = Date.parse('2023-03-01T00:00:00Z');
const TO = Date.parse('2023-05-01T00:00:00Z');
const calendar = nyseCalendar();

const configWith = (values: Record<string, unknown> = {}, research: Record<string, unknown> = {}) =>
  resolveConfig({
    layers: [{ source: 'test', values: { ...values, sim: { ...(values.sim ?? {}), research } } }],
  }).config;

/** Everything a simulation did: every decision, steal, trade, daily equity row and counter. */
function fingerprint(out: SimOutput): string {
  const all = JSON.stringify([
    out.decisions,
    out.steals,
    out.trades,
    out.equity,
    out.counters,
    out.finalEquity,
  ]);
  return createHash('sha256').update(all).digest('hex');
}

describe('signals of controlled skill in the simulator (real bars)', () => {
  it('k = 0 is the simulation without skill: the same signal columns, the same fingerprint', async () => {
    const series = (await loadReal(FILES)).map((l) => l.series);
    const input = (config: ReturnType<typeof configWith>) => ({
      series,
      config,
      calendar,
      from: FROM,
      to: TO,
    });
    const st = new SimState(input(configWith()));
    const columns = st.watchers.map((w) => w.forecast);
    applySignalSkill(st);
    st.watchers.forEach((w, k) => expect(w.forecast).toBe(columns[k]));

    // A share above 0 but below every signal's draw chooses none: the skill path runs and must change nothing.
    let least = 1;
    for (const w of st.watchers) {
      for (let i = st.timeline.firstBar[w.index]!; i < st.timeline.lastBar[w.index]!; i++)
        least = Math.min(least, skillDraw(w.symbol, w.closeTimes[i]!, 1));
    }
    expect(least).toBeGreaterThan(0);
    const none = fingerprint(simulate(input(configWith())));
    expect(fingerprint(simulate(input(configWith({}, { signalSkill: 0 }))))).toBe(none);
    expect(fingerprint(simulate(input(configWith({}, { signalSkill: least / 2 }))))).toBe(none);
    // ...and a real share does change it (so the comparison above can fail).
    expect(fingerprint(simulate(input(configWith({}, { signalSkill: 0.5 }))))).not.toBe(none);
  });

  it('a skilled buy’s entry is reached within its validity on the bars, under either fill rule; the rest are unchanged', async () => {
    const series = (await loadReal(FILES)).map((l) => l.series);
    fc.assert(
      fc.property(
        fc.constantFrom(0.1, 0.3, 0.6, 1),
        fc.constantFrom('touch' as const, 'through' as const),
        fc.constantFrom(1, 5, 25),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        (k, fillRule, fillThroughBps, seed, extendedHours) => {
          const config = configWith(
            { extendedHours, sim: { fillRule, fillThroughBps } },
            { signalSkill: k, signalSkillSeed: seed },
          );
          const st = new SimState({ series, config, calendar, from: FROM, to: TO });
          const original = st.watchers.map((w) => w.forecast!);
          applySignalSkill(st);
          const through = fillRule === 'through' ? fillThroughBps / 10_000 : 0;
          let skilled = 0;
          for (const w of st.watchers) {
            const before = original[w.index]!;
            const after = w.forecast!;
            const s = w.s;
            const end = st.timeline.lastBar[w.index]!;
            for (let i = st.timeline.firstBar[w.index]!; i < end; i++) {
              if (!Number.isFinite(before.entry[i]!)) continue;
              const placedAt = w.closeTimes[i]!;
              if (!isSkilled(w.symbol, placedAt, k, seed)) {
                expect(after.entry[i]).toBe(before.entry[i]);
                expect(after.takeProfit[i]).toBe(before.takeProfit[i]);
                continue;
              }
              // The validity as the simulator keeps it: bars after the signal's that open before validUntil;
              // only bars that open after placement and can trade can fill.
              const length = Number.isNaN(w.barLengths[i]!) ? placedAt - s.time[i]! : w.barLengths[i]!;
              const validUntil = placedAt + config.sim.forecaster.validBars * length;
              const limit = roundLimit(w.assetClass, 'buy', after.entry[i]!);
              // Only the bars the order works in, by the session it was placed in (limitHours).
              const hours = limitHours(w.assetClass, placedAt, calendar, extendedHours);
              let tradable = false;
              let reached = false;
              for (let j = i + 1; j < end; j++) {
                if (s.time[j]! >= validUntil) break;
                if (s.time[j]! >= placedAt && limitWorksInBar(hours, s.time[j]!, calendar)) {
                  tradable = true;
                  const px = limitFillPrice('buy', limit, s.open[j]!, s.high[j]!, s.low[j]!, through);
                  reached ||= !Number.isNaN(px);
                }
              }
              if (!tradable) continue;
              skilled++;
              expect(reached, `${w.symbol} signal at ${new Date(placedAt).toISOString()}`).toBe(true);
              expect(after.entry[i]).toBe(limit);
              // The exit stays beyond the entry by at least the forecaster's minimum edge.
              expect(after.takeProfit[i]! / after.entry[i]! - 1).toBeGreaterThanOrEqual(
                config.sim.forecaster.minEdgePct * (1 - 1e-9),
              );
            }
          }
          expect(skilled).toBeGreaterThan(0);
        },
      ),
      { seed: 7, numRuns: 8 },
    );
  });

  it('a signal’s skilled version does not depend on k: the signals skilled at k are those of k = 1', async () => {
    const series = (await loadReal(FILES)).map((l) => l.series);
    const columnsAt = (k: number) => {
      const st = new SimState({
        series,
        config: configWith({}, { signalSkill: k }),
        calendar,
        from: FROM,
        to: TO,
      });
      applySignalSkill(st);
      return st.watchers.map((w) => ({ w, cols: w.forecast!, first: st.timeline.firstBar[w.index]! }));
    };
    const full = columnsAt(1);
    for (const k of [0.2, 0.7]) {
      columnsAt(k).forEach(({ w, cols, first }, n) => {
        for (let i = first; i < cols.entry.length; i++) {
          if (isSkilled(w.symbol, w.closeTimes[i]!, k, 1) && Number.isFinite(cols.entry[i]!))
            expect(cols.entry[i]).toBe(full[n]!.cols.entry[i]);
        }
      });
    }
  });

  it('skills signals from a CSV too, buys and sells: each skilled one is reached before it expires', async () => {
    const series = (await loadReal(FILES)).map((l) => l.series);
    const signals: ExternalSignal[] = [];
    for (const s of series) {
      for (let i = 0; i < s.time.length; i += 7) {
        const t = s.time[i]!;
        if (t < FROM || t > TO) continue;
        const sell = i % 2 === 1;
        const c = s.close[i]!;
        signals.push({
          time: t + 1_800_000,
          symbol: s.symbol,
          side: sell ? 'sell' : 'buy',
          entry: c * (sell ? 1.01 : 0.99),
          takeProfit: c * (sell ? 0.98 : 1.02),
          expectedPnl: 10,
          validUntil: t + 12 * 3_600_000,
        });
      }
    }
    const config = configWith({ sim: { fillRule: 'through' } }, { signalSkill: 0.5, signalSkillSeed: 3 });
    const through = config.sim.fillThroughBps / 10_000;
    const st = new SimState({ series, config, calendar, signals, from: FROM, to: TO });
    const before = st.watchers.map((w) => w.external);
    applySignalSkill(st);
    let skilled = 0;
    for (const w of st.watchers) {
      w.external.forEach((sig, n) => {
        const orig = before[w.index]![n]!;
        if (!isSkilled(sig.symbol, sig.time, 0.5, 3)) return expect(sig).toBe(orig);
        if (sig === orig) return; // nothing tradable before it expired (or past the data)
        skilled++;
        const limit = roundLimit(w.assetClass, sig.side, sig.entry);
        const s = w.s;
        let m = 0;
        while (w.closeTimes[m]! < sig.time) m++;
        let reached = false;
        for (let j = m + 1; j < s.time.length; j++) {
          if (s.time[j]! >= w.closeTimes[m]! && tradesInBar(w.assetClass, s.time[j]!, calendar, false))
            reached ||= !Number.isNaN(
              limitFillPrice(sig.side, limit, s.open[j]!, s.high[j]!, s.low[j]!, through),
            );
          if (w.closeTimes[j]! >= sig.validUntil) break;
        }
        expect(reached, `${sig.symbol} ${sig.side} at ${new Date(sig.time).toISOString()}`).toBe(true);
        expect(sig.side === 'buy' ? sig.takeProfit > sig.entry : sig.takeProfit < sig.entry).toBe(true);
      });
    }
    expect(skilled).toBeGreaterThan(100);
  });

  it('says "research: look-ahead signals" in the JSON, the summary and the HTML report, and only then', async () => {
    const loaded = await loadReal(FILES.slice(0, 2));
    const run = (signalSkill: number) =>
      runSimulation({ loaded, config: configWith({}, { signalSkill }), calendar, from: FROM, to: TO }).result;
    const text = (r: ReturnType<typeof run>, quiet: boolean): string => {
      let s = '';
      printSummary(r, quiet, { write: (chunk: string) => ((s += chunk), true) } as NodeJS.WritableStream);
      return s;
    };
    const skilled = run(0.5);
    expect(skilled.research).toEqual({
      lookAheadSignals: true,
      signalSkill: 0.5,
      signalSkillSeed: 1,
      label: 'research: look-ahead signals, skill k=0.5 (seed 1)',
    });
    expect(Object.keys(JSON.parse(JSON.stringify(skilled)))[0]).toBe('research');
    expect(text(skilled, false)).toContain('RESEARCH: LOOK-AHEAD SIGNALS, SKILL K=0.5');
    expect(text(skilled, true)).toContain('[research: look-ahead signals, skill k=0.5 (seed 1)]');
    const html = renderReport({ result: skilled, series: loaded.map((l) => l.series) });
    expect(html).toContain('RESEARCH: LOOK-AHEAD SIGNALS, SKILL K=0.5');

    const plain = run(0);
    expect(plain.research).toBeUndefined();
    expect(text(plain, false)).not.toMatch(/research/i);
    expect(text(plain, true)).not.toMatch(/research/i);
    expect(renderReport({ result: plain, series: loaded.map((l) => l.series) })).not.toMatch(/look-ahead/i);
  });
});
