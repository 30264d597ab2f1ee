import { describe, expect, it } from 'vitest';
import { CapacityLedger } from '../../src/coordinator/ledger.js';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import type { OpenOrder } from '../../src/core/types.js';
import { exitLevels } from '../../src/session/exits.js';
import { DEFAULT_SIZING } from '../../src/session/sizing.js';
import { EntryWatcher, ExitWatcher, type WatchedSignal } from '../../src/session/watchers.js';

const H = 3_600_000;
const T0 = Date.parse('2024-03-04T00:00:00Z');
const account = { equity: 10_000, patternDayTrader: false };

function ledgerWith(positionQty: number, orders: Partial<OpenOrder>[] = []): CapacityLedger {
  const l = new CapacityLedger(account);
  l.reset({
    account,
    positions: positionQty ? [{ symbol: 'SOL', assetClass: 'crypto', qty: positionQty, price: 100 }] : [],
    orders: orders.map((o, i) => ({
      id: `o${i}`,
      symbol: 'SOL',
      assetClass: 'crypto',
      side: 'sell',
      role: 'take-profit',
      limitPrice: 110,
      qty: positionQty,
      price: 100,
      forecastPnl: 0,
      placedAt: T0,
      probe: false,
      external: false,
      ...o,
    })),
  });
  return l;
}

describe('the exit watcher (live side of the session exit rule)', () => {
  const w = new ExitWatcher('SOL', 'crypto');
  const fill = { side: 'buy' as const, price: 100, time: T0 };
  const entry = (stopLossPct: number) => ({
    takeProfit: 110,
    filledAt: fill.time,
    ...exitLevels({ stopLossPct, timeStopHours: 72 }, fill.side, fill.price, fill.time),
  });

  it('arms one take-profit for the whole position, then holds it', () => {
    expect(w.plan(ledgerWith(2), entry(0), T0 + H, true, null)).toMatchObject({
      place: { side: 'sell', qty: 2, limitPrice: 110 },
      exitNow: null,
    });
    expect(w.plan(ledgerWith(2, [{}]), entry(0), T0 + H, true, null)).toMatchObject({
      place: null,
      cancel: [],
    });
  });

  it('past the time stop: cancels the take-profit and leaves now; not asked (no new price): nothing', () => {
    const late = T0 + 72 * H;
    expect(w.plan(ledgerWith(2, [{}]), entry(0), late, true, null)).toMatchObject({
      cancel: ['o0'],
      exitNow: 'time-stop',
      place: null,
    });
    expect(w.plan(ledgerWith(2, [{}]), entry(0), late, false, null)).toMatchObject({
      exitNow: null,
      cancel: [],
    });
    // An exit already waiting for its bar: nothing more is sent.
    const waiting = ledgerWith(2, [{ id: 'x', role: 'exit' }]);
    expect(w.plan(waiting, entry(0), late, true, null)).toMatchObject({ exitNow: null, place: null });
  });

  it('a bar after the fill that reaches the stop: leaves now; a bar that opened before the fill does not count', () => {
    const bar = { open: T0, high: 101, low: 94 };
    expect(w.plan(ledgerWith(2, [{}]), entry(0.05), T0 + H, true, bar).exitNow).toBe('stop');
    expect(w.plan(ledgerWith(2, [{}]), entry(0.05), T0 + H, true, { ...bar, low: 96 }).exitNow).toBeNull();
    expect(
      w.plan(ledgerWith(2, [{}]), entry(0.05), T0 + H, true, { ...bar, open: T0 - H }).exitNow,
    ).toBeNull();
  });

  it('without a position its take-profits are cancelled', () => {
    expect(w.plan(ledgerWith(0, [{ qty: 1 }]), entry(0), T0, false, null).cancel).toEqual(['o0']);
  });
});

