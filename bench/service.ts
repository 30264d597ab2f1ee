/**
 * `worksteal serve` over loopback: 8 concurrent clients (keep-alive connections, in a process of their own:
 * bench/service-clients.ts), each sending requests one after another. Two workloads, on an advisory service
 * with its SQLite store (every decision is written):
 * - decide: an entry request decided against 100 resting orders (all protected, so every candidate is
 *   evaluated and the request is blocked; no saga, nothing changes between requests);
 * - place cycle: a request that places (its saga waits for the placement report), the report, then the
 *   bot's cancel of that order as an order event: three round trips, serialized through the coordinator.
 * The decide workload runs a second time open loop, at a fixed rate, as bots that ask when their signals say
 * so would: the wall times of a service that is not saturated (the closed-loop rows measure one that is).
 * Prints p50 / p99 of the wall time per request (round trip as a client sees it), requests per second, the
 * CPU time the service's process spent per request and the clients' process's own CPU per request (the two
 * share the machine's cores). A last row is the floor: the same clients and decide workload against an HTTP
 * server that does nothing but read the body and send a fixed answer of the same size; no service can answer
 * these clients faster than that on the same machine. Under wrk a second floor puts the service's own HTTP
 * layer (host check, bearer token, routing, body validation, the answer's JSON) in front of a service that
 * answers the same fixed blocked answer at once: what the HTTP layer costs apart from deciding and storing.
 * When wrk is installed (bench/service-wrk.ts), the closed-loop rows and the floor run again with wrk as the
 * 8 clients: a load generator whose own cost per request is a small fraction of the Node clients', so its
 * rows are the service's latency; the goal is judged on them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { nyseCalendar } from '../dist/core/calendar/index.js';
import { resolveConfig } from '../dist/core/config/resolve.js';
import { Logger } from '../dist/ports/log.js';
import { LiveMetrics } from '../dist/live/metrics.js';
import { LiveStore } from '../dist/live/store.js';
import { realTimers } from '../dist/service/advisory-broker.js';
import { startServiceHttp, type ServiceHttp } from '../dist/service/http.js';
import { CoordinatorService } from '../dist/service/service.js';
import { CLIENTS, type Workload, type WorkloadResult } from './service-clients.js';
import { recordHandlerTimes } from './service-handler-times.js';
import { runWrk, wrkAvailable, type WrkScript } from './service-wrk.js';
import { fmt, printTable } from './util.js';

const TOKEN = 'bench-token';
const GOAL_P99_MS = 5;
/**
 * The open-loop row's rate (requests per second over the 8 clients): bots that ask when their signals say so,
 * not as fast as they can; the goal is judged on the closed-loop rows.
 */
const OPEN_LOOP_RATE = 200;

interface Measured extends Omit<WorkloadResult, 'clientCpuMs'> {
  /** CPU milliseconds the service's process (all its threads) spent per request. */
  cpuMs: number;
  /** The Node clients' process's CPU per request (not measured for wrk). */
  clientCpuMs: number | null;
  /** p99 of the time inside the HTTP handler (bench/service-handler-times.ts), ms. */
  handlerP99: number;
}

/** wrk's rows (bench/service-wrk.ts): the same workloads closed loop, the service's CPU taken around them. */
async function runWrkWorkload(url: string, script: WrkScript, seconds: number): Promise<Measured> {
  const before = process.cpuUsage();
  const handler = recordHandlerTimes();
  const r = await runWrk(url, script, seconds, TOKEN);
  const handlerP99 = handler.stop();
  const used = process.cpuUsage(before);
  if (r.failed > 0 || r.socketErrors > 0)
    throw new Error(`wrk ${script}: ${r.failed} answers other than 200, ${r.socketErrors} socket errors`);
  return {
    workload: script === 'decide' ? 'decide' : 'place-cycle',
    p50: r.p50us / 1000,
    p99: r.p99us / 1000,
    rate: r.requests / r.seconds,
    n: r.requests,
    cpuMs: (used.user + used.system) / 1000 / r.requests,
    clientCpuMs: null,
    handlerP99,
  };
}

/** Seconds each wrk row runs (after a 2-second warm-up). */
const WRK_SECONDS = 6;

/**
 * Ask the client process for one workload; the service process's CPU time is taken around it (unlike wall
 * times, it hardly moves when other work shares the machine).
 */
function runWorkload(
  clients: ChildProcess,
  url: string,
  workload: Workload,
  perClient: number,
  rate?: number,
): Promise<Measured> {
  const before = process.cpuUsage();
  const handler = recordHandlerTimes();
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => {
      handler.stop();
      reject(new Error(`bench clients exited with ${code}`));
    };
    clients.once('exit', onExit);
    clients.once('message', (r: WorkloadResult) => {
      clients.off('exit', onExit);
      const handlerP99 = handler.stop();
      const used = process.cpuUsage(before);
      resolve({ ...r, cpuMs: (used.user + used.system) / 1000 / r.n, handlerP99 });
    });
    clients.send({ url, token: TOKEN, workload, perClient, ...(rate === undefined ? {} : { rate }) });
  });
}

