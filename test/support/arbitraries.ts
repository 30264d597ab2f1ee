/**
 * fast-check arbitraries for order books, entry requests and steal histories, plus small reference models
 * (margin, steal history) written from README "The rules in one table" independently of src, and a
 * coordinator harness over the in-memory broker. Everything here is deterministic given fast-check's seed.
 */
import fc from 'fast-check';
import { MemoryBroker, type MemoryBrokerFaults } from '../../src/brokers/memory.js';
import type { MarginTable, WorkstealConfig } from '../../src/core/config/schema.js';
import type { DecideInput } from '../../src/core/policy/decide.js';
import type { Decision } from '../../src/core/policy/decision.js';
import type {
  AssetClass,
  EntryRequest,
  OpenOrder,
  OrderRole,
  Position,
  Side,
  StealEvent,
  TimeMs,
} from '../../src/core/types.js';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import { MemoryJournal } from '../../src/coordinator/saga.js';
import { config, T0 } from './builders.js';

// ---------------------------------------------------------------------------------------------- symbols

export const CRYPTO_SYMBOLS: readonly string[] = ['BTCUSD', 'ETHUSD', 'SOLUSD', 'DOGEUSD'];
export const STOCK_SYMBOLS: readonly string[] = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMD'];
export const SYMBOLS: readonly string[] = [...CRYPTO_SYMBOLS, ...STOCK_SYMBOLS];

export const assetClassOf = (symbol: string): AssetClass =>
  CRYPTO_SYMBOLS.includes(symbol) ? 'crypto' : 'stock';

// ---------------------------------------------------------------------------------------------- seeded rng

/** mulberry32: a tiny seeded PRNG for shuffles and fault schedules inside a property run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with a seeded rng; returns a new array. */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const r = rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- reference margin

/** The requirement of an asset class right now, written again from README "The rules in one table". */
export function refRequirement(
  assetClass: AssetClass,
  equity: number,
  patternDayTrader: boolean,
  sessionOpen: boolean,
  table: MarginTable,
): number {
  if (assetClass === 'crypto') return table.crypto.requirement;
  if (equity < table.stock.marginMinEquity) return table.stock.smallAccount;
  if (sessionOpen && patternDayTrader && equity >= table.stock.pdtMinEquity) return table.stock.intradayPdt;
  return table.stock.overnight;
}

export interface MarginState {
  equity: number;
  patternDayTrader: boolean;
  sessionOpen: boolean;
}

/** Margin one order holds: entries `|limit × qty| × requirement`, every other role nothing. */
export function refOrderMargin(o: OpenOrder, s: MarginState, table: MarginTable): number {
  if (o.role !== 'entry') return 0;
  return (
    Math.abs(o.limitPrice * o.qty) *
    refRequirement(o.assetClass, s.equity, s.patternDayTrader, s.sessionOpen, table)
  );
}

export function refPositionMargin(p: Position, s: MarginState, table: MarginTable): number {
  return (
    Math.abs(p.qty * p.price) *
    refRequirement(p.assetClass, s.equity, s.patternDayTrader, s.sessionOpen, table)
  );
}

/** Used margin, summed positions first then orders (the order src sums in, so float results agree). */
export function refUsed(
  orders: readonly OpenOrder[],
  positions: readonly Position[],
  s: MarginState,
  table: MarginTable,
): number {
  let used = 0;
  for (const p of positions) used += refPositionMargin(p, s, table);
  for (const o of orders) used += refOrderMargin(o, s, table);
  return used;
}

// ---------------------------------------------------------------------------------------------- reference history

export type HistoryParams = Pick<
  WorkstealConfig,
  'cooldownSec' | 'fightThreshold' | 'fightWindowSec' | 'fightCooldownSec'
>;

const samePair = (e: StealEvent, a: string, b: string): boolean =>
  (e.thief === a && e.victim === b) || (e.thief === b && e.victim === a);

/**
 * The fight count of a steal history by brute force. `events` are in recorded order (ascending time, stable).
 * For event i, count = steals j recorded before it between the same pair with `0 ≤ t_i − t_j < window`.
 */
export function refClassify(
  events: readonly StealEvent[],
  cfg: HistoryParams,
): { fight: boolean; pairCount: number }[] {
  const w = cfg.fightWindowSec * 1000;
  return events.map((e, i) => {
    let count = 0;
    for (let j = 0; j < i; j++) {
      const f = events[j]!;
      const dt = e.at - f.at;
      if (samePair(f, e.thief, e.victim) && dt >= 0 && dt < w) count++;
    }
    return { fight: count >= cfg.fightThreshold, pairCount: count };
  });
}

