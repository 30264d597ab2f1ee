import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttp, type Controllable, type HttpHandle } from '../../src/live/http.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { LiveMetrics } from '../../src/live/metrics.js';
import type { StatusSnapshot } from '../../src/live/status.js';

/** DNS rebinding defence: every route answers only requests addressed to an allowed host name. */
const target: Controllable = {
  status: () => ({ secretPositions: 'AAPL 100' }) as unknown as StatusSnapshot,
  pause: () => undefined,
  resume: () => undefined,
  setDryRun: () => undefined,
  isPaused: false,
  dryRun: false,
};

const handles: HttpHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

async function serve(allowedHosts?: string[]): Promise<{ port: number; sink: MemorySink }> {
  const sink = new MemorySink();
  const h = await startHttp({
    host: '127.0.0.1',
    port: 0,
    token: 'token-of-the-host-test',
    target,
    metrics: new LiveMetrics(),
    log: new Logger([sink]),
    ...(allowedHosts ? { allowedHosts } : {}),
  });
  handles.push(h);
  return { port: Number(new URL(h.url).port), sink };
}

/** A raw request with exactly this Host header (fetch would set its own). */
function get(
  port: number,
  path: string,
  host: string | null,
  method = 'GET',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, setHost: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    if (host !== null) req.setHeader('host', host);
    req.on('error', reject);
    req.end();
  });
}

describe('Host allow-list on the live HTTP server', () => {
  it('loopback names are answered', async () => {
    const { port } = await serve();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST', `[::1]:${port}`]) {
      expect((await get(port, '/status', host)).status).toBe(200);
    }
  });

  it('any other name is refused with 421 on every route, and the body holds no status', async () => {
    const { port, sink } = await serve();
    for (const path of ['/status', '/', '/metrics', '/control/pause', '/nope']) {
      const method = path.startsWith('/control') ? 'POST' : 'GET';
      const answer = await get(port, path, `attacker.example:${port}`, method);
      expect(answer.status).toBe(421);
      expect(answer.body).not.toContain('AAPL');
      expect(answer.body).toMatch(/live.http.allowedHosts/);
    }
    // No Host header at all: Node refuses an HTTP/1.1 request without one (400) before any route runs.
    expect((await get(port, '/status', null)).status).toBe(400);
    expect((await get(port, '/status', 'localhost.attacker.example')).status).toBe(421);
    expect(sink.lines.filter((l) => l.includes('http-host-refused'))).toHaveLength(6);
  });

  it('a configured name is answered', async () => {
    const { port } = await serve(['trading-box.lan']);
    expect((await get(port, '/status', `trading-box.lan:${port}`)).status).toBe(200);
    expect((await get(port, '/status', `other.lan:${port}`)).status).toBe(421);
  });
});
