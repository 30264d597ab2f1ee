import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ValidationError } from '../core/errors.js';
import {
  allowedHostSet,
  listen,
  refusedHost,
  send,
  bearerTokenCheck,
  type HttpHandle,
} from '../live/http.js';
import type { Logger } from '../ports/log.js';
import type { LiveMetrics } from '../live/metrics.js';
import { MAX_JSON_DEPTH, scanJson } from './json-keys.js';
import { OPENAPI } from './openapi.js';
import { explainParam, limitParam, onlyParams, sinceParam } from './query-params.js';
import { BadRequest, parseBody, PayloadTooLarge } from './bad-request.js';
import { entryRequestSchema, orderEventSchema, sagaReportSchema } from './reports.js';
import type { CoordinatorService } from './service.js';
import { NotFound, ServiceConflict, ServiceUnavailable } from './views.js';

export interface ServiceHttpOptions {
  host: string;
  port: number;
  /** Bearer token every /v1 endpoint requires; undefined only when the operator turned auth off. */
  token: string | undefined;
  service: CoordinatorService;
  metrics: LiveMetrics;
  log: Logger;
  /** Host names answered besides loopback and the bound address (live.http.allowedHosts). */
  allowedHosts?: readonly string[];
}

export type ServiceHttp = HttpHandle;

const MAX_BODY = 1 << 20;

/**
 * The service's HTTP/JSON face (routes in docs/openapi.json, served at /openapi.json). /v1 needs
 * `Authorization: Bearer <WORKSTEAL_TOKEN>` (the live runtime's rule); /metrics and /openapi.json do not.
 */
export async function startServiceHttp(o: ServiceHttpOptions): Promise<ServiceHttp> {
  const allowed = allowedHostSet(o.host, o.allowedHosts ?? []);
  const authorized = o.token === undefined ? () => true : bearerTokenCheck(o.token);
  const server: Server = createServer((req, res) => {
    // The live runtime's rule: a page on another origin (DNS rebinding) gets no answer.
    if (refusedHost(req, res, allowed, o.log)) return;
    route(o, authorized, req, res).catch((error: Error) => {
      if (res.headersSent) return void res.end();
      // A refusal of the ledger's checks is answered as every other 400 (BadRequest.from).
      const bad = error instanceof ValidationError ? BadRequest.from(error) : error;
      if (bad instanceof BadRequest) return send(res, 400, { error: bad.message, issues: bad.issues });
      if (error instanceof NotFound) return send(res, 404, { error: error.message });
      if (error instanceof PayloadTooLarge) return send(res, 413, { error: error.message });
      if (error instanceof UnsupportedMediaType) return send(res, 415, { error: error.message });
      if (error instanceof ServiceConflict) return send(res, 409, { error: error.message });
      if (error instanceof ServiceUnavailable) return send(res, 503, { error: error.message });
      o.log.error('http-error', { path: req.url, message: error.message });
      send(res, 500, { error: 'internal error; see the log' });
    });
  });
  // Many bots keep connections open: keep-alive keeps a request round trip at one loopback exchange.
  server.keepAliveTimeout = 60_000;
  return listen(server, o.host, o.port);
}

