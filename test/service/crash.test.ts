/**
 * `kill -9` of `worksteal serve` in the middle of an advisory saga, then a restart on the same store: the
 * saga resumes waiting for the cancel, and once the bot reports it nothing is counted twice.
 */
import Database from 'better-sqlite3';
import type { ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { servingUrl, spawnCli } from '../support/cli.js';
import { readyRequest, restingOrder } from './fixture.js';

const TOKEN = 'crash-test-token';
const dir = mkdtempSync(join(tmpdir(), 'worksteal-serve-crash-'));
const db = join(dir, 'state.sqlite');
const children: ChildProcessByStdio<null, Readable, Readable>[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Start `worksteal serve` and wait for its "serving" line; the URL is in it. */
async function serve(): Promise<{ url: string; child: ChildProcessByStdio<null, Readable, Readable> }> {
  const child = spawnCli(
    ['serve', '--broker', 'none', '--port', '0', '--db', db, '--equity', '10000', '--deadline', '600'],
    { WORKSTEAL_TOKEN: TOKEN },
  );
  children.push(child);
  return { url: await servingUrl(child), child };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field below
const call = async (url: string, method: string, path: string, body?: unknown): Promise<any> => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as unknown;
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};

const killed = (child: ChildProcessByStdio<null, Readable, Readable>): Promise<void> =>
  new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe('worksteal serve, killed mid-saga', () => {
  it('resumes waiting after a restart and counts nothing twice', async () => {
    const first = await serve();
    await call(first.url, 'POST', '/v1/events', {
      kind: 'placed',
      order: { ...restingOrder('eth-1', 'ETH/USD', 8_000), placedAt: 0 },
    });
    const answer = await call(first.url, 'POST', '/v1/requests', readyRequest('BTC/USD', 3_000));
    expect(answer.status).toBe('waiting-for-bot');
    // Without --pattern-day-trader the account is not one (before: true, from the config's default).
    expect((await call(first.url, 'GET', '/v1/status')).account.patternDayTrader).toBe(false);
    expect(answer.saga.waitingFor).toEqual([expect.objectContaining({ kind: 'cancel', orderId: 'eth-1' })]);
    const sagaId: string = answer.saga.sagaId;
    await killed(first.child); // kill -9 while the saga waits for the bot

    const second = await serve();
    const status = await call(second.url, 'GET', '/v1/status');
    expect(status.orders.map((o: { id: string }) => o.id)).toEqual(['eth-1']); // still holds its margin
    const resumed = status.sagas.find((s: { sagaId: string }) => s.sagaId === sagaId);
    expect(resumed?.waitingFor).toEqual([expect.objectContaining({ kind: 'cancel', orderId: 'eth-1' })]);

    // The bot confirms the cancel (twice: a retry after the crash must not count again).
    const after = await call(second.url, 'POST', `/v1/sagas/${sagaId}/reports`, {
      kind: 'cancelled',
      orderId: 'eth-1',
    });
    await call(second.url, 'POST', `/v1/sagas/${sagaId}/reports`, { kind: 'cancelled', orderId: 'eth-1' });
    expect(after.state).toBe('aborted'); // its order never reached the venue: the watcher asks again
    expect(after.cancelled).toEqual(['eth-1']);
    expect(after.outcome).toBe('aborted'); // before: null, unlike any other aborted saga
    expect(after.report.applied).toBe(true);
    const again = await call(second.url, 'POST', '/v1/requests', readyRequest('BTC/USD', 3_000));
    expect(again.action).toBe('place'); // the freed margin is there, once
    const placed = await call(second.url, 'POST', `/v1/sagas/${again.saga.sagaId}/reports`, {
      kind: 'placed',
      clientOrderId: again.saga.waitingFor[0].order.clientOrderId,
      orderId: 'v-btc',
    });
    expect(placed.state).toBe('done');
    const end = await call(second.url, 'GET', '/v1/status');
    expect(end.orders.map((o: { id: string }) => o.id)).toEqual(['v-btc']);
    expect(end.marginUsed).toBeCloseTo(3_000, 6);
    // The recovered saga's order never reached the venue: ETH's cancel was no steal (as a steal whose
    // placement fails in process), and BTC's new request placed into free margin.
    expect(end.cooling.map((c: { symbol: string }) => c.symbol)).toEqual([]);
    await killed(second.child);

    const store = new Database(db, { readonly: true });
    const steals = store.prepare('SELECT thief, victim FROM steals').all();
    const cancels = store
      .prepare("SELECT count(*) AS n FROM service_reports WHERE kind = 'cancelled'")
      .get() as { n: number };
    store.close();
    expect(steals).toEqual([]);
    expect(cancels.n).toBe(1);
  });
});
