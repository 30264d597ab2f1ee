import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumBrowser } from '../support/external-tools.js';
import { checkPage } from '../support/browser.js';
import { ROOT } from '../support/cli.js';
import { RunChild } from '../support/fake-alpaca.js';
import { requireMarketData } from '../support/marketdata.js';

/**
 * `worksteal run --broker replay` as a user runs it: a child process, a few days of real bars for three
 * crypto pairs and two stocks, tight capacity, HTTP on 127.0.0.1. Then what the store recorded and what
 * /metrics counts must agree, the control endpoints must want the token, the status page must render in
 * headless Chromium, and SIGTERM must cancel resting entries and flush the store.
 */
const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  'polygon-spy-peachy88/SPY_hourly.csv',
];
const TOKEN = 'control-token-for-tests';
const browserTool = chromiumBrowser('the status-page check');
const itWithBrowser = it.skipIf(browserTool.missing);
const dir = mkdtempSync(join(tmpdir(), 'worksteal-run-'));
const db = join(dir, 'state.sqlite');
let child: RunChild;
let url: string;
let hook: Server;
const hooked: unknown[] = [];

beforeAll(async () => {
  const data = requireMarketData();
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooked.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      sim: { feesBps: 0 },
      live: {
        initialEquity: 10_000,
        orderFraction: 0.45,
        pollSec: 3600,
        replaySpeed: 5_000_000,
        stateDb: db,
        http: { port: 0 },
        alerts: {
          minDecisions: 20,
          window: 50,
          stealSuccessBelow: 0.95,
          blockRateAbove: 0.5,
          webhookUrl: hookUrl,
        },
      },
    }),
  );
  child = new RunChild(
    [
      '--broker',
      'replay',
      '--config',
      join(dir, 'config.json'),
      '--data',
      ...FILES.map((f) => join(data, f)),
      '--from',
      '2024-03-04',
      '--to',
      '2024-03-09',
      '--keep-serving',
    ],
    { WORKSTEAL_TOKEN: TOKEN },
  );
  const http = await child.waitForEvent((e) => e.event === 'http');
  url = String(http.url);
  await child.waitForEvent((e) => e.event === 'replay-finished', 90_000);
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await new Promise<void>((r) => hook?.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** `name{a="b"} 3` lines of the Prometheus text format, as name + sorted labels → value. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (m) out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

const count = (d: Database.Database, sql: string, ...args: unknown[]): number =>
  Number((d.prepare(sql).get(...args) as { n: number }).n);

describe('worksteal run --broker replay (child process, real bars)', () => {
  it('places, steals and blocks, and the SQLite store and /metrics agree', async () => {
    const metrics = parseMetrics(await (await fetch(`${url}/metrics`)).text());
    const d = new Database(db, { readonly: true });
    try {
      const byAction = d.prepare('SELECT action, COUNT(*) AS n FROM decisions GROUP BY action').all() as {
        action: string;
        n: number;
      }[];
      for (const { action, n } of byAction)
        expect(metrics.get(`worksteal_decisions_total{action="${action}"}`)).toBe(n);
      const actions = byAction.map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['place', 'steal', 'block']));

      const byReason = d
        .prepare("SELECT reason, COUNT(*) AS n FROM decisions WHERE action = 'block' GROUP BY reason")
        .all() as { reason: string; n: number }[];
      expect(byReason.length).toBeGreaterThan(0);
      for (const { reason, n } of byReason)
        expect(metrics.get(`worksteal_blocks_total{reason="${reason}"}`)).toBe(n);

      const steals = count(d, "SELECT COUNT(*) AS n FROM decisions WHERE outcome = 'stole'");
      expect(steals).toBeGreaterThan(0);
      expect(metrics.get('worksteal_steals_total')).toBe(steals);
      expect(metrics.get('worksteal_steal_attempts_total')).toBe(
        count(d, 'SELECT SUM(steal_attempt) AS n FROM decisions'),
      );
      expect(metrics.get('worksteal_fights_total')).toBe(
        count(d, "SELECT COUNT(*) AS n FROM decisions WHERE outcome = 'stole' AND fight = 1"),
      );
      // Every completed steal left its victims' symbols in the steal history (cooldowns persist).
      expect(count(d, 'SELECT COUNT(*) AS n FROM steals')).toBeGreaterThanOrEqual(steals);
      expect(
        count(d, "SELECT COUNT(*) AS n FROM sagas WHERE state NOT IN ('done','compensated','aborted')"),
      ).toBe(0);

      // Margin gauges are the ledger's numbers after the last poll.
      const status = (await (await fetch(`${url}/status`)).json()) as {
        capacity: { used: number; claimed: number; free: number; capacity: number };
      };
      expect(metrics.get('worksteal_margin_used')).toBeCloseTo(status.capacity.used, 6);
      expect(metrics.get('worksteal_margin_free')).toBeCloseTo(status.capacity.free, 6);
      // No saga is in flight once the run is over: nothing claimed, and free is what the orders leave.
      expect(status.capacity.claimed).toBe(0);
      expect(metrics.get('worksteal_margin_claimed')).toBe(0);
      expect(status.capacity.free).toBeCloseTo(
        Math.max(0, status.capacity.capacity - status.capacity.used),
        6,
      );
      expect(metrics.get('worksteal_decision_latency_seconds_count')).toBe(
        count(d, 'SELECT COUNT(*) AS n FROM decisions WHERE outcome IS NOT NULL'),
      );
      // Every decision of the coordinator keeps its reason in words; the end-of-day rows have none.
      expect(
        count(
          d,
          "SELECT COUNT(*) AS n FROM decisions WHERE detail IS NULL AND action NOT LIKE 'deleverage-%'",
        ),
      ).toBe(0);
      const blockedWhy = d
        .prepare("SELECT detail FROM decisions WHERE action = 'block' AND detail LIKE 'short of %' LIMIT 1")
        .get() as { detail: string } | undefined;
      expect(blockedWhy?.detail).toMatch(/^short of [\d,]+\.\d\d of margin \(needs /);

      // The alert thresholds of this run are crossed: a log line, a counter, the webhook, a stored event.
      const alerts = child.events().filter((e) => e.event === 'alert');
      expect(alerts.length).toBeGreaterThan(0);
      expect(count(d, "SELECT COUNT(*) AS n FROM events WHERE kind = 'alert'")).toBe(alerts.length);
      expect(hooked.length).toBe(alerts.length);
      expect(hooked[0]).toMatchObject({ source: 'worksteal', kind: alerts[0]!.kind });
    } finally {
      d.close();
    }
  });

  it('control endpoints refuse requests without the bearer token', async () => {
    const post = (path: string, token?: string) =>
      fetch(`${url}${path}`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await post('/control/pause')).status).toBe(401);
    expect((await post('/control/pause', 'wrong-token')).status).toBe(401);
    expect(((await (await fetch(`${url}/status`)).json()) as { paused: boolean }).paused).toBe(false);

    const paused = await post('/control/pause', TOKEN);
    expect(paused.status).toBe(200);
    expect(await paused.json()).toMatchObject({ ok: true, paused: true });
    expect(await (await post('/control/dry-run/on', TOKEN)).json()).toMatchObject({ dryRun: true });
    expect(await (await post('/control/dry-run/off', TOKEN)).json()).toMatchObject({ dryRun: false });
    expect(await (await post('/control/resume', TOKEN)).json()).toMatchObject({ paused: false });
    expect((await fetch(`${url}/control/pause`)).status).toBe(405);
  });

  itWithBrowser('the status page shows open orders, distances and capacity (Chromium)', async () => {
    const status = (await (await fetch(`${url}/status`)).json()) as {
      now: string;
      openOrders: { symbol: string; distance: number | null; quoteTime: string | null }[];
      capacity: { used: number; capacity: number };
      quotes: { symbol: string; time: string }[];
    };
    // Every watched symbol has a price, made by the replay's clock at the latest.
    expect(status.quotes.length).toBeGreaterThan(0);
    expect(status.quotes.every((q) => Date.parse(q.time) <= Date.parse(status.now))).toBe(true);
    expect(status.openOrders.length).toBeGreaterThan(0);
    const browser = await chromium.launch({
      executablePath: browserTool.path!,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(url);
      await page.waitForSelector('body[data-loaded="true"]');
      const rows = await page.$$eval('#orders tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
      expect(rows).toHaveLength(status.openOrders.length);
      expect(rows.map((r) => r[0])).toEqual(status.openOrders.map((o) => o.symbol));
      // The distance column shows percentages for every order with a price.
      expect(rows.every((r) => /%$|—/.test(r[5] ?? ''))).toBe(true);
      // Beside it, how old the symbol's last quote is.
      expect(rows.every((r) => /^\d+ (s|min|h) ago$/.test(r[6] ?? ''))).toBe(true);
      const prices = await page.$$eval('#quotes tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
      expect(prices.map((r) => r[0])).toEqual(status.quotes.map((q) => q.symbol));
      expect(prices.every((r) => /^\d+ (s|min|h) ago$/.test(r[4] ?? ''))).toBe(true);
      const capacity = await page.textContent('#capacity-text');
      expect(capacity).toMatch(/^used [\d,.]+ of [\d,.]+ \(/);
      // Positions carry entry price and unrealised PnL columns; repeated decisions are grouped with a count.
      expect(await page.$$eval('#positions thead th', (ths) => ths.map((th) => th.textContent))).toEqual(
        expect.arrayContaining(['entry', 'unrealised PnL']),
      );
      const counts = await page.$$eval('#decisions tbody tr td:nth-child(2)', (tds) =>
        tds.map((td) => Number(td.textContent)),
      );
      expect(counts.every((n) => n >= 1)).toBe(true);
      // Each group says why in words (its newest decision's reason, with the numbers).
      const why = await page.$$eval('#decisions tbody tr td:nth-child(8)', (tds) =>
        tds.map((td) => td.textContent ?? ''),
      );
      expect(why.length).toBe(counts.length);
      expect(why.filter((w) => w.length > 20).length).toBeGreaterThan(0);
      const check = await checkPage(browser, url, 'status-page-charts');
      expect(check.foreignRequests).toEqual([]);
      expect(check.errors).toEqual([]);
      for (const id of ['chart-equity', 'chart-margin', 'chart-decisions'])
        expect(check.ink[id], id).toBeGreaterThan(20);
      const shot = join(dir, 'status-page.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(1000);
      if (process.env.CI) {
        const artifacts = join(ROOT, 'test-artifacts');
        mkdirSync(artifacts, { recursive: true });
        await page.screenshot({ path: join(artifacts, 'status-page.png'), fullPage: true });
      }
    } finally {
      await browser.close();
    }
  });

  it('SIGTERM after the replay stops cleanly and flushes the store', async () => {
    child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.events().find((e) => e.event === 'stopped')).toMatchObject({
      reason: 'SIGTERM',
      cancelledEntries: 0,
    });
    // The WAL was folded into the database file on close: the file alone holds every write.
    expect(!existsSync(`${db}-wal`) || statSync(`${db}-wal`).size === 0).toBe(true);
    const after = new Database(db, { readonly: true });
    try {
      const run = after
        .prepare('SELECT stopped_at, stop_reason FROM runs ORDER BY id DESC LIMIT 1')
        .get() as {
        stopped_at: number | null;
        stop_reason: string;
      };
      expect(run).toMatchObject({ stop_reason: 'SIGTERM' });
      expect(run.stopped_at).not.toBeNull();
    } finally {
      after.close();
    }
  });

  it('SIGTERM in the middle of a replay with --cancel-on-stop cancels the resting entries', async () => {
    const db2 = join(dir, 'stop.sqlite');
    const run = new RunChild(
      [
        '--broker',
        'replay',
        '--config',
        join(dir, 'config.json'),
        '--data',
        ...FILES.map((f) => join(requireMarketData(), f)),
        '--from',
        '2024-03-04',
        '--to',
        '2024-03-09',
        '--speed',
        '3600',
        '--db',
        db2,
        '--port',
        '0',
        '--cancel-on-stop',
      ],
      {},
    );
    try {
      await run.waitForEvent((e) => e.event === 'outcome' && e.status === 'placed');
      run.kill('SIGTERM');
      expect(await run.exited).toEqual({ code: 0, signal: null });
      const stopped = run.events().find((e) => e.event === 'stopped');
      expect(stopped).toMatchObject({ reason: 'SIGTERM' });
      expect(Number(stopped!.cancelledEntries)).toBeGreaterThan(0);
      const d = new Database(db2, { readonly: true });
      try {
        expect(count(d, "SELECT COUNT(*) AS n FROM orders WHERE role = 'entry' AND status = 'open'")).toBe(0);
        expect(
          count(d, "SELECT COUNT(*) AS n FROM orders WHERE role = 'entry' AND status = 'canceled'"),
        ).toBeGreaterThan(0);
        expect(
          count(d, "SELECT COUNT(*) AS n FROM sagas WHERE state NOT IN ('done','compensated','aborted')"),
        ).toBe(0);
        expect(d.prepare('SELECT stop_reason FROM runs').get()).toEqual({ stop_reason: 'SIGTERM' });
      } finally {
        d.close();
      }
    } finally {
      run.kill('SIGKILL');
    }
  });
});
