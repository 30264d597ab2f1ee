/**
 * Research (not shipped): the arithmetic of scripts/steal-decomposition.ts. One simulation's trades, orders,
 * steals and requests grouped by the forecaster signal they came from, and the difference in PnL between a
 * run with stealing on and one with it off split by what happened to each signal in each run.
 *
 * A signal is a watcher's entry opportunity: its symbol and its validity's end (`symbol|validUntil`). The end
 * is the signal's creation plus a fixed number of bars, so the same signal has the same key in both runs,
 * while order ids (`s<N>`) are a counter that diverges after the first different decision. Decision rows
 * carry the same validity (the symbol's current signal, SimState.requestValidUntil), so a request that was
 * never placed is still tied to its signal.
 */
import type { SimOutput } from '../src/sim/engine.js';

/** What one run did with each signal. */
export interface RunRecord {
  /** Net PnL of each signal's trades (after fees: TradeRecord.pnl, partial exits summed). */
  pnlBySignal: Map<string, number>;
  /** When each placed signal was taken up (its watcher's step), from the run that placed it. */
  createdAt: Map<string, number>;
  /** Signals with an order placed by a steal. */
  stealers: Set<string>;
  /** Signals with an order cancelled by a steal. */
  victims: Set<string>;
  /** Signals with an order placed (by any decision). */
  placed: Set<string>;
  /** The last decision on each signal's requests, action and reason (`block:insufficient-capacity`). */
  lastDecision: Map<string, string>;
  /** Per symbol, the spans [entryTime, exitTime) its positions were held, and the signal of each. */
  held: Map<string, { from: number; to: number; signal: string }[]>;
  /**
   * Per symbol, the spans its signals were held: from when each was first asked for (or taken up, for a placed
   * one) to its validity's end. A watcher takes no new signal while it holds one.
   */
  signals: Map<string, { from: number; to: number; signal: string }[]>;
  interest: number;
  /** The run's trades by whether a steal placed their entry: count, PnL, entry notional, time stops. */
  tradesBy: Record<'stealer' | 'other', TradeTally>;
  /** Fees paid (already inside each trade's PnL), and the number of trade rows. */
  fees: number;
  trades: number;
  /** Final equity less initial equity. */
  pnl: number;
}

export interface TradeTally {
  trades: number;
  pnl: number;
  notional: number;
  timeStops: number;
}

const emptyTally = (): TradeTally => ({ trades: 0, pnl: 0, notional: 0, timeStops: 0 });

export const signalKey = (symbol: string, validUntil: number): string => `${symbol}|${validUntil}`;

/** Watches a simulation's placements (SimInput.onEntryPlaced) so that its output can be read by signal. */
export class SignalLog {
  readonly orderSignal = new Map<string, string>();
  readonly createdAt = new Map<string, number>();

  /** The hook to give SimInput.onEntryPlaced. */
  readonly onEntryPlaced = (
    orderId: string,
    w: { symbol: string; signal: { validUntil: number; createdAt: number } | null },
  ): void => {
    const sig = w.signal;
    if (!sig) throw new Error(`order ${orderId} of ${w.symbol} was placed without a signal`);
    const key = signalKey(w.symbol, sig.validUntil);
    const known = this.createdAt.get(key);
    // Two signals of one symbol with the same validity would make the key ambiguous: refuse, never merge.
    if (known !== undefined && known !== sig.createdAt)
      throw new Error(`signal key ${key} names signals created at ${known} and ${sig.createdAt}`);
    this.createdAt.set(key, sig.createdAt);
    this.orderSignal.set(orderId, key);
  };

