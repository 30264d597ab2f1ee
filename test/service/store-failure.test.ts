/**
 * A commit that fails (a full or failing disk) in advisory mode: the answers that waited for it fail, nothing
 * after it is answered (503 naming the store and what to do), and a restart recovers from what is on disk.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceHttp } from '../../src/service/http.js';
import { ServiceUnavailable } from '../../src/service/views.js';
import { advisoryService, readyRequest, restingOrder, serveOverHttp, type Harness } from './fixture.js';

const TOKEN = 'token-of-the-store-failure-test';
const open: { h: Harness; http?: ServiceHttp }[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.http?.close();
    await o.h.close();
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A table whose rows the commit refuses (a deferred foreign key): set up outside any transaction. */
function preparePoison(h: Harness): void {
  h.store.db.pragma('foreign_keys = ON');
  h.store.db.exec(
    'CREATE TABLE poison (id INTEGER PRIMARY KEY, ref INTEGER REFERENCES runs(id) DEFERRABLE INITIALLY DEFERRED)',
  );
}

/** Makes the commit of the turn in progress fail. */
const poisonTheTurn = (h: Harness): void =>
  void h.store.db.prepare('INSERT INTO poison (ref) VALUES (-1)').run();

const committedReports = (h: Harness): number => {
  const db = new Database(h.store.path, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM service_reports').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('a failed commit in advisory mode', () => {
  it('fails the waiting answers, refuses what follows with 503, and a restart recovers what was committed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-store-failure-'));
    dirs.push(dir);
    const h = advisoryService({ equity: 10_000, dir });
    const http = await serveOverHttp(h, TOKEN);
    open.push({ h, http });
    h.service.event({ kind: 'placed', order: restingOrder('kept', 'ETH/USD', 1_000) });
    await h.service.durable();
    expect(committedReports(h)).toBe(1);
    preparePoison(h);

    // One turn: an order event, then the write its commit refuses.
    h.service.event({ kind: 'placed', order: restingOrder('lost', 'SOL/USD', 1_000) });
    poisonTheTurn(h);
    await expect(h.service.durable()).rejects.toBeInstanceOf(ServiceUnavailable);
    expect(committedReports(h)).toBe(1);

    await expect(h.service.request(readyRequest('BTC/USD', 500))).rejects.toThrow(
      /failed to commit .*Restart worksteal serve/,
    );
    const res = await fetch(`${http.url}/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(readyRequest('BTC/USD', 500)),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toContain(h.store.path);
    expect(() => h.service.event({ kind: 'cancelled', orderId: 'kept', filledQty: 0 })).toThrow(
      ServiceUnavailable,
    );

    // A restart on the same store: the committed order is there, the one whose commit failed is not.
    await http.close();
    open.length = 0;
    h.store.db.exec('DROP TABLE poison');
    await h.close();
    const again = advisoryService({ equity: 10_000, dir });
    open.push({ h: again });
    await again.service.ready;
    const orders = again.service.coordinator.ledger.orders.map((o) => o.id);
    expect(orders).toEqual(['kept']);
  });
});
