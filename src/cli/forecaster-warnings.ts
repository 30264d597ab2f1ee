import type { ForecasterConfig } from '../core/config/schema.js';
import type { BarSeries } from '../marketdata/index.js';
import { isoUtc } from '../marketdata/timeparse.js';
import { firstSignalBar } from '../sim/signals/forecaster.js';

/**
 * The symbols the built-in forecaster can give no signal for before the run ends: it needs
 * `horizonBars + max(10, lookbackBars / 2)` bars of history first (firstSignalBar), so a short file, or a
 * run that ends soon after the data starts, trades nothing in them. Said, since a summary of nothing reads
 * like a result. `to`: the run's end (exclusive; the data's end when undefined).
 */
export function forecasterWarmUpWarnings(
  series: readonly Pick<BarSeries, 'symbol' | 'time' | 'intervalMs'>[],
  cfg: ForecasterConfig,
  to: number | undefined,
): string[] {
  const bar = firstSignalBar(cfg);
  const need = bar + 1;
  const out: string[] = [];
  for (const s of series) {
    const n = s.time.length;
    if (n === 0) continue;
    const end = Math.min(to ?? Number.POSITIVE_INFINITY, s.time[n - 1]! + s.intervalMs);
    const firstSignal = bar < n ? s.time[bar]! + s.intervalMs : Number.POSITIVE_INFINITY;
    // A signal at the run's last close comes too late to trade: the first one must close before the end.
    if (firstSignal < end) continue;
    const held =
      bar < n ? `bar ${need} of it closes ${isoUtc(firstSignal)}, at or after the run's end` : `it has ${n}`;
    out.push(
      `warning: ${s.symbol}: the built-in forecaster gives no signal before ${need} bars of history ` +
        `(sim.forecaster.horizonBars ${cfg.horizonBars} + max(10, lookbackBars ${cfg.lookbackBars} / 2)) and ${held}, ` +
        `so ${s.symbol} cannot trade in this run; give more history before the range (or a later --to), ` +
        `shorter sim.forecaster.lookbackBars, or --signals`,
    );
  }
  return out;
}
