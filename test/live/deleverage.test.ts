import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { LiveMetrics } from '../../src/live/metrics.js';
import { LiveStore } from '../../src/live/store.js';
import {
  FixedSignals,
  HALF_HOUR,
  loopModel,
  loopRuntime,
  runToEnd,
  seedLongs,
  stockBars,
} from '../support/loop-model.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-deleverage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'];
/** Entry limits: distance from the price of 100 is 0.4%, 0.5%, 0.6% (within the normal tolerance). */
const LIMITS: Record<string, number> = { CCC: 99.6, DDD: 99.5, EEE: 99.4 };

/**
 * A pattern-day-trader account holding 250,000 of stock on 85,000 of equity: 62,500 of margin at 4x
 * intraday, 125,000 at 2x overnight. AAA was bought at 110 (a loss of 15,000 at 100), BBB at 100.
 */
async function runDay(name: string, open: number, close: number) {
  const db = join(dir, `${name}.sqlite`);
  // Flat bars over the one session, lows above every entry limit (nothing fills); fixed buy signals for the
  // three entry symbols, valid all day.
  const model = loopModel({
    stateDb: db,
    start: open,
    series: SYMBOLS.map((s) => stockBars(s, { sessions: [[open, close]] })),
  });
  const { venue } = model;
  seedLongs(venue);
  const store = new LiveStore(db);
  const metrics = new LiveMetrics();
  const sink = new MemorySink();
  const runtime = loopRuntime(model, {
    store,
    signals: new FixedSignals(LIMITS),
    metrics,
    log: new Logger([sink]),
    runTag: name,
    start: open,
    end: close + HALF_HOUR,
  });
  await runToEnd(runtime);
  const text = await metrics.registry.metrics();
  store.close();
  const read = new Database(db, { readonly: true });
  const decisions = read
    .prepare(
      "SELECT time, symbol, action, reason, victims, outcome, record FROM decisions WHERE action LIKE 'deleverage-%' ORDER BY id",
    )
    .all() as {
    time: number;
    symbol: string;
    action: string;
    victims: string;
    outcome: string;
    record: string;
  }[];
  const events = read
    .prepare("SELECT at, kind, detail FROM events WHERE kind LIKE 'deleverage%' ORDER BY id")
    .all() as { at: number; kind: string; detail: string }[];
  const entriesAfterLead = read
    .prepare("SELECT symbol, placed_at FROM orders WHERE role = 'entry' AND placed_at >= ?")
    .all(close - 15 * 60_000) as { symbol: string }[];
  read.close();
  return { venue, decisions, events, entriesAfterLead, metrics: text, runtime, sink };
}

const utc = (s: string): number => Date.parse(s);

describe('end-of-day deleveraging in the live runtime', () => {
  it('cancels stock entries in victim order before the close and trims the largest loss at the close', async () => {
    const open = utc('2024-03-05T14:30:00Z');
    const close = utc('2024-03-05T21:00:00Z');
    const r = await runDay('regular', open, close);
    const lead = close - 15 * 60_000;

    // Before the close: every stock entry cancelled, furthest from its limit first (EEE, DDD, CCC).
    const cancels = r.decisions.filter((d) => d.action === 'deleverage-cancel');
    expect(cancels.map((d) => d.symbol)).toEqual(['EEE', 'DDD', 'CCC']);
    expect(cancels.every((d) => d.time === lead && d.outcome === 'cancelled')).toBe(true);
    expect(cancels.every((d) => JSON.parse(d.victims).length === 1)).toBe(true);
    const cancelledIds = cancels.map((d) => (JSON.parse(d.victims) as string[])[0]!);
    for (const id of cancelledIds) expect(r.venue.order(id)?.status).toBe('canceled');

    // Not re-placed between the lead time and the close, and the store says why.
    expect(r.entriesAfterLead).toEqual([]);
    const window = r.events.find((e) => e.kind === 'deleverage-window');
    expect(window?.at).toBe(lead);
    expect(JSON.parse(window!.detail).reason).toMatch(/no new stock entries/);

    // At the close: AAA (the loss) trimmed by whole shares until 2x overnight fits; BBB untouched.
    const trims = r.decisions.filter((d) => d.action === 'deleverage-trim');
    expect(trims.map((d) => d.symbol)).toEqual(['AAA']);
    expect(trims[0]!.time).toBe(close);
    expect(trims[0]!.outcome).toBe('placed');
    expect(JSON.parse(trims[0]!.record).qty).toBe(800);
    const positions = new Map(r.venue.positions().map((p) => [p.symbol, p.qty]));
    expect(positions.get('AAA')).toBe(700);
    expect(positions.get('BBB')).toBe(1000);
    const account = r.venue.account();
    const stockNotional = 700 * 100 + 1000 * 100;
    expect(stockNotional * 0.5).toBeLessThanOrEqual(account.equity + 1e-6);

    // The trim traded at the last price through the venue's fill path.
    const trimOrder = r.venue.allOrders().find((o) => o.role === 'exit');
    expect(trimOrder).toMatchObject({
      symbol: 'AAA',
      side: 'sell',
      qty: 800,
      status: 'filled',
      fillPrice: 100,
    });

    // One `deleverage` event per phase, and the metrics count every action.
    const phases = r.events.filter((e) => e.kind === 'deleverage').map((e) => JSON.parse(e.detail).phase);
    expect(phases).toEqual(['orders', 'positions']);
    expect(r.metrics).toMatch(/worksteal_deleverage_actions_total\{action="cancel"\} 3/);
    expect(r.metrics).toMatch(/worksteal_deleverage_actions_total\{action="trim"\} 1/);
    expect(r.runtime.counters.deleverageCancels).toBe(3);
    expect(r.runtime.counters.deleverageTrims).toBe(1);
  });

  it('deleverages at 13:00 − lead on an early-close day (2024-07-03)', async () => {
    const open = utc('2024-07-03T13:30:00Z');
    const close = utc('2024-07-03T17:00:00Z'); // 13:00 New York
    const r = await runDay('early', open, close);
    const cancels = r.decisions.filter((d) => d.action === 'deleverage-cancel');
    expect(cancels.map((d) => d.symbol)).toEqual(['EEE', 'DDD', 'CCC']);
    expect(new Set(cancels.map((d) => d.time))).toEqual(new Set([close - 15 * 60_000]));
    const trims = r.decisions.filter((d) => d.action === 'deleverage-trim');
    expect(trims.map((d) => [d.symbol, d.time])).toEqual([['AAA', close]]);
    const event = JSON.parse(r.events.find((e) => e.kind === 'deleverage')!.detail);
    expect(event).toMatchObject({ phase: 'orders', session: '2024-07-03', early: true });
    expect(r.venue.positions().find((p) => p.symbol === 'AAA')?.qty).toBe(700);
  });
});
