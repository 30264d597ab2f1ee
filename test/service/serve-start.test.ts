/**
 * `worksteal serve` as a user starts it: a port in use, and a service open to the network without auth.
 * Before, a port in use exited 2 (bad input) and left `<db>.lock` behind; docs/cli.md counts a resource
 * another process holds (a locked store) as the environment (1). And `--no-auth --host 0.0.0.0` warned only
 * "reachable beyond this machine". And `--broker replay --to` was checked, then ignored: market time ran on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectStartFailedAndReleased } from '../support/failed-start.js';
import { runCli, servingUrl, spawnCli } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';

const TOKEN = 'serve-start-test-token-0123456789';
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-serve-start-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Another process's listener on a free loopback port. */
async function occupiedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

describe('worksteal serve on a port in use', () => {
  it('exits 1 naming the port, and leaves no lock behind (the run is recorded as a failed start)', async () => {
    const dir = tempDir();
    const db = join(dir, 's.sqlite');
    const port = await occupiedPort();
    const r = runCli(['serve', '--broker', 'none', '--port', String(port), '--db', db], {
      WORKSTEAL_TOKEN: TOKEN,
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`live.http: port ${port} on 127.0.0.1 is in use by another process`);
    expect(r.stderr).toContain('--port');
    expect(r.stderr).not.toContain('internal error');
    expectStartFailedAndReleased(db);
  });
});

describe('worksteal serve --no-auth --host 0.0.0.0', () => {
  it('warns that it is reachable beyond this machine and that authentication is off', async () => {
    const dir = tempDir();
    const child = spawnCli([
      'serve',
      '--broker',
      'none',
      '--no-auth',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--db',
      join(dir, 's.sqlite'),
    ]);
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"event":"serving"')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}${out}`)));
    });
    const exposed = out
      .split('\n')
      .filter((l) => l.includes('"event":"http-exposed"'))
      .map((l) => JSON.parse(l) as { level: string; auth: string; detail: string });
    expect(exposed).toHaveLength(1);
    expect(exposed[0]).toMatchObject({ level: 'warn', auth: 'OFF (--no-auth)' });
    expect(exposed[0]!.detail).toContain('authentication is off (--no-auth)');
    expect(exposed[0]!.detail).toContain('can decide, place and cancel');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('worksteal serve --broker replay --to', () => {
  it("stops the service's market time at --to (it ran on past it)", async () => {
    const dir = tempDir();
    const to = '2024-03-04T02:00:00.000Z';
    const child = spawnCli(
      [
        'serve',
        '--broker',
        'replay',
        '--data',
        join(requireMarketData(), 'binance-spot-yanniedog', 'SOLUSDT_1h.csv'),
        '--from',
        '2024-03-04',
        '--to',
        to,
        // Ten market hours a wall second: --to is two hours after --from.
        '--speed',
        '36000',
        '--port',
        '0',
        '--db',
        join(dir, 's.sqlite'),
      ],
      { WORKSTEAL_TOKEN: TOKEN },
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const url = await servingUrl(child);
    // Read the service's time until the replay has got to --to: it must then stay there.
    let time = '';
    for (let i = 0; i < 200 && !(time >= to); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      const res = await fetch(`${url}/v1/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
      time = ((await res.json()) as { time: string }).time;
    }
    expect(time).toBe(to);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
