import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-sim-'));

describe('worksteal simulate', () => {
  it('writes the JSON result other tools rely on, the HTML report and the SQLite store', () => {
    requireMarketData();
    const json = join(dir, 'out.json');
    const html = join(dir, 'out.html');
    const db = join(dir, 'runs.sqlite');
    const r = runCli([
      'simulate',
      '--data',
      join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
      join(MARKETDATA, 'binance-spot-yanniedog/LINKUSDT_1h.csv'),
      join(MARKETDATA, 'ibkr-tsla-economiaunmsm/TSLA_1h.csv'),
      '--from',
      '2023-01-01',
      '--to',
      '2023-03-01',
      '--json',
      json,
      '--report',
      html,
      '--db',
      db,
    ]);
    expect(r.stderr).toContain('TSLA (stock, inferred');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('total return');
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(out)).toEqual(
      expect.arrayContaining(['config', 'data', 'summary', 'equity', 'trades', 'decisions']),
    );
    expect(out.data.find((d: { symbol: string }) => d.symbol === 'SOLUSDT')).toEqual(
      expect.objectContaining({
        path: expect.any(String),
        symbol: 'SOLUSDT',
        assetClass: 'crypto',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        bars: expect.any(Number),
      }),
    );
    expect(out.summary).toEqual(
      expect.objectContaining({
        steals: expect.any(Number),
        blocks: expect.any(Number),
        trades: expect.any(Number),
        totalReturn: expect.any(Number),
        sharpe: expect.any(Number),
        maxDrawdown: expect.any(Number),
      }),
    );
    expect(out.equity[0]).toEqual({
      time: expect.stringMatching(/Z$/),
      equity: expect.any(Number),
      marginUsed: expect.any(Number),
      marginCapacity: expect.any(Number),
    });
    expect(out.trades[0]).toEqual(
      expect.objectContaining({
        symbol: expect.any(String),
        side: 'buy',
        qty: expect.any(Number),
        entryTime: expect.stringMatching(/Z$/),
        entryPrice: expect.any(Number),
        exitTime: expect.stringMatching(/Z$/),
        exitPrice: expect.any(Number),
        pnl: expect.any(Number),
        exitReason: expect.any(String),
      }),
    );
    expect(out.decisions[0]).toEqual(
      expect.objectContaining({
        time: expect.stringMatching(/Z$/),
        symbol: expect.any(String),
        action: expect.any(String),
        victims: expect.any(Array),
        reason: expect.any(String),
      }),
    );
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|https?:\/\//);
  });

  it('a malformed file is an error naming the file and row, exit 2, no stack trace', () => {
    const bad = join(dir, 'BADUSDT_1h.csv');
    writeFileSync(
      bad,
      'timestamp,open,high,low,close,volume\n2024-01-01 00:00:00,1,2,0.5,1.5,10\n2024-01-01 01:00:00,1.5,abc,1,1.2,10\n',
    );
    const r = runCli(['simulate', '--data', bad, '--no-cache']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('BADUSDT_1h.csv');
    expect(r.stderr).toMatch(/row 3|:3\b/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a layout detection cannot read is refused with the override flags named, then read with them', () => {
    const odd = join(dir, 'FOOUSDT_1h.csv');
    writeFileSync(
      odd,
      'Zeit,Eroeffnung,Hoch,Tief,Schluss\n2024-01-02 10:00:00,1,2,0.5,1.5\n2024-01-02 11:00:00,1.5,2,1,1.2\n',
    );
    const refused = runCli(['simulate', '--data', odd, '--no-cache']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--time-column');
    const ok = runCli([
      'simulate',
      '--data',
      odd,
      '--no-cache',
      '--time-column',
      'Zeit',
      '--columns',
      'Eroeffnung,Hoch,Tief,Schluss',
      '--timezone',
      'UTC',
      '--json',
      join(dir, 'foo.json'),
    ]);
    expect(ok.code).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'foo.json'), 'utf8'));
    expect(out.data[0]).toMatchObject({
      symbol: 'FOOUSDT',
      assetClass: 'crypto',
      bars: 2,
      first: '2024-01-02T10:00:00.000Z',
    });
  });

  it('asks for data when given none, and names unknown symbols', () => {
    expect(runCli(['simulate']).stderr).toContain('--data');
    const r = runCli([
      'simulate',
      '--data',
      join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
      '--symbols',
      'NOPE',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('NOPE');
  });

  it.each([
    ['--json', 'a missing folder', (d: string) => join(d, 'no-such-folder', 'out.json')],
    ['--report', 'a folder, not a file', (d: string) => d],
  ])('%s into %s: exit 2 before simulating, naming the path and what to do', (flag, _what, target) => {
    const out = mkdtempSync(join(tmpdir(), 'worksteal-out-'));
    const csv = join(out, 'BTCUSD.csv');
    writeFileSync(
      csv,
      'timestamp,open,high,low,close,volume\n2024-06-01 00:00:00,1,1,1,1,1\n2024-06-01 01:00:00,1,1,1,1,1\n',
    );
    const path = target(out);
    const r = runCli(['simulate', '--data', csv, flag, path]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain(`${flag} ${path}`);
    expect(r.stderr).toMatch(/choose another path|create the folder/);
    expect(r.stdout).not.toContain('total return');
  });
});
