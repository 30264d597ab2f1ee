/**
 * Binary bar cache. An entry is valid only for the same source bytes (sha256), the same parse options and the
 * same format version: that triple is the key, stored in the entry and compared on every read. The entry also
 * records the source's stat (SourceStamp): while it matches, the source is not read and hashed again. The entry's
 * file name is derived from the source path and options instead, so the cache file can be read concurrently
 * with the source (before its hash is known) and an edited source replaces its old entry rather than leaving
 * stale ones behind. Layout of an entry:
 *
 *   8-byte magic ('WSBARSL1', L = little-endian) | uint32 LE header length | 4 zero bytes |
 *   JSON header, space-padded to a multiple of 8 | six Float64 columns (time, open, high, low, close, volume)
 *
 * The header carries the key, n, the payload's CRC-32 (native zlib, ~3x faster than sha256; it guards against
 * truncation and corruption, not tampering: the cache is local) and the quality report. An entry whose size,
 * magic, JSON, key or CRC does not match, or whose first/last time and bar count disagree with its report,
 * is ignored and later overwritten, never trusted. Writes go to a temp file renamed into place, so a crash
 * mid-write cannot leave a half entry under the real name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import type { BarColumns, QualityReport, ReadInfo } from './types.js';

/** Bump whenever parsing or normalisation changes what a file loads as. */
// 5: stock gaps are counted against the exchange calendar (the cached quality report changed).
// 6: rows wider or narrower than the header, epoch times before 1971 and skipped or repeated DST wall times
// are reported, not loaded.
// 7: --repair keeps a high/low only when it brackets open and close, else uses max/min(open, close).
// 8: the report lists suspicious single-bar moves (warnings, warningCount).
// 9: daily stock bars open at their labelled day's session open; unplaceable days are reported rows.
// 10: entries say how the file was read (ReadInfo); a naive stock file no zone fits well is refused; a
// headerless file's first row is data; a last line cut at a decimal point is a bad row; duplicates name
// the row kept and how their values differ.
// 11: a suspicious move's warning carries its bar's time.
// 12: a `Time` column beside a date-only `Date` column gives each bar its time of day (it was read as midnight).
// 13: ISO times with a lower-case `t` or `z` are read (they were bad rows).
// 14: a header naming one field twice (`close` and `Close`, `close` and `c`) is refused (the first was read).
// 15: so is a header naming the symbol twice (`symbol` and `Ticker`).
// 16: every trailing CR of a line is removed (`\r\r\n` kept one on the last field: `volume\r` was no volume).
// 17: rows of another bar length (daily rows in an hourly file) are bad rows: refused, or dropped by repair.
// 18: a file's last row after a run of shorter bars is a bar of the file's own length (repair dropped it).
export const CACHE_FORMAT_VERSION = 18;
// Float64 bytes are written in the machine's byte order; the magic names it so a cache copied to a machine of
// the other order is ignored rather than misread.
const MAGIC = Buffer.from(endianness() === 'LE' ? 'WSBARSL1' : 'WSBARSB1', 'latin1');
const PREFIX = 16;
const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface CachedBars extends BarColumns {
  intervalMs: number;
  layout: string;
  timezone: string;
  report: Omit<QualityReport, 'path'>;
  read: ReadInfo;
}

/**
 * The source file an entry was made from, as the file system describes it (size, modification and change
 * times in ns, inode, device), with what reading it gave (its sha256 and the symbol named in its header). When
 * the stat still matches, the source is not read again: any write to a file changes its ctime, which no user
 * call can set back, the same test git uses to skip unchanged files.
 */
export interface SourceStamp {
  stat: string;
  sha256: string;
  headerSymbol: string | null;
}

interface Header {
  version: number;
  key: string;
  source: SourceStamp;
  n: number;
  payloadCrc32: number;
  intervalMs: number;
  layout: string;
  timezone: string;
  report: Omit<QualityReport, 'path'>;
  read: ReadInfo;
}

/** `$WORKSTEAL_CACHE_DIR/bars`, else `./.cache/worksteal/bars` (docs/cli.md "The bar cache"); empty is unset. */
export function defaultCacheDir(): string {
  return join(process.env.WORKSTEAL_CACHE_DIR || join(process.cwd(), '.cache', 'worksteal'), 'bars');
}

/** Stable JSON (sorted keys) so option objects that differ only in key order share a cache entry. */
function stable(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
}

