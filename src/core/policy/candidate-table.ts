import type { WorkstealConfig } from '../config/schema.js';
import type { EntryRequest, TimeMs } from '../types.js';
import { COPY_BY_VIEW, carveColumns } from './columns.js';
import { REASON_CODE, type CandidateTable } from './decision.js';
import { DISTANCE_EPSILON } from './distance.js';
import type { OrderColumns } from './order-columns.js';
import { ORDER_ENTRY, ORDER_OFF_LIMITS } from './order-flags.js';
import type { StealHistory } from './steal-history.js';

// Reason codes as plain constants for the candidate loop (the table of names is REASON_CODE; the reasons
// from an order's own facts are the columns', see OrderColumns.reason).
const ELIGIBLE = REASON_CODE.eligible;
const SAME_SYMBOL = REASON_CODE['same-symbol'];
const TOO_YOUNG = REASON_CODE['too-young'];
const COOLDOWN = REASON_CODE.cooldown;
const FIGHT_PNL = REASON_CODE['fight-pnl'];

/** Per-symbol marks of one candidate table (decide() is synchronous: one table at a time). */
const COOLING = 1;
const FIGHTING = 2;
const REQUESTER = 4;
let symbolMarks = new Uint8Array(64);

/** What a candidate table depends on beside the orders: the request, its time and the steal history. */
export interface CandidateContext {
  request: EntryRequest;
  now: TimeMs;
  history: StealHistory;
}

/**
 * A decision's candidate table (README "The rules in one table", protected): every open order with its
 * distance, margin and, when it may not be a victim, the first rule that says so; and how many of the orders
 * are ours to steal from at all (neither external, nor pending cancel, nor an exit, nor the requester's own
 * symbol). Reads the order columns only; decide() calls it once it knows it is short of margin and may steal.
 */
export function candidateTable(
  input: CandidateContext,
  columns: OrderColumns,
  config: Pick<WorkstealConfig, 'minOrderAgeSec' | 'protectionPct'>,
  reqCrypto: number,
  reqStock: number,
): { table: CandidateTable; ours: number } {
  const n = columns.length;
  const { request, now, history } = input;
  const minAgeMs = config.minOrderAgeSec * 1000;
  // What depends on the orders alone (distance, margin, the reasons from each order's own facts) the columns
  // keep as the orders change. A large table reads distance, margin and notional in place (lent, copied by
  // the columns only if they change while the table holds them); a small one copies them (cheaper than
  // three views). The reasons are copied: the rules of this request, time and history change them per row.
  columns.prepare(config.protectionPct + DISTANCE_EPSILON, reqStock, reqCrypto);
  let t: CandidateTable;
  if (n >= COPY_BY_VIEW) {
    const lent = columns.lend(n);
    const { buffer, offset } = carveColumns(n);
    t = {
      orders: columns.snapshot(),
      distance: lent.distance,
      margin: lent.margin,
      notional: lent.notional,
      reason: new Uint8Array(buffer, offset, n),
    };
  } else {
    const { buffer, offset } = carveColumns(n * 25);
    t = {
      orders: columns.snapshot(),
      distance: new Float64Array(buffer, offset, n),
      margin: new Float64Array(buffer, offset + n * 8, n),
      notional: new Float64Array(buffer, offset + n * 16, n),
      reason: new Uint8Array(buffer, offset + n * 24, n),
    };
    copyFloats(t.distance, columns.distance, n);
    copyFloats(t.margin, columns.margin, n);
    copyFloats(t.notional, columns.notional, n);
  }
  const why = t.reason;
  copyBytes(why, columns.reason, n);
  let ours = columns.ours;
  // The requester's symbol, and the cooling and fighting ones: a few symbols, marked by symbol index.
  const symbols = columns.symbolCount;
  if (symbolMarks.length < symbols) symbolMarks = new Uint8Array(symbols * 2);
  const marks = symbolMarks;
  for (let k = 0; k < symbols; k++) marks[k] = 0;
  for (const s of history.coolingSymbols(now)) {
    const k = columns.symbolId(s);
    if (k >= 0) marks[k]! |= COOLING;
  }
  for (const s of history.fightingPartners(request.symbol, now)) {
    const k = columns.symbolId(s);
    if (k >= 0) marks[k]! |= FIGHTING;
  }
  const requester = columns.symbolId(request.symbol);
  if (requester >= 0) marks[requester] = REQUESTER;
  // Rows of unmarked symbols keep the columns' reason unless some order may be too young.
  const ageMatters = now - columns.latestPlacedAt < minAgeMs;
  const requesterPnl = request.forecastPnl;
  const { flags, placedAt, forecastPnl, symbol } = columns;
  for (let i = 0; i < n; i++) {
    const mark = marks[symbol[i]!]!;
    if (mark === 0 && !ageMatters) continue;
    // External orders, pending cancels and exits keep their reason; the requester's own symbol comes next
    // (the order of the candidate reasons in README "The rules in one table").
    if ((flags[i]! & (ORDER_ENTRY | ORDER_OFF_LIMITS)) !== ORDER_ENTRY) continue;
    if (mark === REQUESTER) {
      why[i] = SAME_SYMBOL;
      ours--;
      continue;
    }
    if (why[i] !== ELIGIBLE) continue; // probe, no price, protected by distance
    if (now - placedAt[i]! < minAgeMs) why[i] = TOO_YOUNG;
    else if ((mark & COOLING) !== 0) why[i] = COOLDOWN;
    else if ((mark & FIGHTING) !== 0 && !(requesterPnl > forecastPnl[i]!)) why[i] = FIGHT_PNL;
  }
  return { table: t, ours };
}

/** The first `n` values of `from` into `to`. */
function copyFloats(to: Float64Array, from: Float64Array, n: number): void {
  if (n < COPY_BY_VIEW) for (let i = 0; i < n; i++) to[i] = from[i]!;
  else to.set(from.subarray(0, n));
}

/** The first `n` values of `from` into `to`. */
function copyBytes(to: Uint8Array, from: Uint8Array, n: number): void {
  if (n < COPY_BY_VIEW) for (let i = 0; i < n; i++) to[i] = from[i]!;
  else to.set(from.subarray(0, n));
}
