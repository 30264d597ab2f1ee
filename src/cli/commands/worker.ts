import { Option, type Command } from 'commander';
import os from 'node:os';
import { QueueError, redactUrl } from '../../optimizer/queue/connection.js';
import { startWorkerService } from '../../optimizer/queue/worker-service.js';
import { CliError, EXIT } from '../errors.js';
import { wholeNumber } from '../whole-number.js';
import { checkQueueUrl } from './optimize.js';

interface WorkerOptions {
  queue: string;
  queueName?: string;
  threads?: string;
  pathMap?: string[];
  lockMs: string;
  stalledMs: string;
  cache?: boolean;
  delayMs?: string;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('evaluate optimisation jobs from a BullMQ queue (run one per machine; stop with Ctrl-C)')
    .requiredOption(
      '--queue <redis-url>',
      'the Redis of `worksteal optimize --queue`, e.g. redis://10.0.0.5:6379',
    )
    .option('--queue-name <name>', 'queue name (default worksteal-optimize)')
    .option('--threads <k>', 'evaluations at once (default: one per core)')
    .option(
      '--path-map <FROM=TO...>',
      "read data files under FROM (the coordinator's folder) from TO on this machine",
    )
    .option(
      '--lock-ms <ms>',
      'job lock: a worker silent this long is presumed dead and its job retried',
      '30000',
    )
    .option('--stalled-ms <ms>', 'how often to look for jobs of dead workers', '30000')
    .option('--no-cache', 'do not read or write the binary bar cache')
    .addOption(new Option('--delay-ms <ms>', 'wait before each job (fault-injection tests)').hideHelp())
    .addHelpText(
      'after',
      "\nThe worker loads each study's data itself from the paths in the job and checks every file's SHA-256;\nrun the same worksteal build as the coordinator. Jobs of a worker that dies are retried by the others.\n\nExamples:\n  worksteal worker --queue redis://10.0.0.5:6379\n  worksteal worker --queue redis://10.0.0.5:6379 --threads 4 --path-map /data/market=/mnt/market",
    )
    .action(async (opts: WorkerOptions) => {
      const threads =
        opts.threads === undefined
          ? Math.max(1, os.availableParallelism())
          : wholeNumber(opts.threads, '--threads', 1);
      checkQueueUrl(opts.queue);
      let service;
      try {
        service = await startWorkerService({
          url: opts.queue,
          ...(opts.queueName ? { queueName: opts.queueName } : {}),
          threads,
          lockDurationMs: wholeNumber(opts.lockMs, '--lock-ms', 100),
          stalledIntervalMs: wholeNumber(opts.stalledMs, '--stalled-ms', 100),
          pathMaps: opts.pathMap ?? [],
          ...(opts.cache === false ? { cacheDir: null } : {}),
          ...(opts.delayMs !== undefined ? { delayMs: wholeNumber(opts.delayMs, '--delay-ms', 0) } : {}),
        });
      } catch (error) {
        if (error instanceof QueueError) throw new CliError(error.message, EXIT.failed);
        throw error;
      }
      // Runs until stopped; a stop lets the running jobs finish (a second Ctrl-C quits at once).
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        const once = (s: NodeJS.Signals): void => {
          process.on(s, () => process.exit(EXIT.interrupted));
          resolve(s);
        };
        process.once('SIGINT', once);
        process.once('SIGTERM', once);
      });
      process.stdout.write(`stopping (${signal}): finishing running jobs…\n`);
      const { left, unreachable } = await service.close();
      if (unreachable) {
        process.stdout.write(
          `Redis at ${redactUrl(opts.queue)} is unreachable: stopped without waiting for it; ${left} running job${left === 1 ? '' : 's'} left unconfirmed (${left === 1 ? 'it goes' : 'they go'} back to the queue for another worker once ${left === 1 ? 'its' : 'their'} lock expires, --lock-ms)\n`,
        );
      }
      process.stdout.write(`worker ${service.id} stopped after ${service.completed} jobs\n`);
      process.exitCode = signal === 'SIGINT' ? EXIT.interrupted : EXIT.ok;
      // The queue's clients may still hold a reconnect to the missing Redis: nothing is left to do.
      if (unreachable) process.exit();
    });
}
