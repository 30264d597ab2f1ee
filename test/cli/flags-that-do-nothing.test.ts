/**
 * Flags that would do nothing were accepted without a word: `start --seed 3` without --synthetic (a run on
 * real data), `start --synthetic --seed -1` (compare and optimize refuse --seed -5), `run --no-http --port
 * 8000` (no port opened), `data download --source ccxt:… --adjustment raw`. Each is refused (exit 2) in the
 * words run and serve use for another broker's flags.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const refused = (args: string[], message: string): void => {
  const r = runCli(args, {
    WORKSTEAL_TEST_SHARED_DIR: '/nonexistent',
    WORKSTEAL_TEST_CCXT_URL: 'http://127.0.0.1:1',
  });
  expect(r.stderr, args.join(' ')).toBe(`error: ${message}\n`);
  expect(r.code, args.join(' ')).toBe(2);
};

describe('a flag that would do nothing is refused', () => {
  it('start: --seed without --synthetic, a negative seed, and the data flags with --synthetic', () => {
    refused(
      ['start', '--seed', '3'],
      "--seed: only with --synthetic (it sets the synthetic market's seed), and --synthetic is not given; drop it or add --synthetic",
    );
    refused(['start', '--synthetic', '--seed', '-1'], '--seed "-1": must be a whole number >= 0');
    refused(
      ['start', '--synthetic', '--dir', 'data', '--no-cache'],
      '--dir, --no-cache: not with --synthetic (they apply to market data read from files, and --synthetic generates its bars in memory); drop them or leave out --synthetic',
    );
  });

  it('run: --port, --host and --keep-serving with --no-http', () => {
    refused(
      ['run', '--broker', 'replay', '--benchmark', 'crypto', '--no-http', '--port', '8000'],
      '--port: not with --no-http (it sets up the HTTP server of /status and /metrics, and --no-http serves none); drop it or leave out --no-http',
    );
    refused(
      [
        'run',
        '--broker',
        'replay',
        '--benchmark',
        'crypto',
        '--no-http',
        '--host',
        '0.0.0.0',
        '--keep-serving',
      ],
      '--host, --keep-serving: not with --no-http (they set up the HTTP server of /status and /metrics, and --no-http serves none); drop them or leave out --no-http',
    );
  });

  it('data download: --feed and a typed --adjustment with a source other than alpaca', () => {
    const download = ['data', 'download', '--source', 'ccxt:binance', '--symbols', 'BTC/USDT'];
    refused(
      [...download, '--adjustment', 'raw'],
      "--adjustment: only with --source alpaca (it sets Alpaca's data feed and price adjustment), and --source is ccxt:binance; drop it or use --source alpaca",
    );
    refused(
      [...download, '--feed', 'iex'],
      "--feed: only with --source alpaca (it sets Alpaca's data feed and price adjustment), and --source is ccxt:binance; drop it or use --source alpaca",
    );
  });
});
