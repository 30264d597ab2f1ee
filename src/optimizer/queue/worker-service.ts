/**
 * The consumer side of the queue (`worksteal worker`): takes evaluation jobs, runs them on a local thread
 * pool, returns the scores.
 *
 * Per study (objective hash) the data is loaded once from the paths in the job, checked against their
 * SHA-256, put in shared memory and handed to a pool, which is kept for the following jobs. Evaluations run
 * in pool threads, never in this process's event loop: BullMQ renews a job's lock from the event loop, and
 * a loop blocked for seconds by a simulation would have its own live jobs declared stalled.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkPathMaps, loadRefs } from '../data.js';
import { PoolEvaluator } from '../evaluators/pool.js';
import { codeVersion } from '../hash.js';
import { encodeJson } from '../json.js';
import { evaluationHash, objectiveHashOf } from '../study.js';
import { DEFAULT_QUEUE_NAME, queueConnection, readyWithin, redactUrl } from './connection.js';
import { watchRedis, type RedisWatch } from './outage.js';
import { jobLabel, type EvaluateJobData, type EvaluateJobResult } from './protocol.js';

export interface WorkerServiceOptions {
  url: string;
  queueName?: string;
  /** Evaluations at once (one pool thread each); default: the cores of this machine. */
  threads: number;
  /** BullMQ lock duration: a job whose worker stops renewing its lock for this long counts as stalled. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (its own and other workers'). */
  stalledIntervalMs?: number;
  /** Stalls a job may have before it fails for good. */
  maxStalledCount?: number;
  /** `FROM=TO` path prefix maps for data files that live elsewhere on this machine. */
  pathMaps?: string[];
  /** Bar cache folder (default as `simulate`), or null for none. */
  cacheDir?: string | null;
  /** How long to wait for Redis at start (default 5 s). */
  connectTimeoutMs?: number;
  /** Wait this long before each job (fault-injection tests hold a job with it). */
  delayMs?: number;
  /**
   * A stop during a Redis outage waits this long for Redis to come back (default 5 s), then ends without
   * handing back the jobs it held: Redis is needed to do that, and they return to the queue by themselves.
   */
  stopGraceMs?: number;
  log?: (line: string) => void;
}

export interface WorkerService {
  id: string;
  /** Jobs this worker finished. */
  readonly completed: number;
  /**
   * Stops taking jobs and lets the running ones finish and be handed back. With Redis unreachable for
   * `stopGraceMs` it stops anyway: `left` says how many jobs it held whose results Redis never got.
   */
  close(): Promise<{ left: number; unreachable: boolean }>;
}

/** A client error that only says Redis is out of reach: the outage line says that, once. */
const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection is closed/u;

interface StudyContext {
  pool: PoolEvaluator;
  lastUsed: number;
}

/** Pools kept for studies seen recently; a coordinator runs one study at a time, so a few is plenty. */
const MAX_CONTEXTS = 2;