/** count(now) for a pair: steals with `0 ≤ now − at < window`; later events are ignored. */
export function refPairCount(
  events: readonly StealEvent[],
  a: string,
  b: string,
  now: TimeMs,
  cfg: HistoryParams,
): number {
  const w = cfg.fightWindowSec * 1000;
  let count = 0;
  for (const e of events) {
    const dt = now - e.at;
    if (samePair(e, a, b) && dt >= 0 && dt < w) count++;
  }
  return count;
}

export function refFighting(
  events: readonly StealEvent[],
  a: string,
  b: string,
  now: TimeMs,
  cfg: HistoryParams,
): boolean {
  return refPairCount(events, a, b, now, cfg) >= cfg.fightThreshold;
}

/**
 * The latest end of a cooldown covering `symbol` at `now`, or null. After a steal at t the victim cools for
 * `cooldownSec`; after a fight steal both symbols cool for `fightCooldownSec` instead; cooling while
 * `now − t < duration`; events after now are ignored.
 */
export function refCoolingUntil(
  events: readonly StealEvent[],
  symbol: string,
  now: TimeMs,
  cfg: HistoryParams,
  classes: readonly { fight: boolean }[] = refClassify(events, cfg),
): TimeMs | null {
  let until: TimeMs | null = null;
  events.forEach((e, i) => {
    if (e.at > now) return;
    const fight = classes[i]!.fight;
    const involved = e.victim === symbol || (fight && e.thief === symbol);
    if (!involved) return;
    const duration = (fight ? cfg.fightCooldownSec : cfg.cooldownSec) * 1000;
    if (now - e.at < duration) until = Math.max(until ?? -Infinity, e.at + duration);
  });
  return until;
}

// ---------------------------------------------------------------------------------------------- books

/** Distances (fractions) orders are generated at: includes the default protection and tolerance edges. */
export const ORDER_DISTANCES: readonly number[] = [
  -0.002, 0, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0057, 0.0066, 0.01, 0.013, 0.02, 0.03, 0.047, 0.05,
  0.08, 0.1,
];
/** Request distances: mostly within the steal and entry tolerances, with their edges. */
export const REQUEST_DISTANCES: readonly number[] = [
  -0.001, 0, 0.001, 0.003, 0.005, 0.0057, 0.006, 0.0066, 0.01, 0.013, 0.02, 0.047, 0.06,
];
export const LIMIT_PRICES: readonly number[] = [2.5, 10, 40, 100, 250, 1000];
export const EQUITIES: readonly number[] = [1_500, 2_000, 10_000, 30_000, 100_000];

/** The reference price `d` away from the limit on `side` (buy: ask above the limit, sell: bid below). */
export function priceAt(side: Side, limitPrice: number, d: number): number {
  return side === 'buy' ? limitPrice * (1 + d) : limitPrice * (1 - d);
}

const chance = (percent: number): fc.Arbitrary<boolean> =>
  fc.integer({ min: 0, max: 99 }).map((x) => x < percent);

interface OrderDraft {
  symbol: string;
  side: Side;
  role: OrderRole;
  limitPrice: number;
  notionalFrac: number;
  distance: number | null;
  forecastPnl: number;
  ageSec: number;
  probe: boolean;
  external: boolean;
}

const roleArb: fc.Arbitrary<OrderRole> = fc.oneof(
  { arbitrary: fc.constant<OrderRole>('entry'), weight: 8 },
  { arbitrary: fc.constantFrom<OrderRole>('take-profit', 'stop', 'exit'), weight: 2 },
);

const orderDraftArb = (symbols: readonly string[]): fc.Arbitrary<OrderDraft> =>
  fc.record({
    symbol: fc.constantFrom(...symbols),
    side: fc.constantFrom<Side>('buy', 'sell'),
    role: roleArb,
    limitPrice: fc.constantFrom(...LIMIT_PRICES),
    notionalFrac: fc.constantFrom(0.05, 0.1, 0.15, 0.2, 0.3, 0.5),
    distance: fc.oneof(
      { arbitrary: fc.constantFrom(...ORDER_DISTANCES), weight: 9 },
      { arbitrary: fc.constant(null), weight: 1 },
    ),
    forecastPnl: fc.integer({ min: -3, max: 12 }),
    ageSec: fc.constantFrom(0, 30, 120, 299, 300, 600, 1800, 3600),
    probe: chance(8),
    external: chance(8),
  });

interface PositionDraft {
  symbol: string;
  long: boolean;
  notionalFrac: number;
  price: number;
}

