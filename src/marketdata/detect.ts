/**
 * Layout detection: header or not, delimiter, which column is the time and in what format, and where
 * open/high/low/close/volume are. It looks only at the first line and a few data rows, so it is cheap enough
 * to run before the cache lookup (the symbol column it finds is part of the cache key's inputs).
 * Which column holds which field, by header name, is header-columns.ts's.
 */
import { refuseBinary } from './binary-file.js';
import { detectDelimiter, isBlank, lineEnd, parseNumber, splitLine, trimCr } from './csv.js';
import { printable } from '../core/errors.js';
import { chooseTimeFormat, findTimeOfDayColumn, sampleRows, type TimeFormat } from './detect-time.js';
import { DataError, layoutHint, type HintColumns } from './errors.js';
import { FIELDS, findColumns, findSymbolColumn, normalise } from './header-columns.js';
import { parseIsoTime, type IsoResult } from './timeparse.js';
import type { LayoutOverride } from './types.js';

export type { TimeFormat };

export interface Layout {
  header: boolean;
  delimiter: number;
  /** Column names (header text, or `col0`… when headerless), for messages. */
  names: string[];
  /** Fields in the first line: every data row must have as many (a wider or narrower row is shifted). */
  fields: number;
  timeCol: number;
  /** A `Time` column holding the time of day beside a date-only `Date` column (`Date,Time,Open,…`), else -1. */
  timeOfDayCol: number;
  timeFormat: TimeFormat;
  open: number;
  high: number;
  low: number;
  close: number;
  /** -1 when the file has no volume column (volume is then 0). */
  volume: number;
  /** -1 when there is no `symbol` column. */
  symbolCol: number;
  /** Symbol written in the first data row's `symbol` column. */
  headerSymbol: string | undefined;
  /** Byte offset and 1-based line number of the first line after the header. */
  dataStart: number;
  dataLine: number;
  /** Where the time comes from, for the layout string: 'header:timestamp' or 'headerless:col0'. */
  label: string;
  /** ' columns:close,high,low,open,volume' when the price columns are not in open,high,low,close order, else ''. */
  columnsNote: string;
  /** Names of the columns given no role (not time, price, volume or symbol), for the read summary. */
  unused: string[];
}

const EMPTY_FIX = 'Point at a CSV of bars (time, open, high, low, close[, volume]).';

interface Fields {
  buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  count: number;
  /** The true field count (count is capped at the 512 fields kept). */
  total: number;
}

function splitText(text: string, delimiter: number): Fields {
  const buf = Buffer.from(text, 'utf8');
  const starts = new Int32Array(512);
  const ends = new Int32Array(512);
  const total = splitLine(buf, 0, buf.length, delimiter, starts, ends);
  return { buf, starts, ends, count: Math.min(total, 512), total };
}

