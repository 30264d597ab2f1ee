/**
 * Redis outages, said plainly and once: the coordinator and the worker each keep one small probe connection
 * to the queue's Redis (the queue clients retry on their own and say nothing useful: a bare `connect
 * ECONNREFUSED` per retry, or nothing at all). When the probe loses Redis after it had it, one line says that
 * Redis at the URL is unreachable and being retried; when it is back, one line says so. A worker asked to stop
 * during an outage reads `downForMs` to stop waiting for a Redis that is not there.
 */
import { Redis } from 'ioredis';
import { parseRedisUrl, redactUrl } from './connection.js';

export interface RedisWatch {
  /** Redis is unreachable now (after it was reached once). */
  readonly down: boolean;
  /** How long the current outage has lasted (0 when Redis is reachable). */
  downForMs(): number;
  close(): Promise<void>;
}

/**
 * Starts the probe. `waiting` says what waits meanwhile (`the study waits for it`, `no job is taken`), for
 * the outage line.
 */
export function watchRedis(
  url: string,
  log: (line: string) => void,
  waiting: string,
  now: () => number = Date.now,
): RedisWatch {
  let closing = false;
  let reached = false;
  let since: number | undefined;
  const client = new Redis({
    ...parseRedisUrl(url),
    retryStrategy: (times: number) => (closing ? null : Math.min(times * 200, 2000)),
    // The probe sends nothing: it only keeps a connection.
    enableOfflineQueue: false,
  });
  const where = `Redis at ${redactUrl(url)}`;
  client.on('ready', () => {
    if (since !== undefined) {
      log(`${where} is reachable again after ${Math.round((now() - since) / 1000)} s`);
      since = undefined;
    }
    reached = true;
  });
  const lost = (error?: Error): void => {
    if (closing || !reached || since !== undefined) return;
    since = now();
    log(
      `${where} is unreachable${error ? ` (${error.message})` : ''}; retrying every 2 s until it is back, ${waiting}`,
    );
  };
  client.on('error', (e: Error) => lost(e));
  client.on('end', () => lost());
  return {
    get down() {
      return since !== undefined;
    },
    downForMs: () => (since === undefined ? 0 : now() - since),
    async close() {
      closing = true;
      client.disconnect();
      await Promise.resolve();
    },
  };
}
