/**
 * `worksteal run` on a port another process listens on: the same failure as `serve`'s (docs/cli.md, exit
 * codes): exit 1 naming the port, the store's lock released and the run recorded as a failed start. It exited
 * 2 (bad input), unlike serve.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectStartFailedAndReleased } from '../support/failed-start.js';
import { runCli } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-run-port-'));
let server: Server | null = null;
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('worksteal run on a port in use', () => {
  it('exits 1 naming the port, and leaves no lock behind (the run is recorded as a failed start)', async () => {
    requireMarketData();
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const db = join(dir, 'state.sqlite');
    const r = runCli([
      'run',
      '--broker',
      'replay',
      '--data',
      join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
      '--from',
      '2024-03-04',
      '--to',
      '2024-03-05',
      '--speed',
      '1000000000',
      '--port',
      String(port),
      '--db',
      db,
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`live.http: port ${port} on 127.0.0.1 is in use by another process`);
    expect(r.stderr).not.toContain('internal error');
    expectStartFailedAndReleased(db);
  });
});
