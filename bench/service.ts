/**
 * `worksteal serve` over loopback: 8 concurrent clients (keep-alive connections), each sending requests one
 * after another. Two workloads, on an advisory service with its SQLite store (every decision is written):
 * - decide: an entry request decided against 100 resting orders (all protected, so every candidate is
 *   evaluated and the request is blocked; no saga, nothing changes between requests);
 * - place cycle: a request that places (its saga waits for the placement report), the report, then the
 *   bot's cancel of that order as an order event: three round trips, serialized through the coordinator.
 * Prints p50 / p99 of the wall time per request (round trip as a client sees it) and requests per second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request as httpRequest } from 'node:http';
import { nyseCalendar } from '../dist/core/calendar/index.js';
import { resolveConfig } from '../dist/core/config/resolve.js';
import { Logger } from '../dist/ports/log.js';
import { LiveMetrics } from '../dist/live/metrics.js';
import { LiveStore } from '../dist/live/store.js';
import { realTimers } from '../dist/service/advisory-broker.js';
import { startServiceHttp } from '../dist/service/http.js';
import { CoordinatorService } from '../dist/service/service.js';
import { fmt, printTable } from './util.js';

const CLIENTS = 8;
const TOKEN = 'bench-token';
const GOAL_P99_MS = 5;

type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

/** A keep-alive client (one socket per client, as a bot would hold one). */
function client(url: string): Call {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = httpRequest(
        {
          agent,
          hostname,
          port,
          path,
          method,
          headers: {
            authorization: `Bearer ${TOKEN}`,
            ...(data
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
            else resolve(JSON.parse(text));
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Run `perClient` requests on each of the clients at once; wall ms per request and the rate. */
async function load(
  calls: Call[],
  perClient: number,
  one: (call: Call, client: number, i: number) => Promise<number>,
): Promise<{ p50: number; p99: number; rate: number; n: number }> {
  const samples: number[] = [];
  const t0 = performance.now();
  let requests = 0;
  await Promise.all(
    calls.map(async (call, c) => {
      for (let i = 0; i < perClient; i++) {
        const started = performance.now();
        const n = await one(call, c, i);
        const ms = (performance.now() - started) / n;
        for (let k = 0; k < n; k++) samples.push(ms);
        requests += n;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  samples.sort((a, b) => a - b);
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), rate: requests / seconds, n: requests };
}

export async function benchService(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-bench-service-'));
  const { config } = resolveConfig({
    layers: [{ source: 'bench', values: { live: { stateDb: join(dir, 's.sqlite') } } }],
  });
  const store = new LiveStore(config.live.stateDb);
  const metrics = new LiveMetrics();
  const log = new Logger([{ write: () => undefined }]);
  const service = new CoordinatorService({
    config,
    store,
    log,
    metrics,
    timers: realTimers,
    calendar: nyseCalendar(),
    mode: { kind: 'advisory', deadlineMs: 30_000, account: { equity: 100_000, patternDayTrader: false } },
    runTag: 'bench',
  });
  const server = await startServiceHttp({ host: '127.0.0.1', port: 0, token: TOKEN, service, metrics, log });
  try {
    // 100 resting crypto entries, each 0.1% from its limit (protected), together holding 99,000 of 100,000.
    for (let i = 0; i < 100; i++) {
      service.event({
        kind: 'placed',
        order: {
          id: `r${i}`,
          symbol: `R${i}/USD`,
          assetClass: 'crypto',
          side: 'buy',
          role: 'entry',
          limitPrice: 100,
          qty: 9.9,
          price: 100.1,
          forecastPnl: i,
          placedAt: 0,
          probe: false,
          external: false,
        },
      });
    }
    const calls = Array.from({ length: CLIENTS }, () => client(server.url));
    const request = (symbol: string, qty: number) => ({
      symbol,
      assetClass: 'crypto',
      side: 'buy',
      limitPrice: 100,
      qty,
      price: 100.1,
      forecastPnl: 5,
      cryptoRank: null,
    });
    await load(
      calls,
      50,
      async (call, c) => (await call('POST', '/v1/requests', request(`B${c}/USD`, 50)), 1),
    );
    const decide = await load(calls, 200, async (call, c) => {
      await call('POST', '/v1/requests', request(`B${c}/USD`, 50)); // needs 5,000 with 1,000 free: blocked
      return 1;
    });
    let venueId = 0;
    const cycle = await load(calls, 40, async (call, c) => {
      const answer = (await call('POST', '/v1/requests', request(`P${c}/USD`, 1))) as {
        saga: { sagaId: string; waitingFor: { order: { clientOrderId: string } }[] };
      };
      const id = `v${++venueId}`;
      await call('POST', `/v1/sagas/${answer.saga.sagaId}/reports`, {
        kind: 'placed',
        clientOrderId: answer.saga.waitingFor[0]!.order.clientOrderId,
        orderId: id,
      });
      await call('POST', '/v1/events', { kind: 'cancelled', orderId: id });
      return 3;
    });
    printTable(
      ['workload', 'requests', 'p50 ms', 'p99 ms', 'requests/s'],
      [
        [
          'decide (100 orders, blocked)',
          fmt(decide.n),
          fmt(decide.p50, 2),
          fmt(decide.p99, 2),
          fmt(decide.rate),
        ],
        ['place cycle (3 round trips)', fmt(cycle.n), fmt(cycle.p50, 2), fmt(cycle.p99, 2), fmt(cycle.rate)],
      ],
    );
    const worst = Math.max(decide.p99, cycle.p99);
    console.log(
      `\n${CLIENTS} concurrent clients over loopback; worst p99 ${fmt(worst, 2)} ms per request (goal: under ${GOAL_P99_MS} ms): ${worst < GOAL_P99_MS ? 'met' : 'NOT met'}`,
    );
  } finally {
    await server.close();
    await service.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
