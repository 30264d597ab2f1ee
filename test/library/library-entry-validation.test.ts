import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide as internalDecide } from '../../src/core/policy/decide.js';
import {
  Coordinator,
  StealHistory,
  ValidationError,
  decide,
  expandDataArgs,
  loadBars,
  nyseCalendar,
  resolveConfig,
  simulate,
  type DecideInput,
  type EntryRequest,
} from '../../src/index.js';
import { README_BTC, README_ETH, README_NOW } from '../support/readme-book.js';

/**
 * What a user calls through `import … from 'worksteal'` checks its input and names the field, the value and
 * what to pass, instead of deciding on garbage or failing with a TypeError from deep inside.
 */
const { config } = resolveConfig();
const now = README_NOW;
const eth = README_ETH;
const btc = README_BTC;
const input = (request: unknown, extra: Partial<DecideInput> = {}): DecideInput => ({
  now,
  sessionOpen: false,
  account: { equity: 10_000, patternDayTrader: false },
  positions: [],
  orders: [eth],
  history: new StealHistory(config),
  request: request as EntryRequest,
  ...extra,
});

/** The thrown error, which must be a ValidationError. */
function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

describe('decide() from the library', () => {
  it.each([
    ['qty NaN', { qty: Number.NaN }, 'input.request.qty', 'NaN'],
    ['qty negative', { qty: -0.06 }, 'input.request.qty', '-0.06'],
    ['limit negative', { limitPrice: -60_000 }, 'input.request.limitPrice', '-60000'],
    ['price NaN', { price: Number.NaN }, 'input.request.price', 'NaN'],
    ['side long', { side: 'long' }, 'input.request.side', '"long"'],
    ['symbol empty', { symbol: '' }, 'input.request.symbol', '""'],
    ['assetClass forex', { assetClass: 'forex' }, 'input.request.assetClass', '"forex"'],
  ])('refuses a request with %s', (_name, patch, where, value) => {
    const message = refusal(() => decide(input({ ...btc, ...patch }), config));
    expect(message).toContain(`${where}: must be`);
    expect(message).toContain(`(got ${value})`);
  });

  it('refuses a book the ledger would refuse, and a missing config or input, with what to pass', () => {
    expect(refusal(() => decide(input(btc, { orders: [eth, { ...eth, qty: 1 }] }), config))).toContain(
      'input.orders[1].id: order id eth-1 is listed twice',
    );
    expect(
      refusal(() => decide(input(btc, { account: { equity: Number.NaN, patternDayTrader: false } }), config)),
    ).toContain('input.account.equity');
    const empty = refusal(() => decide({} as DecideInput, undefined as never));
    for (const part of [
      'config: must be a resolved configuration: pass resolveConfig().config',
      'input.now',
      'input.history: must be a StealHistory',
      'input.request.symbol',
    ])
      expect(empty).toContain(part);
  });

  it('decides a valid input exactly as the internal decide()', () => {
    expect(decide(input(btc), config)).toEqual(internalDecide(input(btc), config));
    expect(decide(input(btc), config).action).toBe('steal');
  });
});

describe('the other entry points refuse a wrong shape with what to pass', () => {
  it('new Coordinator({})', () => {
    const message = refusal(() => new Coordinator({} as never));
    for (const part of [
      'options.config',
      'options.clock',
      'options.calendar: must have isRegularSession(t): boolean; pass nyseCalendar()',
      'options.account',
    ])
      expect(message).toContain(part);
  });

  it('new Coordinator with an account equity NaN', () => {
    const account = { equity: Number.NaN, patternDayTrader: false };
    const options = { config, clock: { now: () => now }, calendar: nyseCalendar(), account };
    expect(refusal(() => new Coordinator(options))).toContain(
      'options.account.equity: must be a finite number',
    );
  });

  it('resolveConfig({ layers: {} })', () => {
    expect(refusal(() => resolveConfig({ layers: {} as never }))).toContain(
      'layers: must be an array of { source, values }',
    );
  });

  it('simulate({ series: [] }) without a config', () => {
    const message = refusal(() => simulate({ series: [] } as never));
    expect(message).toContain('config: must be a resolved configuration: pass resolveConfig().config');
    expect(message).toContain('calendar: must be a trading calendar: pass nyseCalendar()');
  });

  it('loadBars on a folder names expandDataArgs, which the library exports', async () => {
    expect(typeof expandDataArgs).toBe('function');
    const folder = mkdtempSync(join(tmpdir(), 'worksteal-bars-'));
    await expect(loadBars(folder)).rejects.toThrow(/expandDataArgs/);
  });
});
