/**
 * explain --data gives the data warnings every command gives, from the same function (dataQualityLines):
 * daily stock bars without extendedHours, which simulate, compare, optimize and start warn about, gave
 * explain a PLACE with no word that such a symbol never places an order in a run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-explain-daily-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;
const HOLIDAYS = ['2024-01-15'];

function files(): { data: string; scenario: string; extended: string } {
  const lines = ['date,open,high,low,close,volume'];
  for (let t = Date.UTC(2024, 0, 2); t <= Date.UTC(2024, 1, 12); t += DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    if ([0, 6].includes(new Date(t).getUTCDay()) || HOLIDAYS.includes(day)) continue;
    lines.push(`${day},100,101,99,100.5,1000`);
  }
  const data = join(dir, 'MSFT_1Day.csv');
  writeFileSync(data, `${lines.join('\n')}\n`);
  const scenario = join(dir, 'scenario.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      now: '2024-02-13T15:00:00Z',
      account: { equity: 30000 },
      openOrders: [],
      request: { symbol: 'MSFT', assetClass: 'stock', side: 'buy', limitPrice: 100, qty: 10, price: 100.5 },
    }),
  );
  const extended = join(dir, 'extended.json');
  writeFileSync(extended, JSON.stringify({ extendedHours: true }));
  return { data, scenario, extended };
}

describe('explain --data with daily stock bars', () => {
  const f = files();
  const warning =
    "warning: MSFT: daily bars stand for their sessions and are known only at each session's close";

  it('warns without extendedHours, as simulate does', () => {
    const r = runCli(['explain', '--scenario', f.scenario, '--data', f.data, '--no-cache']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(warning);
    expect(r.stdout).not.toContain('warning');
  });

  it('warns that the orders lapse with extendedHours: true', () => {
    const r = runCli([
      'explain',
      '--scenario',
      f.scenario,
      '--data',
      f.data,
      '--no-cache',
      '--config',
      f.extended,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(warning);
    expect(r.stderr).toContain('lapses at 20:00 New York');
    expect(r.stdout).not.toContain('warning');
  });
});
