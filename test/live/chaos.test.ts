import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import type { VenueOrder } from '../../src/ports/venue.js';
import { BarVenue } from '../../src/live/venue.js';
import { FakeAlpaca, RunChild } from '../support/fake-alpaca.js';
import { loadReal } from '../support/marketdata.js';

/**
 * Chaos: `worksteal run --broker alpaca` SIGKILLed again and again against one fake Alpaca server that keeps
 * its state across the kills. Some kills land while the venue holds a victim's cancel (pending_cancel),
 * the others at a seeded random moment. Three crypto watchers with capacity for one order and a one-second
 * cooldown keep stealing from each other, so most runs are mid-saga when they die. At the end one clean run
 * reconciles, and the store, the runtime's ledger and the venue must agree on every order and position,
 * with no client order id sent twice.
 *
 * WORKSTEAL_CHAOS_SEED picks another seed (the failing seed is printed with every failure).
 */
const SEED = Number(process.env.WORKSTEAL_CHAOS_SEED ?? 20_261_204);
/** At least 30 in CI; fewer only to replay a seed by hand (WORKSTEAL_CHAOS_KILLS). */
const KILLS = Number(process.env.WORKSTEAL_CHAOS_KILLS ?? 30);
const KEY_ID = 'PKCHAOS0TESTKEY77';
const SECRET = 'chaos-secret-value-0c5e';
const T0 = Date.parse('2024-03-09T12:00:30Z'); // a Saturday: crypto only
/** Market seconds per wall second at the venue: bars close during the test, so orders fill. */
const SPEED = 120;

/** mulberry32: small, seeded, good enough to pick kill moments. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One stream per purpose: the kill plan does not shift when the venue's timing changes how often it holds. */
const random = rng(SEED);
const venueRandom = rng(SEED ^ 0x5bd1e995);
const signalRandom = rng(SEED ^ 0x27d4eb2f);
const dir = mkdtempSync(join(tmpdir(), 'worksteal-chaos-'));
const db = join(dir, 'state.sqlite');
let fake: FakeAlpaca;
let venue: BarVenue;
let frozenAt: number | null = null;
let holding = true;
const children: RunChild[] = [];
const kills: { n: number; mode: string; heldAtKill: number }[] = [];

beforeAll(async () => {
  const loaded = await loadReal([
    'binance-spot-yanniedog/SOLUSDT_1h.csv',
    'binance-spot-yanniedog/LINKUSDT_1h.csv',
    'binance-spot-yanniedog/AVAXUSDT_1h.csv',
  ]);
  const series = loaded.map((l) => ({ ...l.series, symbol: l.series.symbol.replace(/USDT$/, '/USD') }));
  const wall0 = Date.now();
  venue = new BarVenue({
    series,
    calendar: nyseCalendar(),
    cash: 10_000,
    feeRate: 0,
    patternDayTrader: false,
    margin: DEFAULT_CONFIG.margin,
    now: () => frozenAt ?? T0 + (Date.now() - wall0) * SPEED,
  });
  fake = new FakeAlpaca({
    venue,
    keyId: KEY_ID,
    secret: SECRET,
    // Half the cancels are held; the venue confirms each a moment later, whether or not the process lives.
    holdCancel: () => holding && venueRandom() < 0.5,
  });
  fake.on('cancel-held', () => setTimeout(() => fake.releaseCancels(), 200 + venueRandom() * 1500));
  await fake.start();
  writeSignals();
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      cooldownSec: 1,
      fightThreshold: 1000,
      fightCooldownSec: 1,
      live: {
        symbols: ['SOL/USD', 'LINK/USD', 'AVAX/USD'],
        orderFraction: 0.9,
        pollSec: 1,
        stateDb: db,
        signalsCsv: join(dir, 'signals.csv'),
        http: { port: 0 },
      },
    }),
  );
});

