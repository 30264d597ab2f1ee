import { symbolKey } from '../marketdata/symbols.js';
import { BadRequest } from './bad-request.js';

/** Where a market's spelling comes from: config `symbols`, the broker's own orders and positions, or first use. */
type SpellingSource = 'configured' | 'venue' | 'seen';

/**
 * One spelling per market. The service matched symbols as strings, so `BTC/USDT`, `BTCUSDT` and `btc/usdt` were
 * three books for one market: a request under one spelling did not see the orders, position, quote or sagas of
 * another (its own order to replace, the margin it already holds). The spelling that counts is the configured one
 * (config `symbols`), else in executing mode the broker's (its orders and positions), else the first the service
 * saw (in a report, its steal history or a request); another spelling of the same market (by `symbolKey`, the
 * project's rule: case and separators do not count) is refused naming the one to send.
 */
export class SymbolSpellings {
  private readonly byKey = new Map<string, { symbol: string; source: SpellingSource }>();

  constructor(configured: Iterable<string>) {
    for (const symbol of configured) this.byKey.set(symbolKey(symbol), { symbol, source: 'configured' });
  }

  /**
   * Remember a spelling taken (the first of its market wins): `venue` when the broker holds orders or
   * positions under it (executing mode), `seen` for one a report or a request named.
   */
  note(symbol: string, source: Exclude<SpellingSource, 'configured'> = 'seen'): void {
    const key = symbolKey(symbol);
    if (!this.byKey.has(key)) this.byKey.set(key, { symbol, source });
  }

  /** Refuse another spelling of a known market, else remember this one (a request's symbol). */
  take(symbol: string, field: string): void {
    this.refuseOther(symbol, field);
    this.note(symbol);
  }

  /** 400 when `symbol` is another spelling of a market known under one already; `field` names where it was. */
  refuseOther(symbol: string, field: string): void {
    const known = this.byKey.get(symbolKey(symbol));
    if (known === undefined || known.symbol === symbol) return;
    const configured = [...this.byKey.values()].filter((s) => s.source === 'configured').map((s) => s.symbol);
    const where =
      known.source === 'configured'
        ? `the configured spelling (config symbols: ${configured.join(', ')})`
        : known.source === 'venue'
          ? 'the spelling the broker holds its orders and positions under'
          : 'the spelling the service saw first for it';
    throw new BadRequest(
      [
        {
          field,
          value: symbol,
          message:
            `another spelling of ${known.symbol}, ${where}; one market under two spellings would be two books ` +
            `(orders, positions, sagas): send "${known.symbol}"`,
        },
      ],
      `symbol ${symbol}, nothing changed`,
    );
  }
}
