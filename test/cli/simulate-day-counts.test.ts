/**
 * simulate's day counts follow one rule in the text and the JSON: the range row's days (rangeDays) are
 * `range.days` in --json, beside `summary.days` (daily equity rows, both ends). CAGR annualises over the
 * span from the first to the last equity row in 365.25-day years, as docs/cli.md says.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-day-counts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simulate day counts', () => {
  it('the text range row and the JSON range.days agree; CAGR spans first to last equity row', () => {
    const lines = ['time,open,high,low,close,volume'];
    for (let i = 0; i < 24 * 40; i++) {
      const t = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z');
      const c = 100 + 5 * Math.sin(i / 7);
      lines.push(`${t},${c},${c + 1},${c - 1},${c},10`);
    }
    const bars = join(dir, 'SOLUSDT_1h.csv');
    writeFileSync(bars, `${lines.join('\n')}\n`);
    const json = join(dir, 'out.json');
    const r = runCli([
      'simulate',
      '--data',
      bars,
      '--from',
      '2024-01-02',
      '--to',
      '2024-02-01',
      '--no-cache',
      '--json',
      json,
    ]);
    expect(r.code).toBe(0);
    const text = /range\s+│ 2024-01-02 → 2024-02-01 \((\d+) days\)/.exec(r.stdout);
    expect(text).not.toBeNull();
    const out = JSON.parse(readFileSync(json, 'utf8')) as {
      range: { from: string; to: string; days: number };
      summary: { days: number; cagr: number; initialEquity: number; finalEquity: number };
      equity: { time: string }[];
    };
    expect(out.range.days).toBe(Number(text![1]));
    expect(out.range.days).toBe(30);
    expect(out.summary.days).toBe(out.equity.length);
    const span = Date.parse(out.equity.at(-1)!.time) - Date.parse(out.equity[0]!.time);
    const years = span / (365.25 * 86_400_000);
    const s = out.summary;
    expect(s.cagr).toBeCloseTo((s.finalEquity / s.initialEquity) ** (1 / years) - 1, 12);
  });

  it('start --json writes the same document: range.days and the data problems', () => {
    const r = runCli(['start', '--synthetic', '--quiet', '--json', '-']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { range: { days: number }; data: { problems?: unknown }[] };
    expect(out.range.days).toBe(366); // the synthetic market's 2024, a leap year
    expect(out.data.every((d) => Array.isArray(d.problems))).toBe(true);
  });
});
