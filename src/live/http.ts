import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ValidationError } from '../core/errors.js';
import type { Logger } from '../ports/log.js';
import type { LiveMetrics } from './metrics.js';
import type { StatusSnapshot } from './status.js';
import { statusPage } from './status-page.js';

/** What the control endpoints act on. */
export interface Controllable {
  status(): StatusSnapshot;
  pause(): void;
  resume(): void;
  setDryRun(on: boolean): void;
  readonly isPaused: boolean;
  readonly dryRun: boolean;
}

export interface HttpOptions {
  host: string;
  port: number;
  /** Bearer token for /control/*; without one the control endpoints are disabled. */
  token: string | undefined;
  target: Controllable;
  metrics: LiveMetrics;
  log: Logger;
  /**
   * Host names (without port) a request may be addressed to, beside the loopback names and the bound
   * address: a page on another site that rebinds its DNS name to 127.0.0.1 sends its own name and is refused.
   */
  allowedHosts?: readonly string[];
}

export interface HttpHandle {
  url: string;
  close(): Promise<void>;
}

const CONTROL: Record<string, (t: Controllable) => void> = {
  '/control/pause': (t) => t.pause(),
  '/control/resume': (t) => t.resume(),
  '/control/dry-run/on': (t) => t.setDryRun(true),
  '/control/dry-run/off': (t) => t.setDryRun(false),
};

/**
 * The runtime's HTTP face: GET /metrics (Prometheus), GET /status (JSON), GET / (status page), and
 * POST /control/{pause,resume,dry-run/on,dry-run/off} with `Authorization: Bearer <WORKSTEAL_TOKEN>`.
 * Binds loopback unless told otherwise.
 */
export async function startHttp(o: HttpOptions): Promise<HttpHandle> {
  const allowed = allowedHostSet(o.host, o.allowedHosts ?? []);
  const authorized = o.token ? bearerTokenCheck(o.token) : null;
  const server: Server = createServer((req, res) => {
    if (refusedHost(req, res, allowed, o.log)) return;
    handle(o, authorized, req, res).catch((error: Error) => {
      o.log.error('http-error', { path: req.url, message: error.message });
      if (!res.headersSent) send(res, 500, { error: 'internal error; see the log' });
      else res.end();
    });
  });
  return listen(server, o.host, o.port);
}

/** Whether a request's Authorization header carries the token (its socket, when given, remembers a pass). */
type TokenCheck = (header: string | undefined, socket?: object) => boolean;

async function handle(
  o: HttpOptions,
  authorized: TokenCheck | null,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path.startsWith('/control/')) return control(o, authorized, path, req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'use GET' });
  if (path === '/metrics') {
    res.writeHead(200, { 'content-type': o.metrics.contentType });
    res.end(await o.metrics.text());
    return;
  }
  if (path === '/status') return send(res, 200, o.target.status());
  if (path === '/' || path === '/index.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(statusPage());
    return;
  }
  send(res, 404, { error: `no such page ${path}; try /, /status or /metrics` });
}

function control(
  o: HttpOptions,
  authorized: TokenCheck | null,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const action = CONTROL[path];
  if (!action)
    return send(res, 404, { error: `unknown control ${path}; use ${Object.keys(CONTROL).join(', ')}` });
  if (req.method !== 'POST') return send(res, 405, { error: 'control endpoints take POST' });
  if (!authorized) {
    return send(res, 403, {
      error: 'control endpoints are disabled: start worksteal with WORKSTEAL_TOKEN set',
    });
  }
  if (!authorized(req.headers.authorization)) {
    o.log.warn('control-refused', { path });
    res.setHeader('www-authenticate', 'Bearer');
    return send(res, 401, {
      error: 'missing or wrong bearer token (Authorization: Bearer <WORKSTEAL_TOKEN>)',
    });
  }
  action(o.target);
  o.log.info('control', { path });
  send(res, 200, { ok: true, paused: o.target.isPaused, dryRun: o.target.dryRun });
}

/**
 * The bearer-token check for a token: constant-time comparison of digests (so the lengths match too). The
 * expected token's digest is computed once here, not on every request; the service uses the same rule.
 *
 * Given the request's socket, a header that already passed on that socket passes again without a digest
 * (a keep-alive bot sends the same header on every request). The plain comparison that allows leaks nothing:
 * it compares with what that socket itself already proved it knows; any other header is digested as usual.
 */
export function bearerTokenCheck(token: string): TokenCheck {
  const expected = digest(token);
  const passed = new WeakMap<object, string>();
  return (header, socket) => {
    if (header !== undefined && socket !== undefined && passed.get(socket) === header) return true;
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
    const ok = m !== null && timingSafeEqual(digest(m[1]!.trim()), expected);
    if (ok && socket !== undefined) passed.set(socket, header!);
    return ok;
  };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * DNS rebinding defence for every HTTP face of worksteal: a request whose Host is not on the list gets 421 and
 * a log line; true when it was refused.
 */
export function refusedHost(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: ReadonlySet<string>,
  log: Logger,
): boolean {
  if (hostAllowed(req.headers.host, allowed)) return false;
  log.warn('http-host-refused', { host: String(req.headers.host ?? '').slice(0, 100) });
  send(res, 421, {
    error: `this server answers only for ${[...allowed].join(', ')}; add the name you use to live.http.allowedHosts`,
  });
  return true;
}

/** Loopback names always; the bound address when it is a specific one; then the configured names. */
export function allowedHostSet(bound: string, extra: readonly string[]): Set<string> {
  const names = ['localhost', '127.0.0.1', '::1', ...extra];
  if (!['0.0.0.0', '::', ''].includes(bound)) names.push(bound);
  return new Set(names.map((n) => n.toLowerCase().replace(/^\[(.*)\]$/, '$1')));
}

/** The Host header's name (port and IPv6 brackets removed) is on the list; no Host header is refused. */
export function hostAllowed(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (!header) return false;
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(header) ?? /^([^:]+)(?::\d+)?$/.exec(header);
  return m !== null && allowed.has(m[1]!.toLowerCase().replace(/\.$/, ''));
}

/**
 * A JSON answer with its length in the head: the head and the body leave in one write, and the client reads
 * one body instead of chunks.
 */
export function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

/**
 * A port another process listens on. It is a ValidationError naming live.http, as every listen failure was;
 * `serve` and `run` exit 1 for it (docs/cli.md, exit codes: the environment, like a store another process holds).
 */
export class PortInUseError extends ValidationError {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super('Cannot serve HTTP', [
      {
        where: 'live.http',
        message: `port ${port} on ${host} is in use; choose another with --port or live.http.port (0 picks a free one)`,
        value: `${host}:${port}`,
      },
    ]);
    this.name = 'PortInUseError';
  }
}

/**
 * Listen on host:port (port 0 picks a free one) and hand back the URL and a close that also ends kept-alive
 * connections. A port in use is a PortInUseError; an address that cannot be bound is bad input naming
 * live.http.
 */
export async function listen(server: Server, host: string, port: number): Promise<HttpHandle> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(host, port)
          : new ValidationError('Cannot serve HTTP', [
              {
                where: 'live.http',
                message: `cannot listen on ${host}:${port} (${error.message}); check --host / live.http.host`,
                value: `${host}:${port}`,
              },
            ]),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const bound = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${bound}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
