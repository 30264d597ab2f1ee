import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { nyseCalendar, newYorkDay } from '../../src/core/calendar/index.js';
import { isOpenStatus, type BrokerAccount, type VenueOrder } from '../../src/ports/venue.js';
import type { BarVenue } from '../../src/live/venue.js';

/** Alpaca's JSON shapes and the fake server's small I/O helpers (see fake-alpaca.ts). */

export function alpacaOrder(o: VenueOrder): Record<string, unknown> {
  const at = new Date(o.placedAt).toISOString();
  return {
    id: o.id,
    client_order_id: o.clientOrderId,
    symbol: o.symbol,
    asset_class: o.assetClass === 'crypto' ? 'crypto' : 'us_equity',
    side: o.side,
    type: 'limit',
    time_in_force: 'gtc',
    qty: String(o.qty),
    filled_qty: String(o.filledQty),
    filled_avg_price: o.fillPrice === null ? null : String(o.fillPrice),
    limit_price: String(o.limitPrice),
    status: isOpenStatus(o.status) ? (o.status === 'open' ? 'new' : 'pending_cancel') : o.status,
    created_at: at,
    submitted_at: at,
  };
}

export function alpacaAccount(a: BrokerAccount): Record<string, unknown> {
  const bp = a.buyingPower!;
  return {
    id: 'fake-account',
    status: 'ACTIVE',
    currency: 'USD',
    cash: String(a.cash),
    equity: String(a.equity),
    portfolio_value: String(a.equity),
    buying_power: String(Math.max(bp.daytrading, bp.regt)),
    regt_buying_power: String(bp.regt),
    daytrading_buying_power: String(bp.daytrading),
    non_marginable_buying_power: String(bp.nonMarginable),
    pattern_day_trader: a.patternDayTrader,
    trading_blocked: false,
    account_blocked: false,
  };
}

export function calendarRows(url: URL): { date: string; open: string; close: string }[] {
  const cal = nyseCalendar();
  const start = Date.parse(`${url.searchParams.get('start')}T12:00:00Z`);
  const end = Date.parse(`${url.searchParams.get('end')}T12:00:00Z`);
  const rows = [];
  for (let t = start; t <= end; t += 86_400_000) {
    const s = cal.sessionFor(newYorkDay(t));
    if (s) rows.push({ date: s.day, open: '09:30', close: s.early ? '13:00' : '16:00' });
  }
  return rows;
}

export function sendWs(ws: WebSocket, payload: unknown): void {
  // The real trade stream sends its JSON in binary frames.
  ws.send(Buffer.from(JSON.stringify(payload)), { binary: true });
}

export function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/** Bars as Alpaca's market data API serves them, from the bars the venue fills on. */
export function barsOf(venue: BarVenue, url: URL): Record<string, unknown[]> {
  const limit = Number(url.searchParams.get('limit') ?? 1000);
  const start = Date.parse(url.searchParams.get('start') ?? '') || Number.NEGATIVE_INFINITY;
  const end = Math.min(
    venue.now(),
    Date.parse(url.searchParams.get('end') ?? '') || Number.POSITIVE_INFINITY,
  );
  const out: Record<string, unknown[]> = {};
  for (const s of (url.searchParams.get('symbols') ?? '').split(',').filter(Boolean)) {
    const w = venue.bars(s, limit, end);
    if (!w) continue;
    const rows = [];
    for (let i = 0; i < w.time.length; i++) {
      if (w.time[i]! < start) continue;
      rows.push({
        t: new Date(w.time[i]!).toISOString(),
        o: w.open[i],
        h: w.high[i],
        l: w.low[i],
        c: w.close[i],
        v: 1,
      });
    }
    out[s] = url.searchParams.get('sort') === 'desc' ? rows.reverse() : rows;
  }
  return out;
}

/** Latest quotes (bid = ask = the last close), made now or, with `atBarClose`, when that bar closed. */
export function quotesOf(venue: BarVenue, url: URL, atBarClose = false): Record<string, unknown> {
  const quotes: Record<string, unknown> = {};
  for (const s of (url.searchParams.get('symbols') ?? '').split(',').filter(Boolean)) {
    const q = venue.quote(s);
    const t = new Date((atBarClose ? q?.time : undefined) ?? venue.now()).toISOString();
    if (q) quotes[s] = { ap: q.ask, bp: q.bid, as: 1, bs: 1, t };
  }
  return quotes;
}
