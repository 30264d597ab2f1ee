/**
 * The OpenAPI document against the running server: docs/openapi.json is the served document, every path and
 * method answers with a documented status and the documented required fields, /v1 needs the token, and bad
 * bodies get 400 with the field named.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHttp } from '../../src/service/http.js';
import { OPENAPI, openapiText } from '../../src/service/openapi.js';
import { ROOT } from '../support/cli.js';
import { advisoryService, readyRequest, restingOrder, serveOverHttp, type Harness } from './fixture.js';

const TOKEN = 'test-token-123';
let h: Harness;
let http: ServiceHttp;

beforeAll(async () => {
  h = advisoryService({ equity: 10_000 });
  http = await serveOverHttp(h, TOKEN);
});
afterAll(async () => {
  await http.close();
  await h.close();
});

const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
  const res = await fetch(`${http.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, type: res.headers.get('content-type') ?? '' };
};

type Doc = typeof OPENAPI & { components: { schemas: Record<string, { required?: string[] }> } };
const doc = OPENAPI as unknown as Doc;

/** The schema a response documents (by $ref), to check its required fields. */
function responseSchema(path: string, method: string, status: number): { required?: string[] } | null {
  const op = (doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)[path]![
    method
  ]!;
  const response = op.responses[String(status)] as {
    content?: Record<string, { schema: { $ref?: string } }>;
  };
  expect(
    response,
    `${method.toUpperCase()} ${path} answered ${status}, which it does not document`,
  ).toBeDefined();
  const ref = response.content?.['application/json']?.schema.$ref;
  return ref ? doc.components.schemas[ref.split('/').at(-1)!]! : null;
}

