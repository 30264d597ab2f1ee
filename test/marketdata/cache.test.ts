/** The binary cache: a second load is served from it with identical arrays; a damaged entry is never trusted. */
import {
  readdirSync,
  readFileSync,
  mkdtempSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBars, type LoadResult } from '../../src/marketdata/index.js';
import { existsSync } from 'node:fs';

const MARKETDATA = fileURLToPath(new URL('../../../shared/marketdata/', import.meta.url));
const ETH = join(MARKETDATA, 'binance-eth-iamsteini/ETHUSDT_1h.csv');
const root = mkdtempSync(join(tmpdir(), 'worksteal-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function source(): string {
  if (!existsSync(ETH))
    throw new Error(`Market data missing: ${ETH}. Restore ../shared/marketdata next to the project root.`);
  return ETH;
}

function expectSameBars(a: LoadResult, b: LoadResult): void {
  for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    expect(b.series[k]).toBeInstanceOf(Float64Array);
    expect(
      Buffer.from(b.series[k].buffer, b.series[k].byteOffset, b.series[k].byteLength).equals(
        Buffer.from(a.series[k].buffer, a.series[k].byteOffset, a.series[k].byteLength),
      ),
    ).toBe(true);
  }
  expect(b.series.intervalMs).toBe(a.series.intervalMs);
  expect(b.series.source).toEqual(a.series.source);
  expect(b.report).toEqual(a.report);
}

function entries(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bars'))
    .map((f) => join(dir, f));
}

describe('bar cache', () => {
  it('a second load comes from the cache with identical arrays and report', async () => {
    const dir = join(root, 'hit');
    const first = await loadBars(source(), { cacheDir: dir });
    expect(first.fromCache).toBe(false);
    expect(entries(dir)).toHaveLength(1);
    const second = await loadBars(source(), { cacheDir: dir });
    expect(second.fromCache).toBe(true);
    expectSameBars(first, second);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a truncated entry is ignored and rewritten', async () => {
    const dir = join(root, 'truncated');
    const first = await loadBars(source(), { cacheDir: dir });
    const [entry] = entries(dir) as [string];
    const size = statSync(entry).size;
    truncateSync(entry, Math.floor(size / 2));
    const again = await loadBars(source(), { cacheDir: dir });
    expect(again.fromCache).toBe(false);
    expectSameBars(first, again);
    expect(statSync(entry).size).toBe(size);
    expect((await loadBars(source(), { cacheDir: dir })).fromCache).toBe(true);
  });

  it('a corrupted byte or a garbage entry is ignored', async () => {
    const dir = join(root, 'corrupt');
    const first = await loadBars(source(), { cacheDir: dir });
    const [entry] = entries(dir) as [string];
    const bytes = readFileSync(entry);
    const at = bytes.length - 100;
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    writeFileSync(entry, bytes);
    const again = await loadBars(source(), { cacheDir: dir });
    expect(again.fromCache).toBe(false);
    expectSameBars(first, again);
    writeFileSync(entry, 'not a cache file');
    expect((await loadBars(source(), { cacheDir: dir })).fromCache).toBe(false);
  });

  it('options that change the parse do not share an entry; changed source bytes miss', async () => {
    const dir = join(root, 'keys');
    await loadBars(source(), { cacheDir: dir });
    const repaired = await loadBars(source(), { cacheDir: dir, onBadData: 'repair' });
    expect(repaired.fromCache).toBe(false);
    const csv = join(root, 'X_1h.csv');
    writeFileSync(csv, 'timestamp,open,high,low,close,volume\n2024-01-01 00:00:00,1,2,0.5,1.5,10\n');
    expect((await loadBars(csv, { cacheDir: dir })).fromCache).toBe(false);
    expect((await loadBars(csv, { cacheDir: dir })).fromCache).toBe(true);
    writeFileSync(csv, 'timestamp,open,high,low,close,volume\n2024-01-01 00:00:00,1,2,0.5,1.25,10\n');
    const changed = await loadBars(csv, { cacheDir: dir });
    expect(changed.fromCache).toBe(false);
    expect(changed.series.close[0]).toBe(1.25);
  });

  it('trusts an unchanged file by its stat, yet sees a same-size rewrite and survives a touch', async () => {
    const dir = join(root, 'stat');
    const csv = join(root, 'Z_1h.csv');
    const bars = (close: string) =>
      `timestamp,open,high,low,close,volume\n2024-01-01 00:00:00,1,2,0.5,${close},10\n`;
    writeFileSync(csv, bars('1.5'));
    expect((await loadBars(csv, { cacheDir: dir })).fromCache).toBe(false);
    expect((await loadBars(csv, { cacheDir: dir })).fromCache).toBe(true);
    // Same size, other bytes, written at once: the change time moves, so the entry is not trusted.
    writeFileSync(csv, bars('1.7'));
    const rewritten = await loadBars(csv, { cacheDir: dir });
    expect(rewritten.fromCache).toBe(false);
    expect(rewritten.series.close[0]).toBe(1.7);
    // New times, same bytes: still a hit by content, and the entry learns the new stat.
    const later = new Date(Date.now() + 5_000);
    utimesSync(csv, later, later);
    const [entry] = entries(dir) as [string];
    const before = readFileSync(entry);
    const touched = await loadBars(csv, { cacheDir: dir });
    expect(touched.fromCache).toBe(true);
    expect(touched.series.close[0]).toBe(1.7);
    expect(readFileSync(entry).equals(before)).toBe(false);
    expect((await loadBars(csv, { cacheDir: dir })).fromCache).toBe(true);
  });

  it('null disables the cache; WORKSTEAL_CACHE_DIR sets the default', async () => {
    const csv = join(root, 'Y_1h.csv');
    writeFileSync(csv, 'timestamp,open,high,low,close,volume\n2024-01-01 00:00:00,1,2,0.5,1.5,10\n');
    await loadBars(csv, { cacheDir: null });
    expect((await loadBars(csv, { cacheDir: null })).fromCache).toBe(false);
    const previous = process.env.WORKSTEAL_CACHE_DIR;
    process.env.WORKSTEAL_CACHE_DIR = join(root, 'env');
    try {
      await loadBars(csv);
      expect(entries(join(root, 'env', 'bars'))).toHaveLength(1);
      expect((await loadBars(csv)).fromCache).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.WORKSTEAL_CACHE_DIR;
      else process.env.WORKSTEAL_CACHE_DIR = previous;
    }
  });
});