const positionDraftArb = (symbols: readonly string[]): fc.Arbitrary<PositionDraft> =>
  fc.record({
    symbol: fc.constantFrom(...symbols),
    long: fc.boolean(),
    notionalFrac: fc.constantFrom(0.05, 0.1, 0.2, 0.4),
    price: fc.constantFrom(...LIMIT_PRICES),
  });

export interface Book extends MarginState {
  orders: OpenOrder[];
  positions: Position[];
}

/**
 * A book's part of a decide input: its session state, account, positions and orders, at T0. Any of them may
 * be given instead (another time, a session that changed, the orders as a ledger holds them).
 */
export function bookInput(
  book: Book,
  at: Partial<Pick<DecideInput, 'now' | 'sessionOpen' | 'orders'>> = {},
): Pick<DecideInput, 'now' | 'sessionOpen' | 'account' | 'positions' | 'orders'> {
  return {
    now: at.now ?? T0,
    sessionOpen: at.sessionOpen ?? book.sessionOpen,
    account: { equity: book.equity, patternDayTrader: book.patternDayTrader },
    positions: book.positions,
    orders: at.orders ?? book.orders,
  };
}

export interface BookOptions {
  minOrders?: number;
  maxOrders?: number;
  /** Symbols orders and positions are drawn from (default SYMBOLS). */
  symbols?: readonly string[];
  maxPositions?: number;
  /** Fixed session state; random when absent. */
  sessionOpen?: boolean;
  /** Keep only what fits under `E × (1 − fitBufferPct)` (greedy, in generation order); no fitting when absent. */
  fitBufferPct?: number;
  /** Break every tie: distances, PnLs and ages all differ by far more than 1e-9 between orders. */
  distinct?: boolean;
  /** The table margins are fitted under. */
  table?: MarginTable;
  now?: TimeMs;
}

/** Round a quantity to 4 decimals, never to zero. */
const qtyFor = (notional: number, price: number): number =>
  Math.max(0.0001, Math.round((notional / price) * 1e4) / 1e4);

/**
 * A random book: mixed crypto and stock, buy and sell, entries and exits, probes, external orders, orders
 * without a price, positions long and short. At most one entry order of ours per symbol and side (a new one
 * replaces it). Order ids are `o1`, `o2`, … (never the `m…` ids MemoryBroker gives new orders).
 */
export function bookArb(options: BookOptions = {}): fc.Arbitrary<Book> {
  const table = options.table ?? config().margin;
  const now = options.now ?? T0;
  const symbols = options.symbols ?? SYMBOLS;
  return fc
    .record({
      equity: fc.constantFrom(...EQUITIES),
      patternDayTrader: fc.boolean(),
      sessionOpen: options.sessionOpen === undefined ? fc.boolean() : fc.constant(options.sessionOpen),
      orders: fc.array(orderDraftArb(symbols), {
        minLength: options.minOrders ?? 0,
        maxLength: options.maxOrders ?? 12,
      }),
      positions: fc.array(positionDraftArb(symbols), { maxLength: options.maxPositions ?? 3 }),
    })
    .map(({ equity, patternDayTrader, sessionOpen, orders: drafts, positions: pdrafts }) => {
      const state: MarginState = { equity, patternDayTrader, sessionOpen };
      const cap = options.fitBufferPct === undefined ? Infinity : equity * (1 - options.fitBufferPct);
      let used = 0;
      const positions: Position[] = [];
      const seenPos = new Set<string>();
      for (const d of pdrafts) {
        if (seenPos.has(d.symbol)) continue;
        const qty = qtyFor(equity * d.notionalFrac, d.price) * (d.long ? 1 : -1);
        const p: Position = { symbol: d.symbol, assetClass: assetClassOf(d.symbol), qty, price: d.price };
        const m = refPositionMargin(p, state, table);
        if (used + m > cap) continue;
        used += m;
        seenPos.add(d.symbol);
        positions.push(p);
      }
      const orders: OpenOrder[] = [];
      const entryKeys = new Set<string>();
      drafts.forEach((d, i) => {
        const key = `${d.symbol}/${d.side}`;
        if (d.role === 'entry' && !d.external && entryKeys.has(key)) return;
        let distance = d.distance;
        let forecastPnl = d.forecastPnl;
        let ageMs = d.ageSec * 1000;
        if (options.distinct) {
          // Spread apart by far more than 1e-9, keeping the generated order of magnitude.
          if (distance !== null) distance += (i + 1) * 1.37e-5;
          forecastPnl += (i + 1) * 0.0137;
          ageMs += (i + 1) * 137;
        }
        const o: OpenOrder = {
          id: `o${i + 1}`,
          symbol: d.symbol,
          assetClass: assetClassOf(d.symbol),
          side: d.side,
          role: d.role,
          limitPrice: d.limitPrice,
          qty: qtyFor(equity * d.notionalFrac, d.limitPrice),
          price: distance === null ? null : priceAt(d.side, d.limitPrice, distance),
          forecastPnl,
          placedAt: now - ageMs,
          probe: d.probe,
          external: d.external,
        };
        const m = refOrderMargin(o, state, table);
        if (used + m > cap) return;
        used += m;
        if (o.role === 'entry' && !o.external) entryKeys.add(key);
        orders.push(o);
      });
      return { equity, patternDayTrader, sessionOpen, orders, positions };
    });
}

