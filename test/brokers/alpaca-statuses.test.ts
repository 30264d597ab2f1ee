import { describe, expect, it } from 'vitest';
import type { AlpacaOrder } from '../../src/brokers/alpaca/stream.js';
import { toVenueOrder } from '../../src/brokers/alpaca/wire.js';

/**
 * Alpaca's order statuses as worksteal reads them. Only the ones Alpaca documents as the order's end ("no
 * further updates will occur": filled, canceled, expired, rejected) and `replaced` (another order took its
 * place) close an order; every other one — `suspended` and `calculated` included — still holds its margin
 * and can still trade, so it stays open until the venue says otherwise.
 */
const order = (status: string): AlpacaOrder => ({
  id: 'o1',
  client_order_id: 'ws-x-1',
  symbol: 'AAPL',
  asset_class: 'us_equity',
  side: 'buy',
  qty: '3',
  filled_qty: '1',
  filled_avg_price: '100',
  limit_price: '100',
  status,
  submitted_at: '2024-03-08T15:00:00Z',
});

describe('Alpaca order statuses', () => {
  it.each([
    ['filled', 'filled'],
    ['canceled', 'canceled'],
    ['expired', 'expired'],
    ['rejected', 'rejected'],
    ['replaced', 'canceled'],
    ['pending_cancel', 'pending_cancel'],
    ['new', 'open'],
    ['accepted', 'open'],
    ['pending_new', 'open'],
    ['partially_filled', 'open'],
    ['done_for_day', 'open'],
    ['held', 'open'],
    ['pending_replace', 'open'],
    ['accepted_for_bidding', 'open'],
    ['stopped', 'open'],
    ['calculated', 'open'],
    ['suspended', 'open'],
  ])('%s is %s', (status, expected) => {
    expect(toVenueOrder(order(status)).status).toBe(expected);
  });
});
