/**
 * The time column's format, learnt from the first data rows (layout detection's second step, after the
 * columns are found): epoch numbers in the unit most sampled rows have, ISO times with offsets, or naive wall
 * times. Also notes the symbol column's first value and whether high/low bracket open/close in each row.
 */
import { printable } from '../core/errors.js';
import { fieldText, isBlank, lineEnd, parseNumber, splitLine, trimCr } from './csv.js';
import { DataError } from './errors.js';
import { BAR_TIME_MAX, EPOCH_TIME_MIN } from './limits.js';
import {
  epochUnitOf,
  isoUtc,
  parseEpoch,
  parseIsoTime,
  parseTimeOfDay,
  type EpochUnit,
  type IsoResult,
} from './timeparse.js';

export type TimeFormat = EpochUnit | 'iso' | 'naive';

const SAMPLE_ROWS = 50;
/** Epoch values must land in this range, so an index column (0, 1, 2…) is not read as 1970 timestamps. */
const PLAUSIBLE_FROM = EPOCH_TIME_MIN;
const PLAUSIBLE_TO = BAR_TIME_MAX;

/** The price columns the sample reads (their indices in a row). */
export interface SampleColumns {
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface Sample {
  rows: number;
  epochs: number;
  withOffset: number;
  naive: number;
  /** The sampled epoch numbers: the unit most of them have is the column's (one stray row cannot decide it). */
  epochValues: number[];
  /** Rows whose high/low bracket open/close: a check on positional (headerless) columns. */
  bracketed: number;
  headerSymbol: string | undefined;
  /** The first unparsable time: fatal only when no sampled time parses (one bad row is the quality check's job). */
  badTime: { row: number; text: string } | null;
}

/** Reads the first SAMPLE_ROWS data rows to learn the time format (and the symbol column's value). */
export function sampleRows(
  buf: Buffer,
  start: number,
  line: number,
  delimiter: number,
  timeCol: number,
  cols: SampleColumns,
  symbolCol: number,
): Sample {
  const width = Math.max(timeCol, cols.open, cols.high, cols.low, cols.close, symbolCol) + 1;
  const starts = new Int32Array(width);
  const ends = new Int32Array(width);
  const iso: IsoResult = { offsetMin: NaN, hasTime: false };
  const s: Sample = {
    rows: 0,
    epochs: 0,
    withOffset: 0,
    naive: 0,
    epochValues: [],
    bracketed: 0,
    headerSymbol: undefined,
    badTime: null,
  };
  const num = (col: number): number => parseNumber(buf, starts[col] as number, ends[col] as number);
  for (let p = start, row = line; p < buf.length && s.rows < SAMPLE_ROWS; row++) {
    const end = lineEnd(buf, p);
    const le = trimCr(buf, p, end);
    const from = p;
    p = end + 1;
    if (isBlank(buf, from, le)) continue;
    s.rows++;
    if (splitLine(buf, from, le, delimiter, starts, ends) < width) continue;
    const ts = starts[timeCol] as number;
    const te = ends[timeCol] as number;
    const epoch = parseNumber(buf, ts, te);
    if (!Number.isNaN(epoch)) {
      s.epochs++;
      s.epochValues.push(epoch);
    } else if (!Number.isNaN(parseIsoTime(buf, ts, te, iso))) {
      if (Number.isNaN(iso.offsetMin)) s.naive++;
      else s.withOffset++;
    } else if (s.badTime === null) {
      s.badTime = { row, text: fieldText(buf, ts, te) };
    }
    if (symbolCol >= 0 && s.headerSymbol === undefined) {
      s.headerSymbol =
        printable(buf.toString('utf8', starts[symbolCol], ends[symbolCol]).trim()) || undefined;
    }
    const o = num(cols.open);
    const c = num(cols.close);
    if (num(cols.high) >= Math.max(o, c) && num(cols.low) <= Math.min(o, c)) s.bracketed++;
  }
  return s;
}

/** `hint`: the layout override for this file (layoutHint), for the refusals. */
export function chooseTimeFormat(
  file: string,
  s: Sample,
  timeName: string,
  dataLine: number,
  hint: string,
): TimeFormat {
  if (s.epochs + s.withOffset + s.naive === 0) {
    if (s.badTime) {
      throw new DataError(
        file,
        `unparsable time "${s.badTime.text}" in column ${timeName}: expected epoch seconds/milliseconds or ISO 'YYYY-MM-DD[ HH:MM[:SS]][±HH:MM]'.`,
        `If another column holds the time, name it; otherwise convert the times. ${hint}`,
        { row: s.badTime.row },
      );
    }
    throw new DataError(file, `no data row has a value in the time column ${timeName}.`, hint, {
      row: dataLine,
    });
  }
  if (s.epochs >= s.withOffset + s.naive) {
    const units = s.epochValues.map(epochUnitOf);
    const count = (u: EpochUnit): number => units.filter((x) => x === u).length;
    const unit = units.reduce((best, u) => (count(u) > count(best) ? u : best));
    const asMs = (v: number): number => {
      const text = String(v);
      return parseEpoch(Buffer.from(text), 0, text.length, unit);
    };
    const plausible = (v: number): boolean => asMs(v) >= PLAUSIBLE_FROM && asMs(v) < PLAUSIBLE_TO;
    // An index column (0, 1, 2…) is implausible throughout; a few bad rows among good ones are the row check's.
    const implausible = s.epochValues.filter((v) => !plausible(v));
    if (implausible.length * 2 >= s.epochValues.length) {
      const text = String(implausible[0]);
      const ms = asMs(implausible[0] as number);
      throw new DataError(
        file,
        `the time column ${timeName} holds numbers that are not plausible epoch times (first: ${text} = ${isoUtc(ms)} as ${unit}).`,
        `If it is an index, name the real time column; to force a unit, set layout.timeFormat. ${hint}`,
        { row: dataLine },
      );
    }
    return unit;
  }
  return s.withOffset >= s.naive ? 'iso' : 'naive';
}

/**
 * The `Time` column of a file that writes the date and the time of day in two columns (`Date,Time,Open,…`,
 * as MetaTrader and many broker exports do), or -1. Read as the date alone, every bar of a day would fall at
 * its midnight: an hourly file refused as duplicates, and under --repair one bar a day kept. Taken when the
 * first data row holds a bare date under `date` and a time of day under `time` (`norm`: the header names
 * normalised).
 */
export function findTimeOfDayColumn(
  buf: Buffer,
  dataStart: number,
  delimiter: number,
  norm: string[],
  timeCol: number,
): number {
  const at = norm.indexOf('time');
  if (norm[timeCol] !== 'date' || at < 0) return -1;
  let pos = dataStart;
  let end = lineEnd(buf, pos);
  while (pos < buf.length && isBlank(buf, pos, end)) {
    pos = end + 1;
    end = lineEnd(buf, pos);
  }
  if (pos >= buf.length) return -1;
  const starts = new Int32Array(norm.length);
  const ends = new Int32Array(norm.length);
  if (splitLine(buf, pos, trimCr(buf, pos, end), delimiter, starts, ends) <= Math.max(at, timeCol)) return -1;
  const iso: IsoResult = { offsetMin: NaN, hasTime: false };
  const date = parseIsoTime(buf, starts[timeCol] as number, ends[timeCol] as number, iso);
  if (Number.isNaN(date) || iso.hasTime || !Number.isNaN(iso.offsetMin)) return -1;
  return Number.isNaN(parseTimeOfDay(buf, starts[at] as number, ends[at] as number)) ? -1 : at;
}