// ---------------------------------------------------------------------------------------------- requests

export interface RequestOptions {
  /** Equity the request's notional is a fraction of. */
  equity: number;
  symbols?: readonly string[];
  /** Distances the request's reference price is generated at (default REQUEST_DISTANCES). */
  distances?: readonly number[];
}

export function requestArb(options: RequestOptions): fc.Arbitrary<EntryRequest> {
  return fc
    .record({
      symbol: fc.constantFrom(...(options.symbols ?? SYMBOLS)),
      side: fc.constantFrom<Side>('buy', 'sell'),
      limitPrice: fc.constantFrom(...LIMIT_PRICES),
      notionalFrac: fc.constantFrom(0.05, 0.1, 0.2, 0.3, 0.5),
      distance: fc.constantFrom(...(options.distances ?? REQUEST_DISTANCES)),
      forecastPnl: fc.integer({ min: -3, max: 12 }),
      cryptoRank: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null, freq: 3 }),
    })
    .map((r) => ({
      symbol: r.symbol,
      assetClass: assetClassOf(r.symbol),
      side: r.side,
      limitPrice: r.limitPrice,
      qty: qtyFor(options.equity * r.notionalFrac, r.limitPrice),
      price: priceAt(r.side, r.limitPrice, r.distance),
      forecastPnl: r.forecastPnl,
      cryptoRank: r.cryptoRank,
    }));
}

// ---------------------------------------------------------------------------------------------- histories

export interface HistoryOptions {
  now?: TimeMs;
  symbols?: readonly string[];
  minEvents?: number;
  maxEvents?: number;
  /** Seconds before `now` events fall in; negative values are after now. */
  minSecBefore?: number;
  maxSecBefore?: number;
  /** Whole seconds only (many exact coincidences and boundary hits) when true; milliseconds otherwise. */
  wholeSeconds?: boolean;
}

/** Steal events in recorded order: ascending time (stable), thief ≠ victim. */
export function historyArb(options: HistoryOptions = {}): fc.Arbitrary<StealEvent[]> {
  const now = options.now ?? T0;
  const symbols = options.symbols ?? SYMBOLS.slice(0, 4);
  const min = options.minSecBefore ?? -120;
  const max = options.maxSecBefore ?? 2400;
  const whole = options.wholeSeconds ?? true;
  const event = fc
    .record({
      ms: whole
        ? fc.integer({ min, max }).map((s) => s * 1000)
        : fc.integer({ min: min * 1000, max: max * 1000 }),
      thief: fc.integer({ min: 0, max: symbols.length - 1 }),
      step: fc.integer({ min: 1, max: symbols.length - 1 }),
    })
    .map(({ ms, thief, step }) => ({
      at: now - ms,
      thief: symbols[thief]!,
      victim: symbols[(thief + step) % symbols.length]!,
    }));
  return fc
    .array(event, { minLength: options.minEvents ?? 0, maxLength: options.maxEvents ?? 14 })
    .map((events) =>
      events
        .map((e, i) => ({ e, i }))
        .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
        .map((x) => x.e),
    );
}

/** History parameters small enough for fights and cooldowns to overlap often. */
export const historyParamsArb: fc.Arbitrary<HistoryParams> = fc.record({
  cooldownSec: fc.constantFrom(0, 30, 60, 166, 600),
  fightThreshold: fc.integer({ min: 1, max: 4 }),
  fightWindowSec: fc.constantFrom(0, 60, 300, 1800),
  fightCooldownSec: fc.constantFrom(0, 45, 120, 645),
});

