/**
 * A Redis that refuses the connection is said once, as one actionable message: the URL (password hidden), the
 * connection error and what to do. The worker printed the bare client error (`error: connect ECONNREFUSED …`)
 * as a line of its own before that message; the coordinator's message already carried the error.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { QueueEvaluator } from '../../src/optimizer/queue/evaluator.js';
import { QueueError } from '../../src/optimizer/queue/connection.js';
import type { ObjectiveSpec } from '../../src/optimizer/objective/objective.js';
import { startWorkerService } from '../../src/optimizer/queue/worker-service.js';

/** A loopback port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The refusal of a start against that port. */
async function refusal(start: (url: string) => Promise<unknown>, url: string): Promise<QueueError> {
  try {
    await start(url);
  } catch (error) {
    expect(error).toBeInstanceOf(QueueError);
    return error as QueueError;
  }
  throw new Error('connected to a port nothing listens on');
}

describe('an unreachable Redis', () => {
  it('worker: no line before the one message, which names the URL, the error and what to do', async () => {
    const port = await closedPort();
    const url = `redis://user:secret@127.0.0.1:${port}`;
    const lines: string[] = [];
    const error = await refusal(
      (u) => startWorkerService({ url: u, threads: 1, connectTimeoutMs: 1500, log: (l) => lines.push(l) }),
      url,
    );
    expect(lines).toEqual([]);
    expect(error.message).toBe(
      `cannot reach Redis at redis://user:***@127.0.0.1:${port} within 1.5 s ` +
        `(connect ECONNREFUSED 127.0.0.1:${port}); start redis-server there or fix --queue`,
    );
  });

  it('optimize --queue: the same message', async () => {
    const port = await closedPort();
    const error = await refusal(
      // The spec is not read before the connection is up.
      (url) =>
        QueueEvaluator.connect({ url, connectTimeoutMs: 1500, spec: {} as ObjectiveSpec, objectiveHash: '' }),
      `redis://127.0.0.1:${port}`,
    );
    expect(error.message).toBe(
      `cannot reach Redis at redis://127.0.0.1:${port} within 1.5 s ` +
        `(connect ECONNREFUSED 127.0.0.1:${port}); start redis-server there or fix --queue`,
    );
  });
});
