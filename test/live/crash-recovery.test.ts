import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import type { VenueOrder } from '../../src/ports/venue.js';
import { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { FakeAlpaca, RunChild } from '../support/fake-alpaca.js';
import { runCli } from '../support/cli.js';
import { loadReal } from '../support/marketdata.js';

/**
 * A live session against the fake Alpaca server in a child process, killed with SIGKILL while a steal's
 * cancel is pending at the venue; then a restart must reconcile: no duplicate order, the cancel carried
 * through, margin counted once, cooldowns still in force. Then every output of those runs is searched for
 * the API keys.
 *
 * The script: three crypto watchers out of US hours, signals from a CSV, capacity for one order.
 * SOL (best PnL) places; LINK steals from SOL (SOL now cools); AVAX steals from LINK — and the venue holds
 * that cancel. Kill. Restart.
 */
const KEY_ID = 'PKFAKE9XL2Q7TESTKEY';
const SECRET = 'sEcReT-fake-value-8c1f0e7d9a';
const T0 = Date.parse('2024-03-09T12:00:30Z'); // a Saturday: crypto only, out of hours
const dir = mkdtempSync(join(tmpdir(), 'worksteal-crash-'));
const db = join(dir, 'state.sqlite');
const logFile = join(dir, 'worksteal.log');
let fake: FakeAlpaca;
let venue: BarVenue;
const children: RunChild[] = [];

async function pairs(): Promise<BarSeries[]> {
  const loaded = await loadReal([
    'binance-spot-yanniedog/SOLUSDT_1h.csv',
    'binance-spot-yanniedog/LINKUSDT_1h.csv',
    'binance-spot-yanniedog/AVAXUSDT_1h.csv',
  ]);
  return loaded.map((l) => ({ ...l.series, symbol: l.series.symbol.replace(/USDT$/, '/USD') }));
}

beforeAll(async () => {
  const series = await pairs();
  const wall0 = Date.now();
  venue = new BarVenue({
    series,
    calendar: nyseCalendar(),
    cash: 10_000,
    feeRate: 0,
    patternDayTrader: false,
    margin: DEFAULT_CONFIG.margin,
    now: () => T0 + (Date.now() - wall0),
  });
  fake = new FakeAlpaca({
    venue,
    keyId: KEY_ID,
    secret: SECRET,
    // The second steal's cancel (of LINK) is confirmed only when the test says so.
    holdCancel: (o) => o.symbol === 'LINK/USD',
  });
  await fake.start();
  const price = (s: string): number => venue.quote(s)!.ask;
  const known = new Date(T0 - 3_600_000).toISOString();
  const until = new Date(T0 + 86_400_000).toISOString();
  const row = (symbol: string, entryPct: number, pnl: number): string =>
    `${known},${symbol},buy,${(price(symbol) * (1 - entryPct)).toFixed(4)},${(price(symbol) * 1.05).toFixed(4)},${pnl},${until}`;
  writeFileSync(
    join(dir, 'signals.csv'),
    [
      'time,symbol,side,entry,take_profit,expected_pnl,valid_until',
      row('SOL/USD', 0.03, 300), // far from its limit: the natural victim
      row('LINK/USD', 0.003, 200),
      row('AVAX/USD', 0.001, 100),
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      // The scenario is built for the distance rule (SOL far from its limit is the victim).
      victimRanking: 'distance',
      live: {
        symbols: ['SOL/USD', 'LINK/USD', 'AVAX/USD'],
        orderFraction: 0.9,
        pollSec: 2,
        stateDb: db,
        signalsCsv: join(dir, 'signals.csv'),
        http: { port: 0 },
      },
    }),
  );
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string> = {}): RunChild {
  const child = new RunChild(['--broker', 'alpaca', '--config', join(dir, 'config.json')], {
    ALPACA_API_KEY_ID: KEY_ID,
    ALPACA_API_SECRET_KEY: SECRET,
    WORKSTEAL_ALPACA_URL: fake.url,
    WORKSTEAL_ALPACA_DATA_URL: fake.url,
    WORKSTEAL_ALPACA_STREAM_URL: fake.streamUrl,
    WORKSTEAL_TOKEN: 'token-of-the-crash-test',
    WORKSTEAL_LOG: logFile,
    ...env,
  });
  children.push(child);
  return child;
}

const once = <T>(event: string, match: (x: T) => boolean): Promise<T> =>
  new Promise((resolve) => {
    const on = (x: T): void => {
      if (!match(x)) return;
      fake.off(event, on);
      resolve(x);
    };
    fake.on(event, on);
  });

describe('kill -9 during a steal, then restart against the same venue', () => {
  let linkOrder: VenueOrder;
  let crashed: RunChild;
  let restarted: RunChild;
  let url: string;

  it('dies while the venue holds the victim in pending_cancel', async () => {
    const held = once<VenueOrder>('cancel-held', () => true);
    crashed = start();
    linkOrder = await held;
    // The saga is on disk before its cancel went out; its log line says so.
    await crashed.waitForEvent(
      (e) => e.event === 'saga' && e.symbol === 'AVAX/USD' && e.state === 'requested',
    );
    crashed.kill('SIGKILL');
    expect((await crashed.exited).signal).toBe('SIGKILL');
    expect(venue.order(linkOrder.id)!.status).toBe('pending_cancel');
    const steals = crashed.events().filter((e) => e.event === 'outcome' && e.status === 'stole');
    expect(steals.map((e) => e.symbol)).toEqual(['LINK/USD']);
  });

  it('restarts, carries the pending cancel through, and places nothing twice', async () => {
    // The venue confirms the held cancel once the restarted process asks about it again.
    void once<VenueOrder>('cancel-requested', (o) => o.id === linkOrder.id).then(() =>
      setTimeout(() => fake.releaseCancels(), 50),
    );
    restarted = start();
    url = String((await restarted.waitForEvent((e) => e.event === 'http')).url);
    const recovered = await restarted.waitForEvent((e) => e.event === 'saga-recovered');
    expect(recovered).toMatchObject({ state: 'aborted', cancelled: [linkOrder.id] });
    await restarted.waitForEvent((e) => e.event === 'outcome' && e.symbol === 'AVAX/USD');

    // No lost cancel: LINK's order is cancelled at the venue and the saga is closed in the store.
    expect(venue.order(linkOrder.id)!.status).toBe('canceled');
    // No duplicate: every client order id reached the venue once, and one entry at most rests per symbol.
    expect([...fake.created.values()].every((n) => n === 1)).toBe(true);
    const open = venue.openOrders();
    expect(new Set(open.map((o) => o.symbol)).size).toBe(open.length);
    const d = new Database(db, { readonly: true });
    try {
      expect(
        d
          .prepare("SELECT COUNT(*) AS n FROM sagas WHERE state NOT IN ('done','compensated','aborted')")
          .get(),
      ).toEqual({ n: 0 });
      expect(d.prepare('SELECT status FROM orders WHERE order_id = ?').get(linkOrder.id)).toEqual({
        status: 'canceled',
      });
    } finally {
      d.close();
    }
  });

  it('counts margin once: the ledger equals the venue', async () => {
    const status = (await (await fetch(`${url}/status`)).json()) as {
      capacity: { used: number; equity: number };
      openOrders: { id: string; role: string }[];
    };
    const venueOpen = venue.openOrders().filter((o) => o.side === 'buy');
    const venueUsed = venueOpen.reduce((a, o) => a + o.qty * o.limitPrice, 0);
    expect(status.openOrders.map((o) => o.id).sort()).toEqual(venueOpen.map((o) => o.id).sort());
    expect(status.capacity.used).toBeCloseTo(venueUsed, 6);
    // The venue's own buying power tells the same story: equity minus what the open orders hold.
    const bp = venue.account().buyingPower!.nonMarginable;
    expect(status.capacity.equity - status.capacity.used).toBeCloseTo(bp, 6);
  });

  it('keeps the cooldown of the steal before the crash; the interrupted one, never placed, records none', async () => {
    const status = (await (await fetch(`${url}/status`)).json()) as { cooldowns: { symbol: string }[] };
    expect(status.cooldowns.map((c) => c.symbol).sort()).toEqual(['SOL/USD']);
    const linkDecision = await restarted.waitForEvent(
      (e) => e.event === 'outcome' && e.symbol === 'LINK/USD',
    );
    // LINK is not cooling: AVAX's order never reached the venue, so (as a steal whose placement fails in
    // process) LINK's cancelled order was no steal. It finds nothing to take.
    expect(linkDecision).toMatchObject({ status: 'blocked', reason: 'no-eligible-victims' });
    // The history holds the steal that happened: LINK took from SOL before the crash.
    expect(restarted.events().find((e) => e.event === 'started')).toMatchObject({ stealHistory: 1 });
    const d = new Database(db, { readonly: true });
    try {
      expect(d.prepare('SELECT thief, victim FROM steals ORDER BY at, id').all()).toEqual([
        { thief: 'LINK/USD', victim: 'SOL/USD' },
      ]);
    } finally {
      d.close();
    }
    restarted.kill('SIGTERM');
    expect((await restarted.exited).code).toBe(0);
  });

  it('never writes the API keys: not to stdout, stderr, the log file, nor the SQLite store', async () => {
    // One more start with a wrong secret: the error paths must not echo it either.
    const refused = start({ ALPACA_API_SECRET_KEY: `${SECRET}-wrong` });
    const exit = await refused.exited;
    expect(exit.code).toBe(1);
    expect(refused.stderr.join('\n')).toMatch(/refused the API key; check ALPACA_API_KEY_ID/);
    const missing = runCli(['run', '--broker', 'alpaca', '--config', join(dir, 'config.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/set ALPACA_API_KEY_ID \(or APCA_API_KEY_ID\) and ALPACA_API_SECRET_KEY/);

    const outputs = children.flatMap((c) => [...c.lines, ...c.stderr]);
    expect(outputs.length).toBeGreaterThan(20);
    const files = [logFile, db, `${db}-wal`, `${db}-shm`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const text of [...outputs, ...files, missing.stdout, missing.stderr]) {
      expect(text).not.toContain(KEY_ID);
      expect(text).not.toContain(SECRET);
    }
  });
});
