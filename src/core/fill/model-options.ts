import type { ExchangeCalendar } from '../calendar/index.js';
import type { AssetClass } from '../types.js';
import type { FillTape } from './tape.js';

// FillModel's options and the slots `evaluate` writes, apart from the model itself.

export interface FillModelOptions {
  /** The exchange calendar: a stock trades only in its regular sessions. */
  calendar: ExchangeCalendar;
  /** Asset class per symbol index (the index every other call uses). */
  assetClasses: readonly AssetClass[];
  /** EWMA half-life of the per-bar variance, in bars. Default: crypto 48, stock 26 (about 4 sessions). */
  halfLifeBars?: Partial<Record<AssetClass, number>>;
  /** EWMA half-life of the opening-gap variance, in session opens. Default 20. */
  gapHalfLife?: number;
  /** Bars a symbol needs before it has a volatility (stocks also need one session open). Default 20. */
  minBars?: number;
  /** Tradable time beyond this is not counted: a fill chance over weeks says little. Default 48 h. */
  maxHorizonMs?: number;
  /** The horizon over which past origins are scored for calibration. Default 24 h. */
  calibrationHorizonMs?: number;
  /** Pseudo-trials pulling each calibration point toward the raw model. Default 50. */
  calibrationPriorWeight?: number;
  /** Most origins one symbol may have waiting for their horizon (new ones are skipped while full). Default 512. */
  maxPendingOrigins?: number;
  /** Record what the bars do to the model on this tape, or replay it when it is complete (see FillTape). */
  tape?: FillTape;
}

/** What `evaluate` writes, by slot. */
export const FILL_P = 0;
export const FILL_P_NEXT_BAR = 1;
export const FILL_SIGMA_HOUR = 2;
export const FILL_SLOTS = 3;
