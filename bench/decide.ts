/**
 * `decide` throughput: one entry request against 10, 100 and 1,000 open orders, in the steal path (capacity
 * short, so every candidate is evaluated and ranked) and in the place path (capacity free). Books are seeded,
 * so every run measures the same inputs.
 */
import { DEFAULT_CONFIG } from '../dist/core/config/presets.js';
import { decide, type DecideInput } from '../dist/core/policy/decide.js';
import { StealHistory } from '../dist/core/policy/steal-history.js';
import type { EntryRequest, OpenOrder } from '../dist/core/types.js';
import { fmt, measure, printTable } from './util.js';

const NOW = Date.parse('2025-01-15T15:00:00Z'); // a Wednesday, US session open
const SIZES = [10, 100, 1_000] as const;
const GOAL_US = 50;

/** mulberry32: the same book on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Bench {
  orders: OpenOrder[];
  /** Equity at which the book uses exactly all capacity (stocks 50% without PDT, crypto 100%). */
  fullEquity: number;
  history: StealHistory;
}

function seededBook(n: number, seed: number): Bench {
  const r = rng(seed);
  const symbolCount = Math.max(4, Math.floor(n / 2));
  const symbols = Array.from({ length: symbolCount }, (_, i) => (i % 3 === 0 ? `C${i}USD` : `STK${i}`));
  const orders: OpenOrder[] = [];
  let margin = 0;
  for (let i = 0; i < n; i++) {
    const symbol = symbols[i % symbolCount]!;
    const assetClass = symbol.startsWith('C') ? 'crypto' : 'stock';
    const side = r() < 0.7 ? 'buy' : 'sell';
    const role = r() < 0.9 ? 'entry' : 'take-profit';
    const limitPrice = Math.round((10 + r() * 490) * 100) / 100;
    const qty = Math.max(1, Math.round((1_000 + r() * 4_000) / limitPrice));
    const d = r() * 0.05 - 0.002;
    orders.push({
      id: `o${i}`,
      symbol,
      assetClass,
      side,
      role,
      limitPrice,
      qty,
      price: r() < 0.02 ? null : side === 'buy' ? limitPrice * (1 + d) : limitPrice * (1 - d),
      forecastPnl: Math.round(r() * 1_000) / 100,
      placedAt: NOW - Math.floor(r() * 3_600_000),
      probe: r() < 0.03,
      external: r() < 0.02,
    });
    if (role === 'entry') margin += qty * limitPrice * (assetClass === 'crypto' ? 1 : 0.5);
  }
  const history = new StealHistory(DEFAULT_CONFIG);
  for (let k = 0; k < 20; k++) {
    const a = symbols[Math.floor(r() * Math.min(symbolCount, 8))]!;
    const b = symbols[(symbols.indexOf(a) + 1) % symbolCount]!;
    history.record({ at: NOW - (20 - k) * 100_000, thief: a, victim: b });
  }
  return { orders, fullEquity: margin, history };
}

/** A ready stock request of 2,000 notional (1,000 margin at 50%). */
const REQUEST: EntryRequest = {
  symbol: 'REQ',
  assetClass: 'stock',
  side: 'buy',
  limitPrice: 100,
  qty: 20,
  price: 100.1,
  forecastPnl: 5,
  cryptoRank: null,
};

export async function benchDecide(): Promise<void> {
  const config = { ...DEFAULT_CONFIG, patternDayTrader: false };
  const rows: string[][] = [];
  const at1000: number[] = [];
  for (const n of SIZES) {
    const book = seededBook(n, 42 + n);
    for (const path of ['steal', 'place'] as const) {
      const input: DecideInput = {
        now: NOW,
        sessionOpen: true,
        account: {
          equity: path === 'steal' ? book.fullEquity : book.fullEquity * 10,
          patternDayTrader: false,
        },
        positions: [],
        orders: book.orders,
        history: book.history,
        request: REQUEST,
      };
      const d = decide(input, config);
      // Long warm-up: at 1,000 orders a decision takes tens of µs, and the optimising compiler needs
      // a few thousand calls before the numbers describe steady state.
      const m = measure(() => decide(input, config), { warmupMs: 600 });
      const us = m.nsPerOp / 1_000;
      if (n === 1_000) at1000.push(us);
      rows.push([
        fmt(n),
        path,
        d.action,
        String(d.victims.length),
        fmt(us, us < 10 ? 2 : 1),
        fmt(m.opsPerSec),
      ]);
    }
  }
  console.log('decide: one entry request against n open orders (median of 7 batches)');
  printTable(['orders', 'path', 'action', 'victims', 'µs/decision', 'decisions/s'], rows, [
    'right',
    'left',
    'left',
    'right',
    'right',
    'right',
  ]);
  const worst = Math.max(...at1000);
  console.log(
    `\nworst at 1,000 orders: ${fmt(worst, 1)} µs per decision ` +
      `(goal: under ${GOAL_US} µs per decision at 1,000 orders): ${worst < GOAL_US ? 'met' : 'NOT met'}`,
  );
}
