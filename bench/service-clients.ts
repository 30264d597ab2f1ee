/**
 * The bots of the service bench, in their own process (as real bots are): CLIENTS keep-alive HTTP clients,
 * each sending requests one after another. The bench process (bench/service.ts) forks this file and asks
 * for one workload at a time; the answer is the wall time per request as a client sees it (round trip)
 * and the rate. Nothing here shares a thread with the service, so the service's event loop does only the
 * service's work.
 */
import { Agent, request as httpRequest } from 'node:http';

export const CLIENTS = 8;

export type Workload = 'warm-up' | 'decide' | 'place-cycle';

export interface WorkloadOrder {
  url: string;
  token: string;
  workload: Workload;
  perClient: number;
  /**
   * Open loop: requests per second over all clients, each sent at its scheduled time (or as soon as its
   * client's previous answer is in), its wall time counted from that schedule. Absent: closed loop.
   */
  rate?: number;
}

export interface WorkloadResult {
  workload: Workload;
  p50: number;
  p99: number;
  rate: number;
  n: number;
  /** CPU milliseconds this (the clients') process spent per request: it shares the cores with the service. */
  clientCpuMs: number;
}

type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

/** A keep-alive client (one socket per client, as a bot would hold one). */
function client(url: string, token: string): Call {
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
            authorization: `Bearer ${token}`,
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

/** Quantiles of the per-request wall times, the rate since `t0` and this process's CPU per request since `cpu`. */
function summary(
  samples: number[],
  requests: number,
  t0: number,
  cpu: NodeJS.CpuUsage,
): Omit<WorkloadResult, 'workload'> {
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  samples.sort((a, b) => a - b);
  return {
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    rate: requests / seconds,
    n: requests,
    clientCpuMs: (used.user + used.system) / 1000 / requests,
  };
}

/**
 * Run `perClient` rounds on every client at once; wall ms per request and the rate. Closed loop (no `rate`):
 * a round starts when its client's previous answer is in, and is timed from then. Open loop: client c's
 * round k is due at (k × CLIENTS + c) / rate seconds and is timed from that schedule, so a round that had to
 * wait for its client's previous answer counts the wait (no request is left out of the tail for having been
 * delayed).
 */
async function load(
  calls: Call[],
  perClient: number,
  one: (call: Call, client: number) => Promise<number>,
  rate?: number,
): Promise<Omit<WorkloadResult, 'workload'>> {
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let requests = 0;
  await Promise.all(
    calls.map(async (call, c) => {
      for (let k = 0; k < perClient; k++) {
        let started = performance.now();
        if (rate !== undefined) {
          started = t0 + ((k * calls.length + c) * 1000) / rate;
          const early = started - performance.now();
          if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
        }
        const n = await one(call, c);
        const ms = (performance.now() - started) / n;
        for (let i = 0; i < n; i++) samples.push(ms);
        requests += n;
      }
    }),
  );
  return summary(samples, requests, t0, cpu);
}

const entryRequest = (symbol: string, qty: number): Record<string, unknown> => ({
  symbol,
  assetClass: 'crypto',
  side: 'buy',
  limitPrice: 100,
  qty,
  price: 100.1,
  forecastPnl: 5,
  cryptoRank: null,
});

let venueId = 0;

const ROUNDS: Record<Workload, (call: Call, c: number) => Promise<number>> = {
  // Needs 5,000 with 1,000 free and every resting order protected: evaluated in full, blocked.
  'warm-up': async (call, c) => (await call('POST', '/v1/requests', entryRequest(`B${c}/USD`, 50)), 1),
  decide: async (call, c) => (await call('POST', '/v1/requests', entryRequest(`B${c}/USD`, 50)), 1),
  // A request that places, the bot's placement report, then its cancel of that order: three round trips.
  'place-cycle': async (call, c) => {
    const answer = (await call('POST', '/v1/requests', entryRequest(`P${c}/USD`, 1))) as {
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
  },
};

/** The clients of the server named last (a new server gets new connections). */
let clients: { url: string; calls: Call[] } | null = null;

process.on('message', (order: WorkloadOrder) => {
  if (clients?.url !== order.url)
    clients = {
      url: order.url,
      calls: Array.from({ length: CLIENTS }, () => client(order.url, order.token)),
    };
  const round = ROUNDS[order.workload];
  const run = load(clients.calls, order.perClient, round, order.rate);
  run.then(
    (r) => process.send!({ workload: order.workload, ...r } satisfies WorkloadResult),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
});