export async function startWorkerService(opts: WorkerServiceOptions): Promise<WorkerService> {
  checkPathMaps(opts.pathMaps ?? []);
  const id = `${os.hostname()}:${process.pid}`;
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const version = codeVersion();
  const contexts = new Map<string, Promise<StudyContext>>();
  let active = 0;
  let completed = 0;
  /** Jobs started and not yet confirmed by Redis as completed or failed. */
  const held = new Set<string>();

  const evict = async (): Promise<void> => {
    // Only between jobs: a pool in use is never closed under a running evaluation.
    if (contexts.size <= MAX_CONTEXTS || active > 0) return;
    const entries = await Promise.all(
      [...contexts].map(async ([k, p]) => [k, await p.catch(() => null)] as const),
    );
    const oldest = entries
      .filter((e): e is readonly [string, StudyContext] => e[1] !== null)
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
    if (!oldest) return;
    contexts.delete(oldest[0]);
    await oldest[1].pool.close();
  };

  const contextFor = (d: EvaluateJobData): Promise<StudyContext> => {
    let ctx = contexts.get(d.objectiveHash);
    if (!ctx) {
      ctx = (async () => {
        const t0 = performance.now();
        const series = await loadRefs(d.spec.data, {
          onBadData: d.spec.onBadData,
          pathMaps: opts.pathMaps ?? [],
          ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
        });
        log(
          `${jobLabel(d)}: loaded ${series.map((s) => s.symbol).join(', ')} in ${(performance.now() - t0).toFixed(0)} ms`,
        );
        return { pool: new PoolEvaluator(d.spec, series, opts.threads), lastUsed: Date.now() };
      })();
      // A failed load is not cached: the next job tries again (the file may have been fixed meanwhile).
      ctx.catch(() => contexts.delete(d.objectiveHash));
      contexts.set(d.objectiveHash, ctx);
    }
    return ctx;
  };

  const process_ = async (job: Job<EvaluateJobData, EvaluateJobResult>): Promise<EvaluateJobResult> => {
    const d = job.data;
    const short = d.hash.slice(0, 12);
    // Each line names the study as the coordinator does, so a worker serving several is read at a glance.
    log(`${jobLabel(d)}: start ${short} attempt ${job.attemptsStarted}`);
    if (job.id) held.add(job.id);
    if (opts.delayMs) await sleep(opts.delayMs);
    if (d.spec.codeVersion !== version) {
      throw new UnrecoverableError(
        `worker ${id} runs worksteal code ${version}, the study was started with ${d.spec.codeVersion}; run the same build (same source, or the same dist/) on every machine`,
      );
    }
    if (objectiveHashOf(d.spec) !== d.objectiveHash || evaluationHash(d.objectiveHash, d.params) !== d.hash) {
      throw new UnrecoverableError(
        `job ${job.id} does not match its own hashes; it was altered in the queue`,
      );
    }
    let ctx: StudyContext;
    try {
      ctx = await contextFor(d);
    } catch (error) {
      // Wrong or missing data will not fix itself by retrying on this worker.
      throw new UnrecoverableError(`worker ${id}: ${(error as Error).message}`);
    }
    ctx.lastUsed = Date.now();
    active++;
    try {
      const [outcome] = await ctx.pool.evaluate([{ hash: d.hash, params: d.params }]);
      if (!outcome) throw new Error('the pool returned no result');
      log(`${jobLabel(d)}: done ${short} in ${outcome.elapsedMs.toFixed(0)} ms`);
      completed++;
      return {
        hash: d.hash,
        evaluation: encodeJson(outcome.evaluation),
        elapsedMs: outcome.elapsedMs,
        worker: id,
        attempt: job.attemptsStarted,
      };
    } finally {
      active--;
      void evict();
    }
  };

  const connection = queueConnection(opts.url);
  const worker = new Worker<EvaluateJobData, EvaluateJobResult>(
    opts.queueName ?? DEFAULT_QUEUE_NAME,
    process_,
    {
      connection: connection.options,
      concurrency: opts.threads,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: opts.maxStalledCount ?? 2,
    },
  );
  // Before the first connection an error is kept for the one start-up message (readyWithin: the URL, this
  // error, what to do), not printed as a bare line before it. After, a lost connection raises the same error
  // at every retry: say it once, not every 200 ms.
  let ready = false;
  let startError: Error | undefined;
  let lastError = '';
  worker.on('error', (e) => {
    if (!ready) startError = e;
    else if (e.message !== lastError && !CONNECTION_ERROR.test(e.message)) log(`error: ${e.message}`);
    lastError = e.message;
  });
  worker.on('ready', () => {
    lastError = '';
  });
  trackJobs(worker, held, log);
  try {
    await readyWithin(worker.waitUntilReady(), opts.connectTimeoutMs ?? 5000, opts.url, () => startError);
    ready = true;
  } catch (error) {
    connection.giveUp();
    await worker.close(true).catch(() => undefined);
    throw error;
  }
  const watch: RedisWatch = watchRedis(opts.url, log, 'no job is taken meanwhile');
  log(
    `worker ${id} ready: queue ${opts.queueName ?? DEFAULT_QUEUE_NAME} on ${redactUrl(opts.url)}, ${opts.threads} thread${opts.threads === 1 ? '' : 's'}, code ${version}`,
  );

  return {
    id,
    get completed() {
      return completed;
    },
    async close() {
      const unreachable = !(await closeWithin(worker, watch, opts.stopGraceMs ?? 5000));
      const left = unreachable ? held.size : 0;
      if (unreachable) {
        connection.giveUp();
        await Promise.race([worker.close(true).catch(() => undefined), sleep(2000)]);
      }
      await watch.close();
      await closePools(contexts);
      return { left, unreachable };
    },
  };
}

/**
 * Closes the worker gracefully (its running jobs finish and are handed back) while Redis answers; during an
 * outage, gives up once Redis has been unreachable for `graceMs`: a Redis that is not there cannot take back
 * jobs or results, and their locks expire by themselves (the next worker retries them). True when closed.
 */
async function closeWithin(worker: Worker, watch: RedisWatch, graceMs: number): Promise<boolean> {
  const closing = worker.close().then(() => true);
  while (!(await Promise.race([closing, sleep(250).then(() => false)]))) {
    if (watch.downForMs() >= graceMs) return false;
  }
  return true;
}

/** A job leaves `held` once Redis confirms it completed or failed; a failure is said, naming its study. */
function trackJobs(worker: Worker<EvaluateJobData>, held: Set<string>, log: (line: string) => void): void {
  worker.on('completed', (job) => held.delete(job.id ?? ''));
  worker.on('failed', (job, e) => {
    if (job?.id) held.delete(job.id);
    log(
      job
        ? `${jobLabel(job.data)}: failed ${job.data.hash.slice(0, 12)}: ${e.message}`
        : `failed: ${e.message}`,
    );
  });
}

async function closePools(contexts: Map<string, Promise<StudyContext>>): Promise<void> {
  const pools = await Promise.allSettled(contexts.values());
  await Promise.allSettled(pools.flatMap((p) => (p.status === 'fulfilled' ? [p.value.pool.close()] : [])));
  contexts.clear();
}
