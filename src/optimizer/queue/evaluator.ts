/**
 * Evaluations on a BullMQ queue, consumed by any number of `worksteal worker` processes on any machine.
 *
 * Each evaluation is a job whose id is derived from its content hash: adding it again (a resumed coordinator,
 * a candidate repeated in a later generation) finds the existing job instead of creating a second, and a job
 * that finished while the coordinator was away hands back its return value. A worker that dies holding a job
 * loses its lock; BullMQ's stalled-job check puts the job back in the queue for another worker. The store
 * keeps one row per hash, so such a job is counted once however often it ran.
 *
 * Completion is observed through queue events, with a slow poll as a safety net (events are a stream and a
 * coordinator that reconnects could miss one).
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { decodeJson } from '../json.js';
import type { Evaluation, ObjectiveSpec } from '../objective/objective.js';
import type { EvalOutcome, EvalTask, EvaluateOptions, Evaluator } from '../evaluators/types.js';
import { DEFAULT_QUEUE_NAME, QueueError, queueConnection, readyWithin, redactUrl } from './connection.js';
import { watchRedis, type RedisWatch } from './outage.js';
import { JOB_NAME, jobIdOf, type EvaluateJobData, type EvaluateJobResult } from './protocol.js';

export interface QueueEvaluatorOptions {
  url: string;
  queueName?: string;
  spec: ObjectiveSpec;
  objectiveHash: string;
  /** How long to wait for Redis before giving up (default 5 s). */
  connectTimeoutMs?: number;
  /** Safety-net poll of outstanding jobs (default 1 s). */
  pollMs?: number;
  /** Tries per job when an evaluation throws (a crashed worker's stall is retried separately). */
  attempts?: number;
  /** Where an outage of Redis is said (once, and once when it is back); default: nowhere. */
  log?: (line: string) => void;
}

/**
 * A job that failed for good, as the coordinator says it: the worker's reason as one sentence (a reason that
 * ends its own sentence, as the missing-file one does, gets no second period), then what to do.
 */
export function workerFailure(hash: string, reason: string): string {
  return `evaluation ${hash.slice(0, 12)} failed on a worker: ${reason.replace(/[.\s]+$/u, '')}. Fix the cause and run the same command again; finished evaluations are kept.`;
}

export class QueueEvaluator implements Evaluator {
  readonly name: string;
  /** Unknown (it is the number of worker threads attached); used only for display. */
  readonly concurrency = 0;
  private lastError: Error | undefined;
  private watch: RedisWatch | undefined;