  /** The run's record, read from its output (records kept, waits included: SimInput.keepWaits). */
  record(
    out: Pick<
      SimOutput,
      'trades' | 'steals' | 'decisions' | 'interestPaid' | 'feesPaid' | 'finalEquity' | 'initialEquity'
    >,
  ): RunRecord {
    const signalOf = (orderId: string): string => {
      const key = this.orderSignal.get(orderId);
      if (key === undefined) throw new Error(`order ${orderId} was never seen placed`);
      return key;
    };
    const pnlBySignal = new Map<string, number>();
    const held = new Map<string, { from: number; to: number; signal: string }[]>();
    for (const t of out.trades) {
      const key = signalOf(t.entryOrderId);
      pnlBySignal.set(key, (pnlBySignal.get(key) ?? 0) + t.pnl);
      let spans = held.get(t.symbol);
      if (!spans) held.set(t.symbol, (spans = []));
      spans.push({ from: t.entryTime, to: t.exitTime, signal: key });
    }
    const stealers = new Set<string>();
    const victims = new Set<string>();
    for (const s of out.steals) {
      if (s.thiefOrderId !== null) stealers.add(signalOf(s.thiefOrderId));
      for (const v of s.victims) victims.add(signalOf(v.orderId));
    }
    const stealerOrders = new Set(out.steals.map((s) => s.thiefOrderId));
    const tradesBy = { stealer: emptyTally(), other: emptyTally() };
    for (const t of out.trades) {
      const tally = tradesBy[stealerOrders.has(t.entryOrderId) ? 'stealer' : 'other'];
      tally.trades++;
      tally.pnl += t.pnl;
      tally.notional += t.qty * t.entryPrice;
      if (t.exitReason === 'time-stop') tally.timeStops++;
    }
    const lastDecision = new Map<string, string>();
    const firstAsked = new Map<string, { symbol: string; from: number; to: number }>();
    for (const d of out.decisions) {
      if (d.validUntil === null || Number.isNaN(d.validUntil)) continue;
      const key = signalKey(d.symbol, d.validUntil);
      lastDecision.set(key, `${d.action}:${d.reason}`);
      if (!firstAsked.has(key)) firstAsked.set(key, { symbol: d.symbol, from: d.time, to: d.validUntil });
    }
    const signals = new Map<string, { from: number; to: number; signal: string }[]>();
    for (const [key, span] of firstAsked) {
      let spans = signals.get(span.symbol);
      if (!spans) signals.set(span.symbol, (spans = []));
      spans.push({ from: this.createdAt.get(key) ?? span.from, to: span.to, signal: key });
    }
    return {
      pnlBySignal,
      createdAt: new Map(this.createdAt),
      stealers,
      victims,
      placed: new Set(this.orderSignal.values()),
      lastDecision,
      held,
      signals,
      interest: out.interestPaid,
      tradesBy,
      fees: out.feesPaid,
      trades: out.trades.length,
      pnl: out.finalEquity - out.initialEquity,
    };
  }
}

/** Where a signal traded: in both runs, only with stealing on, or only with it off. */
export type Traded = 'both' | 'on only' | 'off only';
/** The signal's part in the run with stealing on. */
export type OnRole = 'stealer' | 'victim' | 'other';
/** Why a signal traded in one run did not trade in the other. */
export type Missing =
  | 'stolen there'
  | 'placed, not filled'
  | 'asked, never placed'
  | "symbol held a stealer's position"
  | 'symbol held a position'
  | 'held another signal, traded'
  | 'held another signal, stolen'
  | 'held another signal, not filled'
  | 'held another signal, never placed'
  | 'never asked';

export interface Part {
  traded: Traded;
  role: OnRole;
  /** For a signal traded in one run only: what became of it in the other; null for 'both'. */
  missing: Missing | null;
  signals: number;
  /** Its share of PnL(on) − PnL(off). */
  pnl: number;
}

export interface Decomposition {
  parts: Part[];
  /** −(interest with stealing on − interest with it off): margin interest is charged to the book, no trade. */
  interest: number;
  /** PnL(on) − PnL(off), from the two runs' equity. */
  total: number;
  /**
   * The signals traded in one run only that the other asked for and never placed, by that run's last decision
   * on them (`action:reason`), their count and their share of the difference.
   */
  neverPlaced: Map<string, { signals: number; pnl: number }>;
  /** total less the sum of the parts and the interest: zero up to rounding when every trade was assigned. */
  residual: number;
}

function roleOn(on: RunRecord, key: string): OnRole {
  if (on.stealers.has(key)) return 'stealer';
  if (on.victims.has(key)) return 'victim';
  return 'other';
}

/** The signal of the span of `spans` covering t (from ≤ t < to), if any. */
function coveringAt(spans: readonly { from: number; to: number; signal: string }[] | undefined, t: number) {
  return (spans ?? []).find((s) => s.from <= t && t < s.to)?.signal;
}

/** What became, in `other`, of a signal that traded in `traded` (it did not trade in `other`). */
function missingIn(other: RunRecord, traded: RunRecord, key: string): Missing {
  if (other.victims.has(key)) return 'stolen there';
  if (other.placed.has(key)) return 'placed, not filled';
  if (other.lastDecision.has(key)) return 'asked, never placed';
  const symbol = key.slice(0, key.lastIndexOf('|'));
  const created = traded.createdAt.get(key);
  if (created === undefined) return 'never asked';
  const position = coveringAt(other.held.get(symbol), created);
  if (position !== undefined)
    return other.stealers.has(position) ? "symbol held a stealer's position" : 'symbol held a position';
  const held = coveringAt(other.signals.get(symbol), created);
  if (held === undefined) return 'never asked';
  // The symbol's watcher was on another signal (taken up at another bar): what became of that one there.
  if (other.pnlBySignal.has(held)) return 'held another signal, traded';
  if (other.victims.has(held)) return 'held another signal, stolen';
  if (other.placed.has(held)) return 'held another signal, not filled';
  return 'held another signal, never placed';
}

