/**
 * A fake Alpaca market-data API on 127.0.0.1: `GET /v2/stocks/{symbol}/bars` with key headers, start/end,
 * limit and page_token, answering in Alpaca's shape ({ bars: [{ t, o, h, l, c, v }], next_page_token }).
 * Stocks trade 14:00-20:00 UTC on weekdays here (hourly bars); a symbol it does not know gets no bars, as
 * Alpaca's single-symbol endpoint does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectedBar } from './fake-exchange.js';

export const FAKE_ALPACA_KEYS = { id: 'fake-key-id', secret: 'fake-secret-key-do-not-print' };

export interface AlpacaRequest {
  symbol: string;
  timeframe: string | null;
  start: string | null;
  end: string | null;
  limit: number;
  pageToken: string | null;
  status: number;
}

const HOUR = 3_600_000;

/** Session bar open times of the fake: weekdays, 14:00 to 19:00 UTC, in [from, to). */
export function stockHours(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(from / HOUR) * HOUR; t < to; t += HOUR) {
    const d = new Date(t);
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6 && d.getUTCHours() >= 14 && d.getUTCHours() < 20) out.push(t);
  }
  return out;
}

export class FakeAlpacaData {
  readonly requests: AlpacaRequest[] = [];
  private server: Server;
  private rateLimited = 0;
  url = '';

  constructor(
    /** Symbol → the range of its bars. */
    readonly symbols: Record<string, { from: number; to: number }>,
    readonly maxPage = 10_000,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  rateLimitNext(count = 1): void {
    this.rateLimited = count;
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
    const m = /^\/v2\/stocks\/([^/]+)\/bars$/.exec(u.pathname);
    if (!m) return this.json(res, 404, { message: 'not found' });
    const symbol = decodeURIComponent(m[1] as string);
    const q = u.searchParams;
    const record: AlpacaRequest = {
      symbol,
      timeframe: q.get('timeframe'),
      start: q.get('start'),
      end: q.get('end'),
      limit: Number(q.get('limit') ?? 1000),
      pageToken: q.get('page_token'),
      status: 200,
    };
    this.requests.push(record);
    if (
      req.headers['apca-api-key-id'] !== FAKE_ALPACA_KEYS.id ||
      req.headers['apca-api-secret-key'] !== FAKE_ALPACA_KEYS.secret
    ) {
      record.status = 403;
      return this.json(res, 403, { message: 'forbidden.' });
    }
    if (this.rateLimited > 0) {
      this.rateLimited--;
      record.status = 429;
      return this.json(res, 429, { message: 'too many requests.' }, { 'Retry-After': '0' });
    }
    if (record.timeframe !== '1Hour')
      return this.json(res, 422, { message: `fake: timeframe ${record.timeframe} not served` });
    const range = this.symbols[symbol];
    if (!range) return this.json(res, 200, { bars: [], symbol, next_page_token: null });
    const start = Math.max(Date.parse(record.start ?? '') || range.from, range.from);
    const end = Math.min(record.end ? Date.parse(record.end) + 1 : range.to, range.to);
    const all = stockHours(start, end);
    const offset = record.pageToken ? Number(Buffer.from(record.pageToken, 'base64').toString()) : 0;
    const size = Math.min(record.limit, this.maxPage);
    const page = all.slice(offset, offset + size);
    const next = offset + size < all.length ? Buffer.from(String(offset + size)).toString('base64') : null;
    this.json(res, 200, {
      symbol,
      next_page_token: next,
      bars: page.map((t) => {
        const [o, h, l, c, v] = expectedBar(symbol, t);
        return {
          t: new Date(t).toISOString().replace('.000Z', 'Z'),
          o,
          h,
          l,
          c,
          v: Math.round(v * 1000),
          n: 10,
          vw: c,
        };
      }),
    });
  }
}