/**
 * Fresh signals for every run (a signal is acted on once): seeded expected PnLs and entry distances, so the
 * ranking, and with it who steals from whom, changes from run to run.
 */
function writeSignals(): void {
  const now = venue.now();
  const known = new Date(now - 1000).toISOString();
  const until = new Date(now + 86_400_000).toISOString();
  const rows = ['SOL/USD', 'LINK/USD', 'AVAX/USD'].map((symbol) => {
    const price = venue.quote(symbol)!.ask;
    const entry = price * (1 - 0.0005 - signalRandom() * 0.004);
    return `${known},${symbol},buy,${entry.toFixed(4)},${(price * 1.05).toFixed(4)},${(50 + signalRandom() * 350).toFixed(0)},${until}`;
  });
  writeFileSync(
    join(dir, 'signals.csv'),
    ['time,symbol,side,entry,take_profit,expected_pnl,valid_until', ...rows].join('\n'),
  );
}

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(): RunChild {
  writeSignals();
  const child = new RunChild(['--broker', 'alpaca', '--config', join(dir, 'config.json')], {
    ALPACA_API_KEY_ID: KEY_ID,
    ALPACA_API_SECRET_KEY: SECRET,
    WORKSTEAL_ALPACA_URL: fake.url,
    WORKSTEAL_ALPACA_DATA_URL: fake.url,
    WORKSTEAL_ALPACA_STREAM_URL: fake.streamUrl,
    WORKSTEAL_ALPACA_CANCEL_TIMEOUT_MS: '3000',
  });
  children.push(child);
  return child;
}

/** Every log line of every run that names one of `ids`, prefixed by the run's number: the failure's story. */
function trail(...ids: string[]): string {
  return children
    .flatMap((c, i) =>
      [...c.lines, ...c.stderr]
        .filter((l) => ids.some((id) => l.includes(`"${id}"`)))
        .map((l) => `run ${i + 1}: ${l}`),
    )
    .join('\n');
}

