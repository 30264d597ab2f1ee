import type { TradeRecord } from './portfolio.js';
import type { DecisionRow } from './sim-types.js';

/** One band of placement fill chance and what the fills placed in it earned. */
export interface FillReturnsBand {
  /** The lowest and highest fill chance the band's entries were placed with. */
  fromProbability: number;
  toProbability: number;
  trades: number;
  /** Mean of pnl (after fees) over entry notional: the quantity the value rankings' `e` estimates. */
  meanNetReturn: number;
  /** Standard error of that mean (sample standard deviation over √trades); NaN for a single trade. */
  standardError: number;
}

/**
 * The realised net return per fill of a run's closed trades, by the fill chance their entry order was placed
 * with (equal-count bands, lowest chance first). The value rankings use one `e` per symbol whatever an order's
 * fill chance; this is the evidence on whether what a fill earns depends on it (README, value-aware stealing).
 */
export interface SimFillReturns {
  /** Closed trades whose entry was placed by a decision that valued its fill chance. */
  trades: number;
  bands: FillReturnsBand[];
}

/**
 * Join each trade to the decision that placed its entry (by order id; a place or a steal that valued the
 * request) and cut the joined trades into `bandCount` equal-count bands of that fill chance. A trade whose
 * entry was placed without a known fill chance, or with no entry notional, is left out.
 */
export function simFillReturns(
  decisions: readonly DecisionRow[],
  trades: readonly TradeRecord[],
  bandCount = 5,
): SimFillReturns {
  const placedWith = new Map<string, number>();
  for (const d of decisions) {
    const p = d.value?.request?.fillProbability;
    if (d.orderId !== null && typeof p === 'number' && Number.isFinite(p)) placedWith.set(d.orderId, p);
  }
  const joined: { p: number; r: number }[] = [];
  for (const t of trades) {
    const p = placedWith.get(t.entryOrderId);
    const notional = t.qty * t.entryPrice;
    if (p === undefined || !(notional > 0) || !Number.isFinite(t.pnl)) continue;
    joined.push({ p, r: t.pnl / notional });
  }
  // Ties in chance keep the trades' order: the cut is the same on every run of the same data.
  joined.sort((a, b) => a.p - b.p);
  const bands: FillReturnsBand[] = [];
  const n = joined.length;
  const count = Math.min(bandCount, n);
  for (let b = 0; b < count; b++) {
    const band = joined.slice(Math.floor((b * n) / count), Math.floor(((b + 1) * n) / count));
    bands.push(bandOf(band));
  }
  return { trades: n, bands };
}

function bandOf(band: readonly { p: number; r: number }[]): FillReturnsBand {
  const k = band.length;
  let sum = 0;
  for (const x of band) sum += x.r;
  const mean = sum / k;
  let squares = 0;
  for (const x of band) squares += (x.r - mean) ** 2;
  return {
    fromProbability: band[0]!.p,
    toProbability: band[k - 1]!.p,
    trades: k,
    meanNetReturn: mean,
    standardError: k > 1 ? Math.sqrt(squares / (k - 1)) / Math.sqrt(k) : Number.NaN,
  };
}
