import type { CandidateTable } from './decision.js';
import { DISTANCE_EPSILON } from './distance.js';

/**
 * Victim ranking (DESIGN §2): distance descending; distances within 1e-9 tie, then forecast PnL ascending,
 * then older first, then order id. Negative when `i` goes before `j`.
 */
export function compareVictims(t: CandidateTable, i: number, j: number): number {
  const dd = t.distance[j]! - t.distance[i]!;
  if (dd > DISTANCE_EPSILON || dd < -DISTANCE_EPSILON) return dd;
  const dp = t.forecastPnl[i]! - t.forecastPnl[j]!;
  if (dp !== 0) return dp;
  const da = t.placedAt[i]! - t.placedAt[j]!;
  if (da !== 0) return da;
  const a = t.ids[i]!;
  const b = t.ids[j]!;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Indices of eligible candidates in ranking order. */
export function rankEligible(t: CandidateTable): number[] {
  const idx: number[] = [];
  for (let i = 0; i < t.reason.length; i++) if (t.reason[i] === 0) idx.push(i);
  return idx.sort((i, j) => compareVictims(t, i, j));
}

export interface VictimSelection {
  victims: number[];
  freed: number;
  eligibleMargin: number;
}

/**
 * Take victims in rank order until their margin covers `need`. Usually one or two victims suffice, so this
 * scans for the next best instead of sorting every candidate: O(k·n) with k victims.
 * When all eligible margin together is short, nothing is chosen (the caller blocks).
 */
export function selectVictims(t: CandidateTable, need: number): VictimSelection {
  let eligibleMargin = 0;
  for (let i = 0; i < t.reason.length; i++) if (t.reason[i] === 0) eligibleMargin += t.margin[i]!;
  if (eligibleMargin + 1e-9 < need) return { victims: [], freed: 0, eligibleMargin };
  const taken = new Uint8Array(t.reason.length);
  const victims: number[] = [];
  let freed = 0;
  while (freed + 1e-9 < need) {
    let best = -1;
    for (let i = 0; i < t.reason.length; i++) {
      if (t.reason[i] !== 0 || taken[i] === 1) continue;
      if (best < 0 || compareVictims(t, i, best) < 0) best = i;
    }
    if (best < 0) break;
    taken[best] = 1;
    victims.push(best);
    freed += t.margin[best]!;
  }
  return { victims, freed, eligibleMargin };
}