/** The first non-blank line (after a UTF-8 BOM): its byte range, line number and text. */
function firstLine(file: string, buf: Buffer): { pos: number; end: number; line: number; text: string } {
  let pos = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let line = 1;
  let end = lineEnd(buf, pos);
  while (pos < buf.length && isBlank(buf, pos, end)) {
    pos = end + 1;
    line++;
    end = lineEnd(buf, pos);
  }
  if (pos >= buf.length) throw new DataError(file, 'the file is empty.', EMPTY_FIX);
  return { pos, end, line, text: headerText(buf.subarray(pos, trimCr(buf, pos, end))) };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The first line as text: UTF-8, or else Latin-1 (a spreadsheet's 'volé' saved in a Western code page), so
 * a header name that matches nothing is shown and can be named in --columns as the user sees it, not as '�'.
 */
function headerText(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}

/**
 * Whether the first line is data rather than a header (Kraken files have no header). It is data when its time
 * field is a time (a number or an ISO date: no header names a column '1672531200'), or when every other field
 * is a number (no header names its price columns so): a first row with one bad value is then a bad row,
 * reported with its row number, not a header whose names are the row's values.
 */
function looksLikeData(first: Fields, timeCol: number): boolean {
  const { buf, starts, ends, count } = first;
  if (timeCol >= count) return false;
  const ts = starts[timeCol] as number;
  const te = ends[timeCol] as number;
  const iso: IsoResult = { offsetMin: NaN, hasTime: false };
  if (!Number.isNaN(parseNumber(buf, ts, te)) || !Number.isNaN(parseIsoTime(buf, ts, te, iso))) return true;
  if (count < 2) return false;
  for (let i = 0; i < count; i++) {
    if (i !== timeCol && Number.isNaN(parseNumber(buf, starts[i] as number, ends[i] as number))) return false;
  }
  return true;
}

function unrecognised(
  file: string,
  names: string[],
  missing: string[],
  header: boolean,
  found: HintColumns,
): DataError {
  const seen = header ? `columns seen: ${names.join(', ')}` : `no header; ${names.length} columns per row`;
  return new DataError(
    file,
    `unrecognised layout: cannot find ${missing.join(', ')} (${seen}).`,
    layoutHint(names, header, found),
  );
}

/** A UTF-16 file (Excel's 'Unicode text') reads as NUL-spaced bytes: say so, not which columns it lacks. */
function refuseUtf16(file: string, buf: Buffer): void {
  const bom =
    buf[0] === 0xff && buf[1] === 0xfe ? 'FF FE' : buf[0] === 0xfe && buf[1] === 0xff ? 'FE FF' : '';
  const head = buf.subarray(0, 200);
  if (!bom && head.indexOf(0) < 0) return;
  throw new DataError(
    file,
    `the file is UTF-16 text (${bom ? `it starts with the byte-order mark ${bom}` : 'its first bytes hold NUL bytes'}), not UTF-8.`,
    `Save it as UTF-8 CSV under the same name (in Excel: 'CSV UTF-8 (Comma delimited)'; or iconv -f UTF-16 -t UTF-8 "${file}" > "${file}.utf8" && mv "${file}.utf8" "${file}").`,
  );
}

export function detectLayout(file: string, buf: Buffer, override: LayoutOverride = {}): Layout {
  // An archive or a program holds NUL bytes too: said as what it is before they are taken for UTF-16.
  refuseBinary(file, buf);
  refuseUtf16(file, buf);
  const first = firstLine(file, buf);
  if (first.text.replace(/\r+$/, '').includes('\r')) {
    // Lines ended by CR alone (classic Mac OS, some exports): the whole file would read as one header line.
    throw new DataError(
      file,
      'its lines end in a carriage return alone (CR, as classic Mac OS wrote them), so the whole file reads as one line.',
      `Convert the line ends to LF and load it again, e.g. tr '\\r' '\\n' < "${file}" > "${file}.lf" && mv "${file}.lf" "${file}".`,
    );
  }
  const delimiter = detectDelimiter(first.text);
  const firstFields = splitText(first.text, delimiter);
  const header =
    override.header ??
    !looksLikeData(firstFields, typeof override.timeColumn === 'number' ? override.timeColumn : 0);
  const texts: string[] = [];
  for (let i = 0; i < firstFields.count; i++) {
    // Header names are echoed in messages and layout labels: control characters become visible escapes.
    texts.push(printable(firstFields.buf.toString('utf8', firstFields.starts[i], firstFields.ends[i])));
  }
  const names = header ? texts : texts.map((_, i) => `col${i}`);
  const dataStart = header ? first.end + 1 : first.pos;
  const dataLine = header ? first.line + 1 : first.line;

  const { timeCol, cols } = findColumns(file, names, header, override, first.line);
  const found: HintColumns = { time: timeCol, ...cols };
  const missing = [
    ...(timeCol < 0 ? ['a time column (timestamp/ts_event/date/datetime/time/open_time)'] : []),
    ...FIELDS.filter((f) => f !== 'volume' && cols[f] < 0),
  ];
  if (missing.length > 0) throw unrecognised(file, names, missing, header, found);
  const hint = layoutHint(names, header, found);
  const symbolCol = header ? findSymbolColumn(file, first.line, names) : -1;
  const timeOfDayCol =
    header && override.timeColumn === undefined
      ? findTimeOfDayColumn(buf, dataStart, delimiter, names.map(normalise), timeCol)
      : -1;

  const sample = sampleRows(buf, dataStart, dataLine, delimiter, timeCol, cols, symbolCol);
  if (sample.rows === 0) throw new DataError(file, 'the file has a header but no data rows.', EMPTY_FIX);
  if (!header && override.columns === undefined && sample.bracketed < sample.rows * 0.9) {
    // A headerless file whose columns 1-4 are not open,high,low,close (e.g. close-first) must not load silently.
    throw unrecognised(
      file,
      names,
      ['open, high, low, close in columns 1-4 (high ≥ open/close ≥ low fails)'],
      header,
      { time: timeCol, open: -1, high: -1, low: -1, close: -1, volume: cols.volume },
    );
  }
  const timeFormat =
    override.timeFormat ?? chooseTimeFormat(file, sample, names[timeCol] ?? '', dataLine, hint);

  const standard = cols.open < cols.high && cols.high < cols.low && cols.low < cols.close;
  const byPosition = FIELDS.filter((f) => cols[f] >= 0).sort((a, b) => cols[a] - cols[b]);
  return {
    header,
    delimiter,
    names,
    fields: firstFields.total,
    timeCol,
    timeOfDayCol,
    timeFormat,
    ...cols,
    symbolCol,
    headerSymbol: sample.headerSymbol,
    dataStart,
    dataLine,
    label: header
      ? `header:${names[timeCol]}${timeOfDayCol >= 0 ? `+${names[timeOfDayCol]}` : ''}`
      : `headerless:col${timeCol}`,
    columnsNote: standard ? '' : ` columns:${byPosition.join(',')}`,
    unused: names.filter(
      (_, i) => i !== timeCol && i !== timeOfDayCol && i !== symbolCol && !FIELDS.some((f) => cols[f] === i),
    ),
  };
}