export async function benchService(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-bench-service-'));
  const { config } = resolveConfig({
    layers: [{ source: 'bench', values: { live: { stateDb: join(dir, 's.sqlite') } } }],
  });
  const store = new LiveStore(config.live.stateDb, { backgroundCheckpoints: true });
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
    const clients = fork(new URL('./service-clients.js', import.meta.url));
    const floor = await emptyServer();
    const rows: [string, Measured][] = [];
    try {
      await runWorkload(clients, server.url, 'warm-up', 50);
      rows.push(['decide (100 orders, blocked)', await runWorkload(clients, server.url, 'decide', 200)]);
      rows.push(['place cycle (3 round trips)', await runWorkload(clients, server.url, 'place-cycle', 40)]);
      rows.push([
        `decide, open loop at ${OPEN_LOOP_RATE}/s`,
        await runWorkload(clients, server.url, 'decide', 100, OPEN_LOOP_RATE),
      ]);
      await runWorkload(clients, floor.url, 'warm-up', 50);
      rows.push(['floor: empty server, decide', await runWorkload(clients, floor.url, 'decide', 200)]);
    } finally {
      clients.kill();
    }
    const wrkRows: [string, Measured][] = [];
    if (wrkAvailable()) {
      await runWrk(server.url, 'decide', 2, TOKEN);
      wrkRows.push(['decide (100 orders, blocked)', await runWrkWorkload(server.url, 'decide', WRK_SECONDS)]);
      wrkRows.push([
        'place cycle (3 round trips)',
        await runWrkWorkload(server.url, 'place-cycle', WRK_SECONDS),
      ]);
      await runWrk(floor.url, 'decide', 2, TOKEN);
      wrkRows.push(['floor: empty server, decide', await runWrkWorkload(floor.url, 'decide', WRK_SECONDS)]);
      const layer = await httpLayerOnly(metrics, log);
      try {
        await runWrk(layer.url, 'decide', 2, TOKEN);
        wrkRows.push([
          'floor: HTTP layer, fixed answer',
          await runWrkWorkload(layer.url, 'decide', WRK_SECONDS),
        ]);
      } finally {
        await layer.close();
      }
    }
    await floor.close();
    report(rows, wrkRows);
  } finally {
    await server.close();
    await service.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The answer the decide workload gets from the service (every request blocked), for the floors. */
const BLOCKED_ANSWER = {
  status: 'blocked',
  action: 'block',
  reason: 'no-eligible-victims',
  victims: [],
  replaces: null,
  detail: null,
  orderId: null,
  saga: null,
};

/**
 * The service's HTTP layer in front of a stand-in that answers every entry request with BLOCKED_ANSWER at
 * once and has nothing to commit: the decide workload against it costs routing, the token, validation and
 * the answer's JSON, without the decision and its store writes.
 */
function httpLayerOnly(metrics: LiveMetrics, log: Logger): Promise<ServiceHttp> {
  const standIn = {
    request: () => Promise.resolve(BLOCKED_ANSWER),
    durable: () => Promise.resolve(),
  } as unknown as CoordinatorService;
  return startServiceHttp({ host: '127.0.0.1', port: 0, token: TOKEN, service: standIn, metrics, log });
}

/**
 * An HTTP server that only reads and parses each body and answers the bytes of a blocked answer: against it,
 * the decide workload measures what the clients and the loopback cost on their own.
 */
async function emptyServer(): Promise<{ url: string; close(): Promise<void> }> {
  const answer = Buffer.from(JSON.stringify(BLOCKED_ANSWER));
  const empty = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
      res.end(answer);
    });
  });
  empty.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
  const { port } = empty.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      empty.closeAllConnections();
      await new Promise((resolve) => empty.close(resolve));
    },
  };
}

function report(rows: [string, Measured][], wrkRows: [string, Measured][]): void {
  const line = (client: string, [name, m]: [string, Measured]): string[] => [
    name,
    client,
    fmt(m.n),
    fmt(m.p50, 2),
    fmt(m.p99, 2),
    fmt(m.handlerP99, 2),
    fmt(m.rate),
    fmt(m.cpuMs, 3),
    m.clientCpuMs === null ? '-' : fmt(m.clientCpuMs, 3),
  ];
  printTable(
    [
      'workload',
      'clients',
      'requests',
      'p50 ms',
      'p99 ms',
      'p99 in handler ms',
      'requests/s',
      'service CPU ms/request',
      'clients CPU ms/request',
    ],
    [...rows.map((r) => line('Node', r)), ...wrkRows.map((r) => line('wrk', r))],
  );
  // The goal is judged on the closed-loop service rows of the cheaper clients (wrk when it is installed).
  const judged = wrkRows.length ? wrkRows : rows;
  const closed = judged.filter(([name]) => name.startsWith('decide (') || name.startsWith('place cycle'));
  const worst = Math.max(...closed.map(([, m]) => m.p99));
  const floor = judged.find(([name]) => name.startsWith('floor: empty'))![1];
  const layer = judged.find(([name]) => name.startsWith('floor: HTTP layer'))?.[1];
  const by = wrkRows.length ? 'wrk' : 'Node clients (install wrk for rows without their cost)';
  console.log(
    `\n${CLIENTS} concurrent closed-loop clients over loopback (${by}): worst p99 ${fmt(worst, 2)} ms per request (goal: under ${GOAL_P99_MS} ms): ${worst < GOAL_P99_MS ? 'met' : 'NOT met'}; the empty server's p99 with the same clients: ${fmt(floor.p99, 2)} ms${layer ? `, the service's HTTP layer alone: ${fmt(layer.p99, 2)} ms` : ''}`,
  );
}