export function cacheKey(fileSha256: string, parseOptions: unknown): string {
  return `${fileSha256}-${shortHash(stable(parseOptions))}-v${CACHE_FORMAT_VERSION}`;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Where the entry for this source path and these options lives. */
export function cacheFileFor(dir: string, sourcePath: string, options: unknown): string {
  const name = basename(sourcePath)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 60);
  return join(dir, `${name}-${shortHash(`${resolve(sourcePath)}\0${stable(options)}`)}.bars`);
}

/** The raw entry, or null when there is none or it cannot be read. Never throws. */
export async function readCacheFile(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch {
    return null;
  }
}

/** An entry's header of this format version and where its payload starts, or null. Throws on bad JSON. */
function readHeader(buf: Buffer): { header: Partial<Header>; payloadStart: number } | null {
  if (buf.length < PREFIX || !buf.subarray(0, 8).equals(MAGIC)) return null;
  const headerLen = buf.readUInt32LE(8);
  if (headerLen % 8 !== 0 || PREFIX + headerLen > buf.length) return null;
  const header = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + headerLen)) as Partial<Header>;
  if (header.version !== CACHE_FORMAT_VERSION) return null;
  return { header, payloadStart: PREFIX + headerLen };
}

/** The source stamp stored in an entry, or null when the entry is unreadable or of another version. */
export function sourceStampOf(buf: Buffer): SourceStamp | null {
  try {
    const s = readHeader(buf)?.header.source;
    if (!s || typeof s.stat !== 'string') return null;
    if (typeof s.sha256 !== 'string' || (s.headerSymbol !== null && typeof s.headerSymbol !== 'string'))
      return null;
    return s;
  } catch {
    return null;
  }
}

/** The cached bars if `buf` is a sound entry for `key`, else null. Never throws. */
export function decodeCache(buf: Buffer, key: string): CachedBars | null {
  try {
    const read = readHeader(buf);
    if (read === null) return null;
    const { payloadStart } = read;
    const header = read.header as Header;
    if (header.key !== key || !Number.isInteger(header.n) || header.n < 1) return null;
    if (typeof header.read !== 'object' || header.read === null) return null;
    const payloadBytes = header.n * 8 * COLUMNS.length;
    if (buf.length !== payloadStart + payloadBytes) return null;
    const payload = buf.subarray(payloadStart);
    if (crc32(payload) !== header.payloadCrc32) return null;
    // Views need 8-byte alignment; readFile's buffer normally starts at 0 of its own ArrayBuffer, else copy.
    const aligned = (buf.byteOffset + payloadStart) % 8 === 0 ? payload : Buffer.from(payload);
    const base = aligned.byteOffset;
    const col = (i: number): Float64Array =>
      new Float64Array(aligned.buffer, base + i * header.n * 8, header.n);
    const time = col(0);
    // The CRC covers the bytes; these cheap checks tie the columns to the stored report as well.
    const report = header.report;
    if (report.bars !== header.n || time[0] !== report.first || time[header.n - 1] !== report.last)
      return null;
    return {
      time,
      open: col(1),
      high: col(2),
      low: col(3),
      close: col(4),
      volume: col(5),
      intervalMs: header.intervalMs,
      layout: header.layout,
      timezone: header.timezone,
      report: header.report,
      read: header.read,
    };
  } catch {
    return null;
  }
}

function bytesOf(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.length * 8);
}

/** Best effort: a cache that cannot be written (read-only disk, no space) only costs speed. */
export async function writeCache(
  target: string,
  key: string,
  bars: CachedBars,
  source: SourceStamp,
): Promise<void> {
  const n = bars.time.length;
  let crc = 0;
  for (const name of COLUMNS) crc = crc32(bytesOf(bars[name]), crc);
  const header: Header = {
    version: CACHE_FORMAT_VERSION,
    key,
    source,
    n,
    payloadCrc32: crc,
    intervalMs: bars.intervalMs,
    layout: bars.layout,
    timezone: bars.timezone,
    report: bars.report,
    read: bars.read,
  };
  const json = JSON.stringify(header);
  const jsonLen = Math.ceil(Buffer.byteLength(json) / 8) * 8;
  const out = Buffer.alloc(PREFIX + jsonLen + n * 8 * COLUMNS.length, 0x20);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(jsonLen, 8);
  out.writeUInt32LE(0, 12);
  out.write(json, PREFIX, 'utf8');
  COLUMNS.forEach((name, i) => bytesOf(bars[name]).copy(out, PREFIX + jsonLen + i * n * 8));
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temp, out);
    await rename(temp, target);
  } catch {
    await unlink(temp).catch(() => undefined);
  }
}
