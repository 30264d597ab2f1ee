/**
 * The row loop: bytes → parallel Float64Arrays, no per-row allocation on good rows. Rows that cannot be used
 * (unparsable time or number, a missing column, non-positive price, negative volume) are left out and
 * recorded; a high/low that does not bracket open and close is repaired (repairHighLow) and recorded. Whether
 * those records become an error or a repair is decided later (quality.ts), so parsing throws only for structural problems (several symbols in one file).
 *
 * Two scanners find each row's fields and feed one row check (RowSink, row-sink.ts): a fused single pass for files without quotes (every real data file here),
 * which parses numbers while it looks for delimiters so each byte is touched once, and a general
 * split-then-parse pass that handles quoted fields. Parsing is the slow part of a cold load, hence the
 * duplication.
 */
import { CR, LF, QUOTE, isBlank, lineEnd, parseNumber, splitLine, trimCr } from './csv.js';
import type { Layout } from './detect.js';
import { OPEN, RowSink, SKIP, SYMBOL, TIME, VOLUME, type RawBars } from './row-sink.js';

const POW10 = new Float64Array(Array.from({ length: 23 }, (_, k) => 10 ** k));
const MAX_EXACT = 9007199254740991;

function isSpace(c: number | undefined): boolean {
  return c === 32 || c === 9 || c === CR;
}

function roleTable(layout: Layout, need: number): Int8Array {
  const roles = new Int8Array(need);
  roles[layout.timeCol] = TIME;
  if (layout.symbolCol >= 0) roles[layout.symbolCol] = SYMBOL;
  [layout.open, layout.high, layout.low, layout.close, layout.volume].forEach((col, k) => {
    if (col >= 0) roles[col] = OPEN + k;
  });
  return roles;
}

/** Quote-free files: one pass per row that finds delimiters and parses numeric fields as it goes. */
function scanFast(buf: Uint8Array, layout: Layout, sink: RowSink, roles: Int8Array): void {
  const { starts, ends, values, need } = sink;
  const delim = layout.delimiter;
  const len = buf.length;
  let lineNo = layout.dataLine;
  let pos = layout.dataStart;
  while (pos < len) {
    let field = 0;
    let fs = pos;
    let role = need > 0 ? (roles[0] as number) : SKIP;
    let mant = 0;
    let digits = 0;
    let frac = -1;
    let neg = false;
    let plain = true;
    let i = pos;
    for (; ; i++) {
      const c = i < len ? (buf[i] as number) : LF;
      if (c === delim || c === LF) {
        if (field < need) {
          let fe = i;
          while (fe > fs && isSpace(buf[fe - 1])) fe--;
          let s = fs;
          while (s < fe && isSpace(buf[s])) s++;
          starts[field] = s;
          ends[field] = fe;
          if (role >= OPEN && role <= VOLUME) {
            let v: number;
            if (plain && digits > 0 && mant <= MAX_EXACT && frac <= 22) {
              v = frac > 0 ? mant / (POW10[frac] as number) : mant;
              if (neg) v = -v;
            } else v = parseNumber(buf, s, fe);
            values[role - OPEN] = v;
          }
        }
        field++;
        if (c === LF) break;
        fs = i + 1;
        role = field < need ? (roles[field] as number) : SKIP;
        mant = 0;
        digits = 0;
        frac = -1;
        neg = false;
        plain = true;
      } else if (role >= OPEN && role <= VOLUME) {
        const d = c - 48;
        if (d >= 0 && d <= 9) {
          mant = mant * 10 + d;
          digits++;
          if (frac >= 0) frac++;
        } else if (c === 46 && frac < 0) frac = 0;
        else if (c === 45 && i === fs) neg = true;
        else plain = false; // spaces, CR, exponents, garbage: parseNumber decides on the trimmed field
      }
    }
    if (field === 1 && isBlank(buf, pos, i)) {
      // blank line: not a row
    } else {
      sink.rows++;
      sink.row(lineNo, field);
    }
    pos = i + 1;
    lineNo++;
  }
}

/** Anything else (quoted fields): split each line, then parse its fields. */
function scanGeneral(buf: Uint8Array, layout: Layout, sink: RowSink, roles: Int8Array): void {
  const { starts, ends, values, need } = sink;
  let lineNo = layout.dataLine;
  for (let pos = layout.dataStart; pos < buf.length; lineNo++) {
    const nl = lineEnd(buf, pos);
    const end = trimCr(buf, pos, nl);
    const start = pos;
    pos = nl + 1;
    if (isBlank(buf, start, end)) continue;
    sink.rows++;
    const fields = splitLine(buf, start, end, layout.delimiter, starts, ends);
    for (let f = 0; f < Math.min(fields, need); f++) {
      const role = roles[f] as number;
      if (role >= OPEN && role <= VOLUME)
        values[role - OPEN] = parseNumber(buf, starts[f] as number, ends[f] as number);
    }
    sink.row(lineNo, fields);
  }
}

export function parseRows(file: string, buf: Buffer, layout: Layout): RawBars {
  const need =
    Math.max(
      layout.timeCol,
      layout.open,
      layout.high,
      layout.low,
      layout.close,
      layout.volume,
      layout.symbolCol,
      layout.timeOfDayCol,
    ) + 1;
  const sink = new RowSink(file, buf, layout, need);
  const roles = roleTable(layout, need);
  const quoted = buf.indexOf(QUOTE, layout.dataStart) >= 0;
  if (quoted || layout.delimiter === 32) scanGeneral(buf, layout, sink, roles);
  else scanFast(buf, layout, sink, roles);
  return sink.result();
}
