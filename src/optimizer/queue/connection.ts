/** Redis URLs for the job queue: parsed once, with errors that say what a valid one looks like. */
import type { RedisOptions } from 'bullmq';

export const DEFAULT_QUEUE_NAME = 'worksteal-optimize';

/** Anything about the queue a user can fix: a bad URL, an unreachable Redis, a job that failed for good. */
export class QueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueError';
  }
}

/** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS) → BullMQ connection options. */
export function parseRedisUrl(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueError(`--queue ${JSON.stringify(url)} is not a URL; use e.g. redis://127.0.0.1:6379`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new QueueError(`--queue ${url}: the scheme must be redis:// or rediss:// (got ${u.protocol}//)`);
  }
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new QueueError(`--queue ${url}: the path must be a database number such as /0 (got /${db})`);
  }
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ requires this for blocking connections; a lost connection is retried, not failed.
    maxRetriesPerRequest: null,
  };
}

export interface QueueConnection {
  options: RedisOptions;
  /**
   * Stop reconnecting. A client that never reached Redis keeps retrying (and keeps the process alive) until
   * told otherwise; after this its close() returns.
   */
  giveUp(): void;
}

/** Connection options that retry with backoff (up to 2 s apart) until `giveUp()`. */
export function queueConnection(url: string): QueueConnection {
  let stopped = false;
  return {
    options: {
      ...parseRedisUrl(url),
      retryStrategy: (times: number) => (stopped ? null : Math.min(times * 200, 2000)),
    },
    giveUp: () => {
      stopped = true;
    },
  };
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Resolves when `what` does; rejects with one actionable message when Redis does not answer in time: the URL
 * (password hidden), the client's last connection error (`lastError`, e.g. "connect ECONNREFUSED …") and
 * what to do. The clients' own error events before that are for this message, not for printing.
 */
export async function readyWithin(
  what: Promise<unknown>,
  ms: number,
  url: string,
  lastError: () => Error | undefined = () => undefined,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const cause = lastError();
      reject(
        new QueueError(
          `cannot reach Redis at ${redactUrl(url)} within ${ms / 1000} s${cause ? ` (${cause.message})` : ''}; ` +
            'start redis-server there or fix --queue',
        ),
      );
    }, ms);
  });
  try {
    await Promise.race([what, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