/** Policy parameters around the defaults, including their edges. */
export const policyConfigArb: fc.Arbitrary<Partial<WorkstealConfig>> = fc
  .record({
    protectionPct: fc.constantFrom(0, 0.001, 0.0015, 0.005),
    stealEntryTolerance: fc.constantFrom(0.0057, 0.0066, 0.013, 0.05),
    minOrderAgeSec: fc.constantFrom(0, 300, 1800),
    bufferPct: fc.constantFrom(0, 0.1),
    stealingEnabled: chance(92),
    extendedHours: fc.boolean(),
    cryptoOutOfHoursForceCount: fc.constantFrom(0, 1, 3),
    // Cooldowns shorter than the fight window, so that fighting pairs are often not cooling any more.
    history: fc.record({
      cooldownSec: fc.constantFrom(0, 60, 166),
      fightThreshold: fc.constantFrom(1, 2, 3, 8),
      fightWindowSec: fc.constantFrom(600, 1800, 3600),
      fightCooldownSec: fc.constantFrom(0, 120, 645),
    }),
  })
  .map(({ history, ...rest }) => ({ ...rest, ...history }));

// ---------------------------------------------------------------------------------------------- broker views

export interface KnownOrder {
  id: string;
  symbol: string;
  side: Side;
  role: OrderRole;
  limitPrice: number;
  qty: number;
}

const round9 = (x: number): number => Math.round(x * 1e9) / 1e9;

/** The fields a broker knows of its orders, sorted by id. */
export function knownOrders(orders: readonly OpenOrder[]): KnownOrder[] {
  return orders
    .map((o) => ({
      id: o.id,
      symbol: o.symbol,
      side: o.side,
      role: o.role,
      limitPrice: o.limitPrice,
      qty: round9(o.qty),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function knownPositions(positions: readonly Position[]): { symbol: string; qty: number }[] {
  return positions
    .map((p) => ({ symbol: p.symbol, qty: round9(p.qty) }))
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

export interface Truth {
  orders: OpenOrder[];
  positions: Position[];
  equity: number;
}

export async function brokerTruth(broker: MemoryBroker): Promise<Truth> {
  const [orders, positions, account] = await Promise.all([
    broker.openOrders(),
    broker.positions(),
    broker.account(),
  ]);
  return { orders, positions, equity: account.equity };
}

// ---------------------------------------------------------------------------------------------- harness

export interface Harness {
  coordinator: Coordinator;
  broker: MemoryBroker;
  clock: { t: TimeMs; now(): TimeMs };
  journal: MemoryJournal;
  decisions: Decision[];
  config: WorkstealConfig;
  state: MarginState;
}

export interface HarnessOptions {
  book: Book;
  config?: Partial<WorkstealConfig>;
  faults?: MemoryBrokerFaults;
  now?: TimeMs;
  onDecision?: (decision: Decision) => void;
  broker?: (options: ConstructorParameters<typeof MemoryBroker>[0]) => MemoryBroker;
}

/** A coordinator reconciled to a MemoryBroker holding `book`, with a fixed clock the test advances. */
export async function harness(options: HarnessOptions): Promise<Harness> {
  const cfg = config(options.config);
  const clock = {
    t: options.now ?? T0,
    now(): TimeMs {
      return this.t;
    },
  };
  const { book } = options;
  const brokerOptions = {
    account: { equity: book.equity, patternDayTrader: book.patternDayTrader },
    orders: book.orders,
    positions: book.positions,
    faults: options.faults ?? {},
    now: () => clock.t,
  };
  const broker = options.broker ? options.broker(brokerOptions) : new MemoryBroker(brokerOptions);
  const journal = new MemoryJournal();
  const decisions: Decision[] = [];
  const coordinator = new Coordinator({
    config: cfg,
    clock,
    calendar: { isRegularSession: () => book.sessionOpen },
    account: { equity: book.equity, patternDayTrader: book.patternDayTrader },
    journal,
    onDecision: (d) => {
      decisions.push(d);
      options.onDecision?.(d);
    },
  });
  await coordinator.reconcile(broker);
  broker.calls.reads = 0;
  return {
    coordinator,
    broker,
    clock,
    journal,
    decisions,
    config: cfg,
    state: { equity: book.equity, patternDayTrader: book.patternDayTrader, sessionOpen: book.sessionOpen },
  };
}

/** Valid saga paths per saga id (docs/service.md); one saga spans the re-decisions of one request. */
export const SAGA_PATH =
  /^(requested redecide )*requested (aborted|redecide|redecide aborted|victims-cancelled (compensated|placed done))$/;

/** Journal states grouped by saga id, each joined with spaces. */
export function sagaPaths(journal: MemoryJournal): Map<string, string> {
  const paths = new Map<string, string[]>();
  for (const t of journal.transitions) {
    let p = paths.get(t.sagaId);
    if (!p) paths.set(t.sagaId, (p = []));
    p.push(t.state);
  }
  return new Map([...paths].map(([k, v]) => [k, v.join(' ')]));
}
