/**
 * Byte-level CSV scanning. The loader parses straight from the file's bytes (a Buffer) because decoding several
 * MB into a JS string and splitting it allocates a string per field; here a row costs a few index writes.
 * Bars are ASCII, so bytes and characters coincide; anything else (a BOM, a stray UTF-8 name) is only ever in
 * the header, which is decoded as a string.
 */
import { printable } from '../core/errors.js';

export const LF = 10;
export const CR = 13;
export const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

/** The delimiter of a header or first line: the most frequent of `,` `;` tab outside quotes (default `,`). */
export function detectDelimiter(line: string): number {
  let comma = 0;
  let semi = 0;
  let tab = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 44) comma++;
    else if (c === 59) semi++;
    else if (c === TAB) tab++;
  }
  if (semi > comma && semi >= tab) return 59;
  if (tab > comma && tab > semi) return TAB;
  return 44;
}

/** End of the line starting at `pos` (index of its LF, or the buffer length). */
export function lineEnd(buf: Uint8Array, pos: number): number {
  const nl = buf.indexOf(LF, pos);
  return nl < 0 ? buf.length : nl;
}

/**
 * `end` without its trailing CRs, so CRLF files (the Binance and IBKR ones) parse like LF files, and so do
 * files converted to CRLF twice (`\r\r\n`). The one line-end rule of every scanner of a bar file.
 */
export function trimCr(buf: Uint8Array, start: number, end: number): number {
  let e = end;
  while (e > start && buf[e - 1] === CR) e--;
  return e;
}

/** True when [start, end) holds only spaces, tabs or CR: such lines are skipped, not reported. */
export function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

/**
 * Splits the line [start, end) at `delim`, writing each field's trimmed bounds into starts/ends (quotes
 * removed). Only the first `starts.length` fields are written; the return value is the true field count, so a
 * short row is detectable. Quoted fields may contain the delimiter; doubled quotes inside them are left as is
 * (numbers and times never contain quotes).
 */
export function splitLine(
  buf: Uint8Array,
  start: number,
  end: number,
  delim: number,
  starts: Int32Array,
  ends: Int32Array,
): number {
  const cap = starts.length;
  let count = 0;
  let pos = start;
  for (;;) {
    while (pos < end && (buf[pos] === SPACE || (buf[pos] === TAB && delim !== TAB))) pos++;
    let fs = pos;
    let fe: number;
    let next: number;
    if (pos < end && buf[pos] === QUOTE) {
      fs = pos + 1;
      let q = fs;
      while (q < end && !(buf[q] === QUOTE && buf[q + 1] !== QUOTE)) q += buf[q] === QUOTE ? 2 : 1;
      fe = q;
      next = q + 1;
      while (next < end && buf[next] !== delim) next++;
    } else {
      next = pos;
      while (next < end && buf[next] !== delim) next++;
      fe = next;
      while (fe > fs && (buf[fe - 1] === SPACE || buf[fe - 1] === TAB)) fe--;
    }
    if (count < cap) {
      starts[count] = fs;
      ends[count] = fe;
    }
    count++;
    if (next >= end) return count;
    pos = next + 1;
  }
}

/** 10^k for k ≤ 22: exactly representable, so mantissa / 10^k is correctly rounded (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT = 9007199254740991;

/**
 * Parses a decimal number from bytes; NaN when the field is empty or not a finite number. Plain decimals
 * (`-123.456`) take an exact integer fast path; exponents (`1E+3` in Kraken volumes) and long mantissas fall
 * back to Number() on the decoded field, which is rare.
 */
export function parseNumber(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return NaN;
  let i = start;
  let neg = false;
  const first = buf[i];
  if (first === 45 || first === 43) {
    neg = first === 45;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = -1;
  for (; i < end; i++) {
    const c = buf[i] as number;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      mant = mant * 10 + d;
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) {
      frac = 0;
    } else {
      return slowNumber(buf, start, end);
    }
  }
  if (digits === 0) return NaN;
  if (mant > MAX_EXACT || frac > 22) return slowNumber(buf, start, end);
  const value = frac > 0 ? mant / (POW10[frac] as number) : mant;
  return neg ? -value : value;
}

function slowNumber(buf: Uint8Array, start: number, end: number): number {
  // Number() accepts '', ' ', '0x1F', 'Infinity'; only plain decimal/exponent syntax is a price.
  for (let i = start; i < end; i++) {
    const c = buf[i] as number;
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) return NaN;
  }
  const value = Number(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1'));
  return Number.isFinite(value) ? value : NaN;
}

/**
 * The field as text, for messages and reports: bounded so a garbage line cannot flood a message, and with
 * control characters made visible so a hostile file cannot drive the terminal that prints it.
 */
export function fieldText(buf: Uint8Array, start: number, end: number): string {
  return printable(
    Buffer.from(buf.buffer, buf.byteOffset + start, Math.min(end - start, 60)).toString('utf8'),
  );
}
