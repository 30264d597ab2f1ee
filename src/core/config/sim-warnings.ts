import { DEFAULT_CONFIG } from './presets.js';
import type { WorkstealConfig } from './schema.js';
import type { ConfigWarning } from './config-warning.js';

/**
 * A fee above this is almost certainly a unit mistake: venues charge a few tens of bps at most (Alpaca crypto
 * 15 maker / 25 taker, stocks 0). Legal, so a warning: the schema sets no upper bound.
 */
export const FEE_WARN_BPS = 100;

/** Soft problems of the simulated venue and the built-in forecaster (see configWarnings). */
export function simWarnings(c: WorkstealConfig): ConfigWarning[] {
  return [...feeWarnings(c), ...forecasterWarnings(c)];
}

function feeWarnings(c: WorkstealConfig): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const tooHigh = (key: string, bps: number): void => {
    if (bps <= FEE_WARN_BPS) return;
    out.push({
      keys: [key],
      message: `${key} ${bps} is ${+(bps / 100).toPrecision(6)}% of every fill's notional: fees are in basis points (1 bps = 0.01%; Alpaca charges crypto 15 maker / 25 taker); check the unit`,
    });
  };
  // A flat feesBps replaces the schedule (warned in configWarnings), so the schedule's values do nothing then.
  if (c.sim.feesBps !== null) {
    tooHigh('sim.feesBps', c.sim.feesBps);
    return out;
  }
  for (const cls of ['crypto', 'stock'] as const) {
    const { makerBps, takerBps } = c.sim.fees[cls];
    tooHigh(`sim.fees.${cls}.makerBps`, makerBps);
    tooHigh(`sim.fees.${cls}.takerBps`, takerBps);
    // An absurd fee is one mistake already named; maker above it says nothing more.
    if (makerBps > takerBps && takerBps <= FEE_WARN_BPS && makerBps <= FEE_WARN_BPS) {
      out.push({
        keys: [`sim.fees.${cls}.makerBps`, `sim.fees.${cls}.takerBps`],
        message: `sim.fees.${cls}.makerBps ${makerBps} is above takerBps ${takerBps}: venues charge an order that rests (maker: entries, take-profits) no more than one that takes the book (taker: stops, time stops, trims); check that the two are not swapped`,
      });
    }
  }
  return out;
}

/**
 * The forecaster's quantiles are over the last lookbackBars excursions, each measured over horizonBars bars
 * (src/sim/signals/forecaster.ts). Below one horizon they all overlap: one stretch of history, not a
 * distribution of past moves.
 */
function forecasterWarnings(c: WorkstealConfig): ConfigWarning[] {
  const { lookbackBars, horizonBars } = c.sim.forecaster;
  if (lookbackBars >= horizonBars) return [];
  const defaults = DEFAULT_CONFIG.sim.forecaster;
  return [
    {
      keys: ['sim.forecaster.lookbackBars', 'sim.forecaster.horizonBars'],
      message:
        `sim.forecaster.lookbackBars ${lookbackBars} is below horizonBars ${horizonBars}: the entry and take-profit quantiles come from ${lookbackBars} excursions ` +
        `whose ${horizonBars}-bar windows all overlap (${lookbackBars + horizonBars} bars of history together, less than one independent window), ` +
        `so they follow that one stretch rather than a distribution of past moves; give lookbackBars several horizons ` +
        `(${defaults.lookbackBars} against ${defaults.horizonBars} by default)`,
    },
  ];
}
