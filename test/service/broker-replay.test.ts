/**
 * The book against the broker it mirrors. A seeded generator makes a venue's history: orders placed, filled in
 * steps (cumulative), some cancelled, some filled whole. The bot reports all of it, as bots do: in any order
 * (a fill before its placement, a cancel before the fill that came before it), some reports twice, older
 * cumulative fills after newer ones, cancels with `filledQty` left out or stale, and the service killed and
 * started again between any two. Once every report is in, the book's open orders and positions must be the
 * venue's (a reference replay of the history), in the coordinator's ledger, in the stored reports folded
 * again, and after one more restart.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderEventBody } from '../../src/service/reports.js';
import { advisoryService, closeAndRemove, foldReports, T0, type Harness } from './fixture.js';

const EQUITY = 1_000_000;
const SYMBOLS = ['ETH/USD', 'SOL/USD', 'BTC/USD'];

/** One order's life at the venue. */
interface VenueLife {
  symbol: number;
  side: 'buy' | 'sell';
  qty: number;
  /** Cumulative fills, as shares of the order (increasing; the last 1 when it filled whole). */
  fills: number[];
  /** Cancelled after its last fill (never when it filled whole). */
  cancelled: boolean;
  /** What the bot's cancel report says filled: the truth, left out (0), or an older fill. */
  cancelSays: 'truth' | 'omitted' | 'stale';
}

const lifeArb: fc.Arbitrary<VenueLife> = fc.record({
  symbol: fc.integer({ min: 0, max: SYMBOLS.length - 1 }),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  qty: fc.constantFrom(4, 10, 25),
  fills: fc
    .uniqueArray(fc.constantFrom(0.2, 0.5, 0.8, 1), { maxLength: 3 })
    .map((f) => [...f].sort((a, b) => a - b)),
  cancelled: fc.boolean(),
  cancelSays: fc.constantFrom('truth' as const, 'omitted' as const, 'stale' as const),
});

/** A limit order fills at its limit or better: a buy at or below 100, a sell at or above. */
const fillPrice = (side: 'buy' | 'sell', k: number): number => (side === 'buy' ? 100 - k : 100 + k);

/** Every report the bot sends of one order's life (in the venue's order). */
function reportsOf(id: string, life: VenueLife): OrderEventBody[] {
  const symbol = SYMBOLS[life.symbol]!;
  const out: OrderEventBody[] = [
    {
      kind: 'placed',
      order: {
        id,
        symbol,
        assetClass: 'crypto',
        side: life.side,
        role: 'entry',
        limitPrice: 100,
        qty: life.qty,
        price: 105,
        forecastPnl: 1,
        placedAt: T0 - 60_000,
        probe: false,
        external: false,
      },
    },
  ];
  const filled = life.fills.map((f) => f * life.qty);
  filled.forEach((q, k) =>
    out.push({ kind: 'fill', orderId: id, filledQty: q, fillPrice: fillPrice(life.side, k) }),
  );
  const last = filled.at(-1) ?? 0;
  if (life.cancelled && last < life.qty) {
    const says =
      life.cancelSays === 'truth' ? last : life.cancelSays === 'omitted' ? 0 : (filled.at(-2) ?? 0);
    out.push({ kind: 'cancelled', orderId: id, filledQty: says });
  }
  return out;
}

/**
 * The venue's history of all orders, each fill and cancel dated (`asOf`, venue time: its place in the history),
 * with position snapshots taken at points of it (`snaps`: after which report, of which symbol), dated between
 * that report and the next and holding the position the venue had then (the fills so far; a cancel adds none).
 */
function history(lives: VenueLife[], snaps: readonly { after: number; symbol: number }[]): OrderEventBody[] {
  const reports = lives
    .flatMap((life, i) => reportsOf(`o${i}`, life))
    .map((r, i) => (r.kind === 'fill' || r.kind === 'cancelled' ? { ...r, asOf: T0 + 2 * i } : r));
  const lifeOf = new Map(lives.map((life, i) => [`o${i}`, life]));
  // The venue's position of a symbol after report `after`: each order's last fill so far, signed by its side.
  const snapshot = (after: number, symbol: string): OrderEventBody => {
    const filled = new Map<string, number>();
    for (const r of reports.slice(0, after + 1))
      if (r.kind === 'fill' && SYMBOLS[lifeOf.get(r.orderId)!.symbol] === symbol)
        filled.set(r.orderId, r.filledQty);
    let qty = 0;
    for (const [id, q] of filled) qty += lifeOf.get(id)!.side === 'buy' ? q : -q;
    return {
      kind: 'position',
      symbol,
      assetClass: 'crypto',
      qty: round(qty),
      price: 100,
      asOf: T0 + 2 * after + 1,
    };
  };
  // Each snapshot right after the report it follows, in the venue's order.
  const out: OrderEventBody[] = [];
  reports.forEach((r, i) => {
    out.push(r);
    for (const s of snaps) if (s.after === i) out.push(snapshot(i, SYMBOLS[s.symbol]!));
  });
  return out;
}

