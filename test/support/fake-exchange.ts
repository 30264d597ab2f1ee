/**
 * A fake Binance spot API on 127.0.0.1, just enough for ccxt's binance class: `GET /api/v3/exchangeInfo`
 * (the market list) and `GET /api/v3/klines` (symbol, interval, startTime, limit). Bars are a pure function
 * of symbol and time (expectedBar), so tests can check every stored value. Faults are scripted: 429 with
 * Retry-After, a server that goes away after N pages, a request held open until the test kills the client.
 * Also here: runCliAsync, because a fake server in the test process cannot answer a spawnSync'd child.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { cliEntry } from './built-cli.js';
import { ROOT } from './cli.js';

export interface FakeMarket {
  base: string;
  quote: string;
  /** Bars exist for open times in [from, to). */
  from: number;
  to: number;
  /** Open times with no bar (an exchange outage). */
  missing?: number[];
}

export interface KlinesRequest {
  symbol: string;
  interval: string;
  startTime: number | null;
  limit: number;
  /** Bars in the answer (0 for a refused request). */
  served: number;
  status: number;
}

const INTERVALS: Record<string, number> = {
  '1m': 60_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
};

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

/** The bar the fake serves for a market id ('BTCUSDT') at open time t: [open, high, low, close, volume]. */
export function expectedBar(id: string, t: number): [number, number, number, number, number] {
  const base = 50 + 1000 * hash(id);
  const x = t / 3_600_000;
  const r2 = (v: number): number => Math.round(v * 100) / 100;
  const open = r2(base * (1 + 0.05 * Math.sin(x / 24)));
  const close = r2(base * (1 + 0.05 * Math.sin((x + 1) / 24)));
  const high = r2(Math.max(open, close) * 1.004);
  const low = r2(Math.min(open, close) * 0.996);
  const volume = r2(10 + 5 * Math.abs(Math.cos(x)));
  return [open, high, low, close, volume];
}

function marketInfo(id: string, m: FakeMarket): Record<string, unknown> {
  return {
    symbol: id,
    status: 'TRADING',
    baseAsset: m.base,
    baseAssetPrecision: 8,
    quoteAsset: m.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    orderTypes: ['LIMIT', 'MARKET'],
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: '0.01', maxPrice: '1000000', tickSize: '0.01' },
      { filterType: 'LOT_SIZE', minQty: '0.00001', maxQty: '9000', stepSize: '0.00001' },
    ],
    permissions: ['SPOT'],
    permissionSets: [['SPOT']],
  };
}

export class FakeExchange {
  readonly klines: KlinesRequest[] = [];
  private server: Server;
  private sockets = new Set<Socket>();
  private rateLimited = 0;
  private retryAfter = '1';
  private pagesLeft = Infinity;
  private failMode: 'down' | 'hold' = 'down';
  private onHold: (() => void) | null = null;
  url = '';

  constructor(
    readonly markets: Record<string, FakeMarket>,
    /** The most bars one klines answer holds, whatever limit was asked (Binance: 1000). */
    readonly maxLimit = 1000,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The next `count` klines requests get 429 with this Retry-After. */
  rateLimitNext(count = 1, retryAfter = '1'): void {
    this.rateLimited = count;
    this.retryAfter = retryAfter;
  }

  /** After `pages` more klines answers, the server drops every klines connection (an outage). */
  goDownAfter(pages: number): void {
    this.pagesLeft = pages;
    this.failMode = 'down';
  }

  /** After `pages` more klines answers, the next request is held open forever; resolves when it arrives. */
  holdAfter(pages: number): Promise<void> {
    this.pagesLeft = pages;
    this.failMode = 'hold';
    return new Promise((r) => (this.onHold = r));
  }

  recover(): void {
    this.pagesLeft = Infinity;
  }

  /** Bars the fake holds for a market in [from, to): what a complete download must store. */
  barsBetween(id: string, from: number, to: number, step = 3_600_000): number[] {
    const m = this.markets[id];
    if (!m) return [];
    const out: number[] = [];
    for (let t = Math.max(from, m.from); t < Math.min(to, m.to); t += step)
      if (!m.missing?.includes(t)) out.push(t);
    return out;
  }

  private json(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://fake');
    if (u.pathname === '/api/v3/exchangeInfo') {
      this.json(res, 200, {
        timezone: 'UTC',
        serverTime: Date.now(),
        rateLimits: [],
        exchangeFilters: [],
        symbols: Object.entries(this.markets).map(([id, m]) => marketInfo(id, m)),
      });
      return;
    }
    if (u.pathname !== '/api/v3/klines') {
      this.json(res, 404, { code: -1, msg: `fake exchange: no route ${u.pathname}` });
      return;
    }
    const symbol = u.searchParams.get('symbol') ?? '';
    const interval = u.searchParams.get('interval') ?? '';
    const start = u.searchParams.get('startTime');
    const limit = Number(u.searchParams.get('limit') ?? 500);
    const record: KlinesRequest = {
      symbol,
      interval,
      startTime: start === null ? null : Number(start),
      limit,
      served: 0,
      status: 200,
    };
    this.klines.push(record);
    if (this.rateLimited > 0) {
      this.rateLimited--;
      record.status = 429;
      this.json(res, 429, { code: -1003, msg: 'Too many requests.' }, { 'Retry-After': this.retryAfter });
      return;
    }
    if (this.pagesLeft <= 0) {
      record.status = 0;
      if (this.failMode === 'hold') {
        this.onHold?.();
        this.onHold = null;
        return; // never answered
      }
      req.socket.destroy();
      return;
    }
    this.pagesLeft--;
    const m = this.markets[symbol];
    const step = INTERVALS[interval];
    if (!m || step === undefined) {
      record.status = 400;
      this.json(res, 400, { code: -1121, msg: 'Invalid symbol.' });
      return;
    }
    const from = Math.max(record.startTime ?? m.from, m.from);
    const first = Math.ceil((from - m.from) / step) * step + m.from;
    const rows: unknown[] = [];
    for (let t = first; t < m.to && rows.length < Math.min(limit, this.maxLimit); t += step) {
      if (m.missing?.includes(t)) continue;
      const [o, h, l, c, v] = expectedBar(symbol, t);
      rows.push([
        t,
        String(o),
        String(h),
        String(l),
        String(c),
        String(v),
        t + step - 1,
        '0',
        1,
        '0',
        '0',
        '0',
      ]);
    }
    record.served = rows.length;
    this.json(res, 200, rows);
  }
}

export interface AsyncCliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI in a child process (test/support/built-cli.ts), without blocking this one (the fake servers live here). The
 * environment is cleaned of WORKSTEAL_* and proxy variables so that only what the test sets applies.
 * `control` receives the child, e.g. to kill it mid-download.
 */
export function runCliAsync(
  args: string[],
  env: Record<string, string> = {},
  options: { cwd?: string; control?: (kill: (signal: NodeJS.Signals) => void) => void } = {},
): Promise<AsyncCliResult> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('WORKSTEAL_') && !/_proxy$/i.test(k)),
  );
  const child = spawn(process.execPath, [...cliEntry(), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...clean, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  options.control?.((signal) => child.kill(signal));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
