/**
 * A report the service refuses is never stored, and a store that holds one (written by an older version, which
 * stored a report before checking it) still starts: a refused crossed quote answered 400 "the ledger is
 * unchanged" but stayed in `service_reports`, and every restart replayed it and exited 2.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadRequest } from '../../src/service/bad-request.js';
import {
  advisoryService,
  capturingLog,
  restingOrder,
  T0,
  type Harness,
  closedAfterEachTest,
} from './fixture.js';

const { open, dirs } = closedAfterEachTest();

function start(dir: string, log = capturingLog()): Harness & { lines: Record<string, unknown>[] } {
  const h = advisoryService({ equity: 10_000, dir, log: log.log });
  open.push(h);
  return Object.assign(h, { lines: log.lines });
}

async function stop(h: Harness): Promise<void> {
  await h.close();
  open.splice(open.indexOf(h), 1);
}

/** The money state a restart must keep. */
function money(h: Harness) {
  const { account, marginUsed, marginFree, orders, positions } = h.service.status() as Record<
    string,
    unknown
  >;
  return { account, marginUsed, marginFree, orders, positions };
}

/** A book with an order, a quote and a position, as a bot reports them. */
function reportSomeBook(h: Harness): void {
  h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000) });
  h.service.event({ kind: 'quote', symbol: 'ETH/USD', bid: 107, ask: 108 });
  h.service.event({ kind: 'position', symbol: 'BTC/USD', assetClass: 'crypto', qty: 0.01, price: 100_000 });
}

const crossed = { kind: 'quote' as const, symbol: 'ETH/USD', bid: 101, ask: 100 };

/** A service over a fresh folder with that book reported and stored, and its money state then. */
async function startWithBook(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  const first = start(dir);
  await first.service.ready;
  reportSomeBook(first);
  await first.service.durable();
  return { dir, first, before: money(first) };
}

describe('a refused report', () => {
  it('is not stored: a crossed quote, then a restart, starts with the state from before it', async () => {
    const { dir, first, before } = await startWithBook('worksteal-refused-');
    const rows = first.service.tables.reports().length;
    expect(() => first.service.event(crossed)).toThrow(BadRequest);
    await first.service.durable();
    expect(first.service.tables.reports()).toHaveLength(rows); // before: the refused quote was a row
    expect(money(first)).toEqual(before);
    await stop(first);

    const again = start(dir);
    await again.service.ready; // before: the replay threw "Quote for ETH/USD refused" and serve exited 2
    expect(money(again)).toEqual(before);
    expect(again.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('a store holding a refused row from an older version starts, skips it with a warning, state as before', async () => {
    const { dir, first, before } = await startWithBook('worksteal-refused-old-');
    // What an older version left: the refused quote's row, then a report that did count after it.
    first.store.db
      .prepare('INSERT INTO service_reports (at, kind, body, event_id) VALUES (?, ?, ?, ?)')
      .run(T0, 'quote', JSON.stringify(crossed), null);
    const seq = first.service.tables.reports().at(-1)!.seq;
    first.service.event({ kind: 'quote', symbol: 'BTC/USD', bid: 99_000, ask: 99_100 });
    await first.service.durable();
    const after = money(first);
    expect(after).not.toEqual(before);
    await stop(first);

    const again = start(dir);
    await again.service.ready;
    expect(money(again)).toEqual(after);
    const warnings = again.lines.filter((l) => l.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({
        event: 'stored-report-skipped',
        store: join(dir, 's.sqlite'),
        table: 'service_reports',
        seq,
        kind: 'quote',
        reason: expect.stringMatching(/Quote for ETH\/USD refused/),
      }),
    ]);
    expect(String(warnings[0]!.detail)).toContain(`DELETE FROM service_reports WHERE seq = ${seq}`);
  });
});