/** The venue after the history: open orders (what is still open of each) and positions by symbol. */
function venueState(lives: VenueLife[]) {
  const orders: { id: string; qty: number }[] = [];
  const positions = new Map<string, number>();
  lives.forEach((life, i) => {
    const filled = (life.fills.at(-1) ?? 0) * life.qty;
    if (!life.cancelled && filled < life.qty) orders.push({ id: `o${i}`, qty: round(life.qty - filled) });
    const symbol = SYMBOLS[life.symbol]!;
    positions.set(symbol, (positions.get(symbol) ?? 0) + (life.side === 'buy' ? filled : -filled));
  });
  return {
    orders: orders.sort((a, b) => (a.id < b.id ? -1 : 1)),
    positions: [...positions]
      .filter(([, qty]) => Math.abs(qty) > 1e-9)
      .map(([symbol, qty]) => ({ symbol, qty: round(qty) }))
      .sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
  };
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/** A ledger's open orders and positions in the venue state's terms. */
function held(s: {
  orders: readonly { id: string; qty: number }[];
  positions: readonly { symbol: string; qty: number }[];
}) {
  return {
    orders: s.orders.map((o) => ({ id: o.id, qty: round(o.qty) })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    positions: s.positions
      .filter((p) => Math.abs(p.qty) > 1e-9)
      .map((p) => ({ symbol: p.symbol, qty: round(p.qty) }))
      .sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
  };
}

/** How the bot delivers: a sort key per report, repeats, and restarts after some deliveries. */
interface Delivery {
  keys: readonly number[];
  repeats: readonly number[];
  restarts: readonly number[];
}

/** kill -9 once the answers so far are on disk, then a new process over the same store. */
async function restart(h: Harness): Promise<Harness> {
  await h.service.durable();
  h.store.close();
  const again = advisoryService({ equity: EQUITY, dir: h.dir, now: h.timers.now() });
  await again.service.ready;
  return again;
}

/** Whether this history met the cases it is here for (counted over all runs below). */
const reached = {
  fillAfterCancel: 0,
  earlyReports: 0,
  staleFills: 0,
  restarts: 0,
  snapshotAfterNewerFill: 0,
  fillAfterNewerSnapshot: 0,
};

async function play(
  lives: VenueLife[],
  d: Delivery,
  snaps: readonly { after: number; symbol: number }[] = [],
): Promise<void> {
  const reports = history(lives, snaps);
  // Delivery order: by key (ties in the venue's order); a report's repeat comes right after it.
  const order = reports
    .map((r, i) => ({ r, key: d.keys[i % d.keys.length]!, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .flatMap(({ r, i }) => (d.repeats.includes(i) ? [r, r] : [r]));
  count(order);
  // The service's clock after every venue time of the history: a report arrives after what it tells.
  let h = advisoryService({ equity: EQUITY, now: T0 + 3_600_000 });
  try {
    for (let k = 0; k < order.length; k++) {
      const answer = h.service.event(order[k]!);
      expect(answer.detail).not.toMatch(/dropped/); // every report is true: none may be dropped
      if (d.restarts.includes(k)) {
        h = await restart(h);
        reached.restarts++;
      }
    }
    const venue = venueState(lives);
    const trail = order.map((r) => JSON.stringify(r)).join('\n');
    expect(held(h.service.status() as Parameters<typeof held>[0]), trail).toEqual(venue);
    expect(held(foldReports(h, EQUITY)), trail).toEqual(venue);
    h = await restart(h);
    expect(held(h.service.status() as Parameters<typeof held>[0]), trail).toEqual(venue);
  } finally {
    await closeAndRemove(h);
  }
}

/** What a delivery order holds of the cases this test is for. */
function count(order: OrderEventBody[]): void {
  const placed = new Set<string>();
  const cancelled = new Set<string>();
  const filled = new Map<string, number>();
  let fillAfterCancel = false;
  let early = false;
  let stale = false;
  let newestFill = -Infinity;
  let newestSnapshot = -Infinity;
  for (const r of order) {
    if (r.kind === 'position') {
      if (r.asOf! < newestFill) reached.snapshotAfterNewerFill++;
      newestSnapshot = Math.max(newestSnapshot, r.asOf!);
    }
    if (r.kind === 'fill') {
      if (r.asOf! < newestSnapshot) reached.fillAfterNewerSnapshot++;
      newestFill = Math.max(newestFill, r.asOf!);
    }
    if (r.kind === 'placed') placed.add(r.order.id);
    else if (r.kind === 'fill' || r.kind === 'cancelled') {
      if (!placed.has(r.orderId)) early = true;
      if (r.kind === 'fill' && cancelled.has(r.orderId)) fillAfterCancel = true;
      if (r.filledQty < (filled.get(r.orderId) ?? 0)) stale = true;
      if (r.kind === 'cancelled') cancelled.add(r.orderId);
      filled.set(r.orderId, Math.max(r.filledQty, filled.get(r.orderId) ?? 0));
    }
  }
  if (fillAfterCancel) reached.fillAfterCancel++;
  if (early) reached.earlyReports++;
  if (stale) reached.staleFills++;
}

describe('the book after any delivery of a venue’s reports equals the venue', () => {
  it('holds for reports in any order, repeated, stale, with cancels that leave the fill out, and restarts', async () => {
    const delivery = fc.record({
      keys: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
      repeats: fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 4 }),
      restarts: fc.oneof(
        { weight: 3, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 2 }) },
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(lifeArb, { minLength: 1, maxLength: 6 }), delivery, (lives, d) =>
        play(lives, d),
      ),
      { seed: 3939, numRuns: 150 },
    );
    // The bot's position snapshots, dated (asOf) as the fills are, delivered in any order with them: one taken
    // before a fill but delivered after it does not set the position back, one taken after it and delivered
    // first does not make the fill count twice.
    const snaps = fc.array(
      fc.record({
        after: fc.integer({ min: 0, max: 25 }),
        symbol: fc.integer({ min: 0, max: SYMBOLS.length - 1 }),
      }),
      { minLength: 1, maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(lifeArb, { minLength: 1, maxLength: 6 }), delivery, snaps, (lives, d, s) =>
        play(lives, d, s),
      ),
      { seed: 4040, numRuns: 150 },
    );
    console.log('broker replay reached', reached);
    expect(Math.min(...Object.values(reached))).toBeGreaterThanOrEqual(5);
  });
});