async function route(
  o: ServiceHttpOptions,
  authorized: (header: string | undefined, socket?: object) => boolean,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { path, query } = requestTarget(req.url ?? '/');
  const method = req.method ?? 'GET';
  if (path === '/openapi.json') {
    if (only(method, 'GET', res)) send(res, 200, OPENAPI);
    return;
  }
  if (path === '/metrics') {
    if (!only(method, 'GET', res)) return;
    res.writeHead(200, { 'content-type': o.metrics.contentType });
    res.end(await o.metrics.text());
    return;
  }
  if (!path.startsWith('/v1/')) return send(res, 404, { error: `no such path ${path}; see /openapi.json` });
  if (!authorized(req.headers.authorization, req.socket)) {
    res.setHeader('www-authenticate', 'Bearer');
    return send(res, 401, {
      error: 'missing or wrong bearer token (Authorization: Bearer <WORKSTEAL_TOKEN>)',
    });
  }
  const s = o.service;
  if (path === '/v1/requests') {
    if (!only(method, 'POST', res)) return;
    onlyParams(query, path, ['explain']);
    const explain = explainParam(query);
    return send(res, 200, await s.request(parseBody(entryRequestSchema, await readJson(req)), explain));
  }
  if (path === '/v1/events') {
    if (!only(method, 'POST', res)) return;
    onlyParams(query, path, []);
    return send(res, 200, await s.eventAnswer(parseBody(orderEventSchema, await readJson(req))));
  }
  if (path === '/v1/status') {
    if (!only(method, 'GET', res)) return;
    onlyParams(query, path, []);
    const status = s.status();
    await s.durable();
    return send(res, 200, status);
  }
  if (path === '/v1/decisions') {
    if (!only(method, 'GET', res)) return;
    onlyParams(query, path, ['since', 'limit']);
    const decisions = s.decisionsSince(sinceParam(query), limitParam(query));
    await s.durable();
    return send(res, 200, { decisions });
  }
  const saga = /^\/v1\/sagas\/([^/]+)(\/reports)?$/.exec(path);
  if (saga) {
    const sagaId = decodeURIComponent(saga[1]!);
    onlyParams(query, path, []);
    if (saga[2]) {
      if (!only(method, 'POST', res)) return;
      return send(res, 200, await s.report(sagaId, parseBody(sagaReportSchema, await readJson(req))));
    }
    if (!only(method, 'GET', res)) return;
    const view = s.sagaView(sagaId);
    if (!view) throw new NotFound(`no saga ${sagaId}; GET /v1/status lists the open ones`);
    await s.durable();
    return send(res, 200, view);
  }
  send(res, 404, { error: `no such path ${path}; see /openapi.json` });
}

/** A path of plain segments: no dot segments, escapes or other characters a URL would normalize. */
const PLAIN_PATH = /^(?:\/[\w-]+)+\/?$/;

/**
 * The path and query of a request target. The usual target (a plain path, perhaps a query) is split without
 * building a URL (this is on every request's path); anything else is normalized by the URL parser.
 */
function requestTarget(target: string): { path: string; query: URLSearchParams | null } {
  const mark = target.indexOf('?');
  const path = mark < 0 ? target : target.slice(0, mark);
  if (PLAIN_PATH.test(path))
    return { path, query: mark < 0 ? null : new URLSearchParams(target.slice(mark + 1)) };
  const url = new URL(target, 'http://localhost');
  return { path: url.pathname, query: url.searchParams };
}

/** False (and a 405 sent) when the method is not the one the path takes. */
function only(method: string, wanted: 'GET' | 'POST', res: ServerResponse): boolean {
  if (method === wanted || (wanted === 'GET' && method === 'HEAD')) return true;
  res.setHeader('allow', wanted);
  send(res, 405, { error: `use ${wanted}` });
  return false;
}

/** A body sent as something else than JSON (HTTP 415). */
class UnsupportedMediaType extends Error {}

const tooLarge = (size: string): PayloadTooLarge =>
  new PayloadTooLarge(
    `the body is ${size}, above the ${MAX_BODY} bytes a request may have; send one report per request`,
  );

/**
 * The request body as JSON (events, not an async iterator: this is on every request's path). A body declared
 * as another type (a form, text) is refused unread: it was not meant for this API. No content type is taken as
 * JSON (a bare client).
 */
function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)) {
    req.resume();
    return Promise.reject(
      new UnsupportedMediaType(
        `content-type ${JSON.stringify(type)}: send the body as JSON (content-type: application/json)`,
      ),
    );
  }
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY) {
    req.resume();
    return Promise.reject(tooLarge(`${declared} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(`more than ${MAX_BODY} bytes`));
      } else chunks.push(chunk);
    });
    req.once('error', reject);
    req.once('end', () => {
      if (size > MAX_BODY) return;
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        return reject(
          new BadRequest([{ field: '(body)', message: `not JSON: ${(error as Error).message}` }]),
        );
      }
      const problem = scanJson(text);
      if (problem === null) return resolve(body);
      reject(
        new BadRequest([
          {
            field: problem.path,
            message:
              problem.kind === 'twice'
                ? 'given twice in one object; JSON readers take the last one silently, which may not be what ' +
                  'you meant: send each key once'
                : `nested more than ${MAX_JSON_DEPTH} levels deep (objects and arrays inside each other); no ` +
                  'body this API takes is more than 3 deep: check what builds it',
          },
        ]),
      );
    });
  });
}