describe('OpenAPI document', () => {
  it('docs/openapi.json is the document the server serves', async () => {
    expect(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8')).toBe(openapiText());
    const served = await call('GET', '/openapi.json', undefined, null);
    expect(served.json).toEqual(JSON.parse(openapiText()));
  });

  it('every path answers as documented', async () => {
    // Valid calls for each operation, in an order that makes each meaningful (a saga exists before it is read).
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 8_000) });
    const requested = await call('POST', '/v1/requests', readyRequest('BTC/USD', 3_000));
    const sagaId = (requested.json as { saga: { sagaId: string } }).saga.sagaId;
    const calls: Record<string, [string, unknown?]> = {
      request: ['/v1/requests', { ...readyRequest('SOL/USD', 10), price: 120 }], // outside tolerance: waits
      saga: [`/v1/sagas/${sagaId}`],
      report: [`/v1/sagas/${sagaId}/reports`, { kind: 'cancelled', orderId: 'eth-1' }],
      event: ['/v1/events', { kind: 'quote', symbol: 'ETH/USD', bid: 108, ask: 108.1 }],
      status: ['/v1/status'],
      decisions: ['/v1/decisions?since=2000-01-01T00:00:00Z&limit=5'],
      metrics: ['/metrics'],
      openapi: ['/openapi.json'],
    };
    const walked: string[] = [];
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods as Record<string, { operationId: string; security?: unknown[] }>).map(
        ([method, op]) => ({ path, method, op }),
      ),
    );
    // The saga first (requests are serialized: a new one waits until that saga ends).
    const order = ['saga', 'report', 'request'];
    const rank = (id: string): number => (order.includes(id) ? order.indexOf(id) : order.length);
    operations.sort((a, b) => rank(a.op.operationId) - rank(b.op.operationId));
    for (const { path, method, op } of operations) {
      const [url, body] = calls[op.operationId]!;
      expect(url, `no call for ${op.operationId}`).toBeDefined();
      const res = await call(method.toUpperCase(), url, body);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.json)}`).toBe(200);
      const schema = responseSchema(path, method, res.status);
      for (const key of schema?.required ?? [])
        expect(res.json, `${op.operationId} lacks ${key}`).toHaveProperty(key);
      if (op.security === undefined) {
        const refused = await call(method.toUpperCase(), url, body, 'wrong');
        expect(refused.status).toBe(401);
        responseSchema(path, method, 401);
      }
      if (op.operationId === 'report') {
        const saga = res.json as { waitingFor: { kind: string; order: { clientOrderId: string } }[] };
        expect(saga.waitingFor[0]?.kind).toBe('place');
        const clientOrderId = saga.waitingFor[0]!.order.clientOrderId;
        await h.service.report(sagaId, { kind: 'placed', clientOrderId, orderId: 'v-btc' });
      }
      walked.push(op.operationId);
    }
    expect(walked.sort()).toEqual(Object.keys(calls).sort());
    expect((await call('GET', `/v1/sagas/nope`)).status).toBe(404);
  });

  it('bad requests get 400 with the field named', async () => {
    const cases: [string, unknown, string][] = [
      ['/v1/requests', { ...readyRequest('BTC/USD', 10), qty: -1 }, 'qty'],
      ['/v1/requests', { ...readyRequest('BTC/USD', 10), assetClass: 'bond' }, 'assetClass'],
      ['/v1/requests', { ...readyRequest('BTC/USD', 10), extra: 1 }, 'extra'], // was '(body)'
      ['/v1/requests', '{not json', '(body)'],
      ['/v1/events', { kind: 'fill', orderId: 'x', filledQty: 'a', fillPrice: 1 }, 'filledQty'],
      [
        '/v1/events',
        { kind: 'placed', order: { ...restingOrder('a', 'A/USD', 10), side: 'up' } },
        'order.side',
      ],
      ['/v1/events', { kind: 'teleport' }, 'kind'],
      ['/v1/sagas/x/reports', { kind: 'placed', clientOrderId: 'c' }, 'orderId'],
      ['/v1/decisions?since=yesterday', undefined, 'since'],
    ];
    for (const [path, body, field] of cases) {
      const res = await call(body === undefined ? 'GET' : 'POST', path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      const fields = (res.json as { issues: { field: string }[] }).issues.map((i) => i.field);
      expect(fields, JSON.stringify(res.json)).toContain(field);
    }
  });

  it(
    'reads a request target as a URL would, and answers with a length, not chunks',
    { timeout: 20_000 },
    async () => {
      // Raw targets: fetch would normalize them before they leave.
      const raw = (method: string, target: string, body?: unknown) =>
        new Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, unknown> }>(
          (resolve, reject) => {
            const { hostname, port } = new URL(http.url);
            const req = httpRequest(
              { hostname, port, method, path: target, headers: { authorization: `Bearer ${TOKEN}` } },
              (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (c: Buffer) => chunks.push(c));
                res.on('end', () => {
                  const text = Buffer.concat(chunks).toString('utf8');
                  resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(text) });
                });
              },
            );
            req.on('error', reject);
            req.end(body === undefined ? undefined : JSON.stringify(body));
          },
        );
      for (const target of ['/v1/status', '/v1/./status', '/v1/x/../status'])
        expect((await raw('GET', target)).json.mode, target).toBe('advisory');
      // A target with a query reaches its endpoint; one the endpoint does not take is refused there (it was ignored).
      expect((await raw('GET', '/v1/status?x=1')).json).toMatchObject({
        issues: [{ field: 'x', message: 'unknown query parameter; /v1/status takes no query parameters' }],
      });
      expect((await raw('GET', '/v1/./decisions?limit=1')).json.decisions).toHaveLength(1);
      expect((await raw('GET', '/v1/status/')).status).toBe(404);
      // Far from its limit: the request waits (answered at once, no saga that later requests would wait for).
      const far = { ...readyRequest('TGT/USD', 10), price: 150 };
      const explained = await raw('POST', '/v1/requests?explain=true', far);
      expect(explained.json).toMatchObject({
        status: 'waited',
        decision: { request: { symbol: 'TGT/USD' } },
      });
      expect((await raw('POST', '/v1/requests?explain=false', far)).json.decision).toBe(undefined);
      const status = await raw('GET', '/v1/status');
      expect(status.headers['transfer-encoding']).toBeUndefined();
      expect(Number(status.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(status.json)));
    },
  );
});