describe('the entry watcher (live side of the asking and signal rules)', () => {
  const signal = (key: string, validUntil: number): WatchedSignal => ({
    key,
    side: 'buy',
    entry: 99,
    takeProfit: 110,
    edge: 0.1,
    expectedPnl: null,
    validUntil,
  });
  const ctx = (
    ledger: CapacityLedger,
    now: number,
    newest: WatchedSignal | null,
    key: string | null = null,
  ) => ({
    ledger,
    now,
    quotes: new Map([['SOL', { bid: 100, ask: 100, time: now }]]),
    orderFraction: 0.5,
    sizing: DEFAULT_SIZING,
    margin: DEFAULT_CONFIG.margin,
    signal: () => newest,
    signalKeyOf: () => key,
    stockEntriesClosed: false,
  });

  it('is asked once per new price, and not on a price made by the start', () => {
    const w = new EntryWatcher('SOL', 'crypto', 0, T0);
    expect(w.look({ bid: 1, ask: 1, time: T0 }, T0)).toBe(false);
    expect(w.look({ bid: 1, ask: 1, time: T0 + H }, T0 + H)).toBe(true);
    expect(w.look({ bid: 1, ask: 1, time: T0 + H }, T0 + 2 * H)).toBe(false);
    expect(w.look(undefined, T0 + 3 * H)).toBe(false);
  });

  it('holds its signal until it expires, then cancels the entry resting for it and takes the newest', () => {
    const w = new EntryWatcher('SOL', 'crypto', 0, T0);
    const first = w.plan(ctx(ledgerWith(0), T0 + H, signal('a', T0 + 3 * H)));
    expect(first.request?.signal.key).toBe('a');
    const resting = ledgerWith(0, [{ role: 'entry', side: 'buy', qty: 50, limitPrice: 99 }]);
    // A newer signal does not replace a held one: the resting order was placed for it.
    expect(w.plan(ctx(resting, T0 + 2 * H, signal('b', T0 + 9 * H), 'a'))).toEqual({
      cancel: null,
      request: null,
    });
    const expired = w.plan(ctx(resting, T0 + 3 * H, signal('b', T0 + 9 * H), 'a'));
    expect(expired.cancel).toEqual({ orderId: 'o0', reason: 'signal-expired' });
    expect(expired.request?.signal.key).toBe('b');
  });

  it('not asked (no new price), cancels only the entry resting for its own signal once that has expired', () => {
    const resting = ledgerWith(0, [{ role: 'entry', side: 'buy', qty: 50, limitPrice: 99 }]);
    const fresh = new EntryWatcher('SOL', 'crypto', 0, T0);
    // Holding no signal yet (a restart): it cannot tell what the entry was placed for, so plan() decides.
    expect(fresh.expiredEntry(ctx(resting, T0 + 5 * H, null, 'a'))).toBeNull();
    const w = new EntryWatcher('SOL', 'crypto', 0, T0);
    w.plan(ctx(ledgerWith(0), T0 + H, signal('a', T0 + 3 * H)));
    expect(w.expiredEntry(ctx(resting, T0 + 3 * H - 1, null, 'a'))).toBeNull(); // still valid
    expect(w.expiredEntry(ctx(resting, T0 + 3 * H, null, 'a'))).toEqual({
      orderId: 'o0',
      reason: 'signal-expired',
    });
    expect(w.expiredEntry(ctx(resting, T0 + 3 * H, null, 'other'))).toBeNull(); // placed for another signal
    expect(w.expiredEntry(ctx(ledgerWith(0), T0 + 3 * H, null, 'a'))).toBeNull(); // nothing rests
    const holding = ledgerWith(2, [{ role: 'entry', side: 'buy', qty: 50, limitPrice: 99 }]);
    expect(w.expiredEntry(ctx(holding, T0 + 3 * H, null, 'a'))).toBeNull(); // the exit watcher owns it
    // It leaves the held signal for plan(), which takes the newest at the next price.
    expect(w.plan(ctx(ledgerWith(0), T0 + 4 * H, signal('b', T0 + 9 * H))).request?.signal.key).toBe('b');
  });

  it('cancels an entry not placed for the signal it takes up with a true reason, never signal-expired', () => {
    const resting = ledgerWith(0, [{ role: 'entry', side: 'buy', qty: 50, limitPrice: 99 }]);
    // A restart's watcher holds no signal: an earlier run's entry placed for another signal, or for none it
    // knows, is not one whose signal it saw expire.
    const superseded = new EntryWatcher('SOL', 'crypto', 0, T0).plan(
      ctx(resting, T0 + H, signal('b', T0 + 9 * H), 'a'),
    );
    expect(superseded.cancel).toEqual({ orderId: 'o0', reason: 'signal-superseded' });
    expect(superseded.request?.signal.key).toBe('b');
    const unknown = new EntryWatcher('SOL', 'crypto', 0, T0).plan(
      ctx(resting, T0 + H, signal('b', T0 + 9 * H), null),
    );
    expect(unknown.cancel?.reason).toBe('signal-superseded');
    const none = new EntryWatcher('SOL', 'crypto', 0, T0).plan(ctx(resting, T0 + H, null, 'a'));
    expect(none).toEqual({ cancel: { orderId: 'o0', reason: 'no-signal' }, request: null });
    // One placed for the signal taken up now stays.
    const kept = new EntryWatcher('SOL', 'crypto', 0, T0).plan(
      ctx(resting, T0 + H, signal('a', T0 + 9 * H), 'a'),
    );
    expect(kept).toEqual({ cancel: null, request: null });
  });
});
