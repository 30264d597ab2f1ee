/**
 * The service keeps the live runtime's DNS rebinding defence: a request addressed to a host name that is not
 * loopback, the bound address or in live.http.allowedHosts gets 421 and no data, token or not.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceHttp } from '../../src/service/http.js';
import { advisoryService, serveOverHttp, type Harness } from './fixture.js';

const TOKEN = 'token-of-the-service-host-test';
const open: { h: Harness; http: ServiceHttp }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.http.close();
    await o.h.close();
  }
});

async function serve(allowedHosts?: string[]): Promise<number> {
  const h = advisoryService();
  const http = await serveOverHttp(h, TOKEN, allowedHosts);
  open.push({ h, http });
  return Number(new URL(http.url).port);
}

function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, setHost: false, headers: { host, authorization: `Bearer ${TOKEN}` } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('Host allow-list on worksteal serve', () => {
  it('answers loopback names and refuses any other with 421, without data', async () => {
    const port = await serve();
    expect((await get(port, '/v1/status', `127.0.0.1:${port}`)).status).toBe(200);
    expect((await get(port, '/v1/status', `localhost:${port}`)).status).toBe(200);
    for (const path of ['/v1/status', '/metrics', '/openapi.json']) {
      const r = await get(port, path, 'attacker.example:80');
      expect(r.status, path).toBe(421);
      expect(r.body).toContain('live.http.allowedHosts');
      expect(r.body).not.toContain('capacity');
    }
  });

  it('answers a name the operator allowed', async () => {
    const port = await serve(['bots.internal']);
    expect((await get(port, '/v1/status', 'bots.internal')).status).toBe(200);
  });
});