const ROLES: OnRole[] = ['stealer', 'victim', 'other'];
const MISSING: Missing[] = [
  'stolen there',
  'placed, not filled',
  'asked, never placed',
  "symbol held a stealer's position",
  'symbol held a position',
  'held another signal, traded',
  'held another signal, stolen',
  'held another signal, not filled',
  'held another signal, never placed',
  'never asked',
];

/** Every part in a fixed order (empty ones included), so that windows and sets line up row by row. */
export function partLabels(): Pick<Part, 'traded' | 'role' | 'missing'>[] {
  const out: Pick<Part, 'traded' | 'role' | 'missing'>[] = [];
  for (const role of ROLES) out.push({ traded: 'both', role, missing: null });
  for (const traded of ['on only', 'off only'] as const)
    for (const role of ROLES) for (const missing of MISSING) out.push({ traded, role, missing });
  return out;
}

export const partName = (p: Pick<Part, 'traded' | 'role' | 'missing'>): string =>
  `${p.traded} | ${p.role}${p.missing === null ? '' : ` | ${p.missing}`}`;

/** The groups that are a steal's own account; every other group is a knock-on of the steals. */
export const OWN_ACCOUNT: readonly Group[] = ['stealer signals', 'victim signals'];

/** The groups of the summary: a steal's own account (its stealer, its victims) and the knock-on rest. */
export const GROUPS = [
  'stealer signals',
  'victim signals',
  'others: traded in both',
  'others: placed, not filled',
  'others: asked, never placed',
  "others: symbol held a stealer's position",
  'others: symbol held a position',
  'others: held another signal, traded',
  'others: held another signal, stolen',
  'others: held another signal, not filled',
  'others: held another signal, never placed',
  'others: never asked',
] as const;
export type Group = (typeof GROUPS)[number];

export function groupOf(p: Pick<Part, 'traded' | 'role' | 'missing'>): Group {
  if (p.role === 'stealer') return 'stealer signals';
  if (p.role === 'victim') return 'victim signals';
  if (p.missing === null) return 'others: traded in both';
  // Stolen there makes a signal a victim (roleOn): no signal of role 'other' has this; the label exists.
  if (p.missing === 'stolen there') return 'victim signals';
  return `others: ${p.missing}`;
}

/** PnL(on) − PnL(off), signal by signal: each part the signals of one kind, plus the interest. */
export function decompose(on: RunRecord, off: RunRecord): Decomposition {
  const parts = new Map(partLabels().map((p) => [partName(p), { ...p, signals: 0, pnl: 0 }]));
  const neverPlaced = new Map<string, { signals: number; pnl: number }>();
  const add = (
    p: Pick<Part, 'traded' | 'role' | 'missing'>,
    pnl: number,
    other?: RunRecord,
    key?: string,
  ): void => {
    const part = parts.get(partName(p))!;
    part.signals++;
    part.pnl += pnl;
    if (p.missing !== 'asked, never placed') return;
    const reason = `${p.traded === 'on only' ? 'off' : 'on'}: ${other!.lastDecision.get(key!)!}`;
    const tally = neverPlaced.get(reason) ?? { signals: 0, pnl: 0 };
    tally.signals++;
    tally.pnl += pnl;
    neverPlaced.set(reason, tally);
  };
  for (const [key, pnlOn] of on.pnlBySignal) {
    const role = roleOn(on, key);
    const pnlOff = off.pnlBySignal.get(key);
    if (pnlOff !== undefined) add({ traded: 'both', role, missing: null }, pnlOn - pnlOff);
    else add({ traded: 'on only', role, missing: missingIn(off, on, key) }, pnlOn, off, key);
  }
  for (const [key, pnlOff] of off.pnlBySignal) {
    if (on.pnlBySignal.has(key)) continue;
    add({ traded: 'off only', role: roleOn(on, key), missing: missingIn(on, off, key) }, -pnlOff, on, key);
  }
  const list = [...parts.values()];
  const interest = -(on.interest - off.interest);
  const total = on.pnl - off.pnl;
  const summed = list.reduce((a, p) => a + p.pnl, 0) + interest;
  return { parts: list, interest, total, neverPlaced, residual: total - summed };
}