/** The store's saga transitions that name an order id. */
function sagaTrail(d: Database.Database, id: string): string {
  return (
    d
      .prepare(
        'SELECT t.saga_id, t.state, t.victims, t.cancelled, t.order_id, t.detail, s.run_id FROM saga_transitions t JOIN sagas s USING (saga_id) WHERE t.victims LIKE ? OR t.cancelled LIKE ? OR t.order_id = ? ORDER BY t.id',
      )
      .all(`%"${id}"%`, `%"${id}"%`, id) as Record<string, unknown>[]
  )
    .map((r) => `store: ${JSON.stringify(r)}`)
    .join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The first cancel the venue holds from now on, or null after `ms`. */
const nextHeldCancel = (ms: number): Promise<VenueOrder | null> =>
  new Promise((resolve) => {
    const on = (o: VenueOrder): void => {
      clearTimeout(timer);
      resolve(o);
    };
    const timer = setTimeout(() => {
      fake.off('cancel-held', on);
      resolve(null);
    }, ms);
    fake.once('cancel-held', on);
  });

describe(`chaos: ${KILLS} SIGKILLs of worksteal run --broker alpaca (seed ${SEED})`, () => {
  it('every kill leaves a state the next start reconciles', async () => {
    for (let n = 1; n <= KILLS; n++) {
      const child = start();
      const mode = random() < 0.4 ? 'cancel-pending' : 'random';
      if (mode === 'cancel-pending') {
        const held = nextHeldCancel(60_000);
        await child.waitForEvent((e) => e.event === 'started', 60_000);
        // Died while the venue holds a cancel, or (no steal this run) soon after the first poll.
        await Promise.race([held, sleep(2500)]);
      } else {
        await child.waitForEvent((e) => e.event === 'started', 60_000);
        await sleep(random() * 1500);
      }
      kills.push({ n, mode, heldAtKill: fake.heldCancels.length });
      child.kill('SIGKILL');
      const exit = await child.exited;
      // A run that died by itself (not by our kill) is a failure worth its output.
      expect(exit.signal, `seed ${SEED}, kill ${n}: ${child.stderr.join('\n')}`).toBe('SIGKILL');
    }
    expect(kills).toHaveLength(KILLS);
    const pending = kills.filter((k) => k.heldAtKill > 0);
    expect(pending.length, `seed ${SEED}: kills while a cancel was pending`).toBeGreaterThanOrEqual(3);
  }, 600_000);

  it('a last, clean run: store, ledger and venue agree on every order and position', async () => {
    holding = false;
    fake.releaseCancels();
    frozenAt = venue.now();
    const child = start();
    const url = String((await child.waitForEvent((e) => e.event === 'http', 60_000)).url);
    type Status = {
      polls: number;
      capacity: { used: number; equity: number };
      openOrders: { id: string }[];
      positions: { symbol: string; qty: number }[];
    };
    let status: Status;
    for (;;) {
      status = (await (await fetch(`${url}/status`)).json()) as Status;
      if (status.polls >= 3) break;
      await sleep(200);
    }
    child.kill('SIGTERM');
    expect((await child.exited).code, child.stderr.join('\n')).toBe(0);
    const context = `seed ${SEED}; kills: ${JSON.stringify(kills)}`;

    // The venue: every client order id arrived once.
    expect(
      [...fake.created.entries()].filter(([, n]) => n !== 1),
      context,
    ).toEqual([]);
    const venueOrders = venue.allOrders();
    expect(new Set(venueOrders.map((o) => o.clientOrderId)).size).toBe(venueOrders.length);
    expect(venueOrders.length, context).toBeGreaterThan(5);

    // The store and the venue: the same orders, the same states and fills.
    const d = new Database(db, { readonly: true });
    try {
      const rows = d.prepare('SELECT client_order_id, order_id, status, filled_qty FROM orders').all() as {
        client_order_id: string;
        order_id: string | null;
        status: string;
        filled_qty: number;
      }[];
      const byClientId = new Map(rows.map((r) => [r.client_order_id, r]));
      for (const o of venueOrders) {
        const row = byClientId.get(o.clientOrderId);
        expect(
          row,
          `${context}: venue order ${o.id} (${o.clientOrderId}) missing in the store`,
        ).toBeDefined();
        expect(
          { orderId: row!.order_id, status: row!.status, filled: row!.filled_qty },
          `${context}: ${o.clientOrderId}\n${trail(o.id, o.clientOrderId)}\n${sagaTrail(d, o.id)}`,
        ).toEqual({ orderId: o.id, status: o.status, filled: o.filledQty });
      }
      for (const r of rows) {
        if (venue.orderByClientId(r.client_order_id)) continue;
        // Never reached the venue: it must not be counted as working.
        expect(['rejected', 'canceled', 'never-sent', 'lost'], `${context}: ${r.client_order_id}`).toContain(
          r.status,
        );
      }
      expect(
        d
          .prepare("SELECT saga_id, state FROM sagas WHERE state NOT IN ('done','compensated','aborted')")
          .all(),
        context,
      ).toEqual([]);
    } finally {
      d.close();
    }

    // The ledger and the venue: the same open orders, positions and margin.
    const open = venue.openOrders();
    expect(status!.openOrders.map((o) => o.id).sort(), context).toEqual(open.map((o) => o.id).sort());
    const positions = (rows: { symbol: string; qty: number }[]): string[] =>
      rows
        .filter((p) => p.qty !== 0)
        .map((p) => `${p.symbol} ${p.qty.toFixed(8)}`)
        .sort();
    expect(positions(status!.positions), context).toEqual(positions(venue.positions()));
    const bp = venue.account().buyingPower!.nonMarginable;
    expect(status!.capacity.equity - status!.capacity.used, context).toBeCloseTo(bp, 4);
  }, 120_000);
});