  private constructor(
    private readonly opts: QueueEvaluatorOptions,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {
    this.name = `queue ${opts.queueName ?? DEFAULT_QUEUE_NAME} on ${redactUrl(opts.url)}`;
  }

  static async connect(opts: QueueEvaluatorOptions): Promise<QueueEvaluator> {
    const { options: connection, giveUp } = queueConnection(opts.url);
    const name = opts.queueName ?? DEFAULT_QUEUE_NAME;
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection });
    const self = new QueueEvaluator(opts, queue, events);
    // Connection errors are retried by the client; remember the last one for the message instead of crashing.
    const remember = (e: Error): void => {
      self.lastError = e;
    };
    queue.on('error', remember);
    events.on('error', remember);
    try {
      await readyWithin(
        Promise.all([queue.waitUntilReady(), events.waitUntilReady()]),
        opts.connectTimeoutMs ?? 5000,
        opts.url,
        () => self.lastError,
      );
    } catch (error) {
      giveUp();
      await Promise.allSettled([queue.close(), events.close()]);
      throw error;
    }
    if (opts.log) self.watch = watchRedis(opts.url, opts.log, 'the study waits for it');
    return self;
  }

  evaluate(tasks: readonly EvalTask[], options: EvaluateOptions = {}): Promise<EvalOutcome[]> {
    const { signal } = options;
    const byJob = new Map(tasks.map((t) => [jobIdOf(t.hash), t]));
    const outcomes = new Map<string, EvalOutcome>();
    if (tasks.length === 0 || signal?.aborted) return Promise.resolve([]);

    return new Promise<EvalOutcome[]>((resolve, reject) => {
      let settled = false;
      let poll: NodeJS.Timeout | undefined;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearInterval(poll);
        this.events.off('completed', onCompleted);
        this.events.off('failed', onFailed);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(tasks.flatMap((t) => outcomes.get(t.hash) ?? []));
      };
      const complete = (jobId: string, value: unknown): void => {
        const task = byJob.get(jobId);
        if (!task || outcomes.has(task.hash) || settled) return;
        const r = (typeof value === 'string' ? JSON.parse(value) : value) as EvaluateJobResult;
        if (r?.hash !== task.hash) {
          finish(
            new QueueError(`job ${jobId} returned a result for another evaluation (${String(r?.hash)})`),
          );
          return;
        }
        const outcome: EvalOutcome = {
          hash: task.hash,
          evaluation: decodeJson<Evaluation>(r.evaluation),
          elapsedMs: r.elapsedMs,
          worker: r.worker,
          attempts: r.attempt,
        };
        outcomes.set(task.hash, outcome);
        options.onResult?.(outcome);
        if (outcomes.size === byJob.size) finish();
      };
      const failed = (jobId: string, reason: string): void => {
        const task = byJob.get(jobId);
        if (!task) return;
        finish(new QueueError(workerFailure(task.hash, reason)));
      };
      // Look at one job: done, failed for good, still on its way, or gone. A job is gone when another
      // coordinator needing the same evaluation stopped and took it back, or Redis lost it (a restart
      // without persistence): put it on the queue again, or this generation would wait for it forever.
      const check = async (jobId: string): Promise<void> => {
        const state = await this.queue.getJobState(jobId);
        if (state === 'unknown') {
          const task = byJob.get(jobId)!;
          if (!settled && !signal?.aborted && !outcomes.has(task.hash)) await this.add([task], options.study);
          return;
        }
        if (state !== 'completed' && state !== 'failed') return;
        // The job is read after its state: read before, a job that completed in between had no return value
        // yet and was taken for a result of another evaluation.
        const job = await Job.fromId(this.queue, jobId);
        if (!job) return; // removed since: the next poll puts it back
        if (state === 'completed') complete(jobId, job.returnvalue);
        else failed(jobId, job.failedReason);
      };
      const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }): void =>
        complete(jobId, returnvalue);
      // A 'failed' event also fires for an attempt that will be retried: only the job's state says "for good".
      const onFailed = ({ jobId }: { jobId: string }): void => {
        if (byJob.has(jobId)) check(jobId).catch((e: Error) => finish(e));
      };
      const onAbort = (): void => {
        // Jobs nobody has started yet are taken back; running ones finish on their workers and are picked up
        // by the next run (same job id). What finished so far is returned and stored.
        void Promise.allSettled(
          [...byJob.keys()].map(async (id) => {
            const job = await Job.fromId(this.queue, id);
            if (job && (await job.getState()) === 'waiting') await job.remove();
          }),
        ).then(() => finish());
      };
      this.events.on('completed', onCompleted);
      this.events.on('failed', onFailed);
      signal?.addEventListener('abort', onAbort, { once: true });

      this.add(tasks, options.study)
        .then(async () => {
          // Jobs that already existed (an earlier run) may be finished, or failed for good: retry those once.
          for (const id of byJob.keys()) {
            const state = await this.queue.getJobState(id);
            if (state !== 'completed' && state !== 'failed') continue;
            const job = await Job.fromId(this.queue, id); // read after its state (see check)
            if (!job) continue;
            if (state === 'completed') complete(id, job.returnvalue);
            else await job.retry('failed');
          }
          poll = setInterval(() => {
            for (const id of byJob.keys()) {
              const task = byJob.get(id)!;
              if (!outcomes.has(task.hash)) check(id).catch((e: Error) => finish(e));
            }
          }, this.opts.pollMs ?? 1000);
        })
        .catch((e: Error) => finish(e));
    });
  }

  /** Puts the tasks' jobs on the queue; a job whose id is already there is left as it is. */
  private async add(tasks: readonly EvalTask[], studyId: string | undefined): Promise<void> {
    await this.queue.addBulk(
      tasks.map((t) => ({
        name: JOB_NAME,
        data: {
          hash: t.hash,
          objectiveHash: this.opts.objectiveHash,
          spec: this.opts.spec,
          params: t.params,
          ...(studyId ? { studyId } : {}),
        } satisfies EvaluateJobData,
        opts: {
          jobId: jobIdOf(t.hash),
          attempts: this.opts.attempts ?? 3,
          backoff: { type: 'fixed', delay: 1000 },
          // Results stay a day for a coordinator that was away; failures a week, for inspection.
          removeOnComplete: { age: 86_400 },
          removeOnFail: { age: 7 * 86_400 },
        },
      })),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close(), this.watch?.close()]);
  }

  /** Removes the queue and everything in it (tests, and `--queue-reset`). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }
}
