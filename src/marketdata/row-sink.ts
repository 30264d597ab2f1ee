/**
 * One row of a bar file, checked and stored (parse.ts's scanners find the fields; this turns them into a bar):
 * the time in the layout's format, the values by role, the checks of limits.ts, and the output columns. A row
 * that cannot be used is left out and recorded as a RowProblem; a symbol column that changes is an error.
 */
import { LF, fieldText } from './csv.js';
import type { Layout } from './detect.js';
import { DataError } from './errors.js';
import {
  EPOCH_TIME_MIN,
  plausibleRow,
  plausibleTime,
  priceProblem,
  repairHighLow,
  timeProblem,
  volumeProblem,
} from './limits.js';
import {
  epochUnitMismatch,
  isoUtc,
  parseEpoch,
  parseIsoTime,
  parseTimeOfDay,
  type EpochUnit,
  type IsoResult,
} from './timeparse.js';
import type { BarColumns } from './types.js';

export interface RowProblem {
  row: number;
  problem: string;
  /** 'drop': the row is unusable; 'repair': the row was kept with high/low repaired (repairHighLow). */
  kind: 'drop' | 'repair';
  /** What repair mode did about it, appended to the problem in the report only when the row was repaired. */
  repair?: string;
  /** An unparsable number: its text and column (a decimal comma in every row is told as one cause). */
  number?: { text: string; column: string };
}

export interface RawBars extends BarColumns {
  /** Data rows seen (non-blank lines after the header). */
  rows: number;
  n: number;
  /** Epoch ms UTC, or naive wall-clock ms when layout.timeFormat is 'naive' (the zone is applied later). */
  time: Float64Array;
  /** 1-based line number of each kept bar. */
  row: Int32Array;
  problems: RowProblem[];
  /** Smallest and largest UTC offset (minutes) written in the values; NaN when none had one. */
  offsetMin: number;
  offsetMax: number;
  /** Times were written without an offset (layout 'naive'): a repeated wall time may be a clock change. */
  naive?: boolean;
}

/** A bar's columns with its file row: what normalisation moves, reverses and drops together. */
export type BarRows = Pick<RawBars, 'time' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'row'>;
export const BAR_ROW_KEYS = ['time', 'open', 'high', 'low', 'close', 'volume', 'row'] as const;

// Field roles, by column index.
export const SKIP = 0;
export const TIME = 1;
export const OPEN = 2; // OPEN..VOLUME = 2..6 index `values` as role - 2
export const VOLUME = 6;
export const SYMBOL = 7;
const VALUE_NAMES = ['open', 'high', 'low', 'close', 'volume'];

function countLines(buf: Uint8Array, from: number): number {
  let count = 1;
  for (let p = buf.indexOf(LF, from); p >= 0; p = buf.indexOf(LF, p + 1)) count++;
  return count;
}

function sameBytes(buf: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = 0; i < e1 - s1; i++) if (buf[s1 + i] !== buf[s2 + i]) return false;
  return true;
}

/** Collects rows: time conversion, value checks, and the output arrays. Both scanners call `row`. */
export class RowSink {
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly rowNo: Int32Array;
  readonly problems: RowProblem[] = [];
  /** Bounds of each needed field of the current row, and its parsed value for roles OPEN..VOLUME. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly values = new Float64Array(5);
  n = 0;
  rows = 0;
  offMin = NaN;
  offMax = NaN;
  private symStart = -1;
  private symEnd = -1;
  private symRow = 0;
  private readonly iso: IsoResult = { offsetMin: NaN, hasTime: false };
  private readonly epochUnit: EpochUnit | null;
  private readonly wantOffset: boolean;
  private readonly valueCols: number[];

  constructor(
    private readonly file: string,
    private readonly buf: Uint8Array,
    private readonly layout: Layout,
    readonly need: number,
  ) {
    const cap = countLines(buf, layout.dataStart);
    this.time = new Float64Array(cap);
    this.open = new Float64Array(cap);
    this.high = new Float64Array(cap);
    this.low = new Float64Array(cap);
    this.close = new Float64Array(cap);
    this.volume = new Float64Array(cap);
    this.rowNo = new Int32Array(cap);
    this.starts = new Int32Array(need);
    this.ends = new Int32Array(need);
    this.epochUnit = layout.timeFormat === 'iso' || layout.timeFormat === 'naive' ? null : layout.timeFormat;
    this.wantOffset = layout.timeFormat === 'iso';
    this.valueCols = [layout.open, layout.high, layout.low, layout.close, layout.volume];
  }

  private drop(lineNo: number, problem: string, number?: RowProblem['number']): void {
    this.problems.push(
      number ? { row: lineNo, problem, kind: 'drop', number } : { row: lineNo, problem, kind: 'drop' },
    );
  }

  private valueProblem(k: number): string {
    const col = this.valueCols[k] as number;
    const v = this.values[k] as number;
    const name = `column ${this.layout.names[col]} (${VALUE_NAMES[k]})`;
    if (Number.isNaN(v))
      return `unparsable number "${fieldText(this.buf, this.starts[col] as number, this.ends[col] as number)}" in ${name}`;
    return k === 4 ? volumeProblem(v, name) : priceProblem(v, name);
  }

  /**
   * Why an epoch time outside the bar years is not a bar time: a value in another unit than the column's
   * (seconds among milliseconds read as January 1970, milliseconds among seconds as the year 54,000), a
   * value cut short, or one past 2099.
   */
  private epochProblem(t: number, ts: number, te: number): string {
    const unit = this.epochUnit as EpochUnit;
    const column = this.layout.names[this.layout.timeCol] ?? '';
    const text = `time "${fieldText(this.buf, ts, te)}" in column ${column}`;
    const own = epochUnitMismatch(t, unit);
    if (own) return `${text} is ${own} by its magnitude, but the column holds ${unit}`;
    if (t < EPOCH_TIME_MIN)
      return `${text} reads as ${isoUtc(t)} (${unit}), before any bar data: a digit is missing`;
    return timeProblem(t, fieldText(this.buf, ts, te), column);
  }

  /**
   * The last line of a file cut while it was written ends mid-field. Most such cuts show anyway: too few
   * fields, an unparsable or inconsistent value (a close outside [low, high]). The one a value alone betrays
   * is a number ending in its decimal point with no line end after it ('101750.'); a number cut before its
   * point or among its decimals ('21.1' of '21.16') reads as a real value and cannot be told from one.
   */
  private cutShort(field: number): boolean {
    const end = this.ends[field] as number;
    return end === this.buf.length && end > (this.starts[field] as number) && this.buf[end - 1] === 46;
  }

  /** One data row whose needed fields are in starts/ends (and values, for the numeric ones). */
  row(lineNo: number, fields: number): void {
    const { buf, layout, starts, ends, values } = this;
    if (fields < this.need) {
      this.drop(lineNo, `row has ${fields} field${fields === 1 ? '' : 's'}, expected at least ${this.need}`);
      return;
    }
    if (fields !== layout.fields) {
      // A row wider or narrower than the header has a value split in two (a decimal comma) or a column left
      // out, so its fields no longer sit under their names: reading them by position would give wrong bars.
      this.drop(
        lineNo,
        `row has ${fields} fields but the ${layout.header ? 'header' : 'first row'} has ${layout.fields}: a value is split or a column is missing`,
      );
      return;
    }
    if (fields <= this.need && this.cutShort(fields - 1)) {
      this.drop(
        lineNo,
        `the file ends inside this row: its last field "${fieldText(buf, starts[fields - 1] as number, ends[fields - 1] as number)}" stops at a decimal point with no line end, so the file was cut short (while being written or copied)`,
      );
      return;
    }
    const ts = starts[layout.timeCol] as number;
    const te = ends[layout.timeCol] as number;
    let t: number;
    if (this.epochUnit) t = parseEpoch(buf, ts, te, this.epochUnit);
    else {
      const iso = this.iso;
      t = parseIsoTime(buf, ts, te, iso);
      const hasOffset = !Number.isNaN(iso.offsetMin);
      if (!Number.isNaN(t) && hasOffset !== this.wantOffset) {
        const why = this.wantOffset
          ? 'has no UTC offset but the other rows do'
          : 'has a UTC offset but the other rows are naive';
        this.drop(lineNo, `time "${fieldText(buf, ts, te)}" ${why}`);
        return;
      }
      if (layout.timeOfDayCol >= 0 && !Number.isNaN(t)) {
        const col = layout.timeOfDayCol;
        const day = parseTimeOfDay(buf, starts[col] as number, ends[col] as number);
        if (Number.isNaN(day) || iso.hasTime) {
          const text = fieldText(buf, starts[col] as number, ends[col] as number);
          const date = `column ${layout.names[layout.timeCol]}`;
          this.drop(
            lineNo,
            iso.hasTime
              ? `time "${fieldText(buf, ts, te)}" in ${date} already holds a time of day, and column ${layout.names[col]} another ("${text}")`
              : `unparsable time of day "${text}" in column ${layout.names[col]} (the date is in ${date}): expected HH:MM[:SS]`,
          );
          return;
        }
        t += day;
      }
      if (hasOffset) {
        t -= iso.offsetMin * 60_000;
        if (!(iso.offsetMin >= this.offMin)) this.offMin = iso.offsetMin;
        if (!(iso.offsetMin <= this.offMax)) this.offMax = iso.offsetMin;
      }
    }
    let badTime = Number.isNaN(t)
      ? `unparsable time "${fieldText(buf, ts, te)}" in column ${layout.names[layout.timeCol]}`
      : plausibleTime(t)
        ? '' // the common case: no escaped copy of the field for a message that is not written
        : this.epochUnit
          ? this.epochProblem(t, ts, te)
          : timeProblem(t, fieldText(buf, ts, te), layout.names[layout.timeCol] ?? '');
    if (!badTime && this.epochUnit && t < EPOCH_TIME_MIN) badTime = this.epochProblem(t, ts, te);
    if (badTime) {
      this.drop(lineNo, badTime);
      return;
    }
    const o = values[0] as number;
    let h = values[1] as number;
    let l = values[2] as number;
    const c = values[3] as number;
    const v = layout.volume >= 0 ? (values[4] as number) : 0;
    // One comparison chain for the common case; details only when something is off.
    if (!plausibleRow(o, h, l, c, v)) {
      for (let k = 0; k < (layout.volume >= 0 ? 5 : 4); k++) {
        const problem = this.valueProblem(k);
        if (problem) {
          const col = this.valueCols[k] as number;
          const text = Number.isNaN(values[k])
            ? {
                text: fieldText(buf, starts[col] as number, ends[col] as number),
                column: layout.names[col] ?? '',
              }
            : undefined;
          this.drop(lineNo, problem, text);
          return;
        }
      }
    }
    if (layout.symbolCol >= 0) this.checkSymbol(lineNo);
    const fix = repairHighLow(o, h, l, c);
    if (fix) {
      this.problems.push({ row: lineNo, problem: fix.problem, kind: 'repair', repair: fix.repair });
      h = fix.high;
      l = fix.low;
    }
    const n = this.n++;
    this.time[n] = t;
    this.open[n] = o;
    this.high[n] = h;
    this.low[n] = l;
    this.close[n] = c;
    this.volume[n] = v;
    this.rowNo[n] = lineNo;
  }

  private checkSymbol(lineNo: number): void {
    const col = this.layout.symbolCol;
    const ss = this.starts[col] as number;
    const se = this.ends[col] as number;
    if (this.symStart < 0) {
      this.symStart = ss;
      this.symEnd = se;
      this.symRow = lineNo;
    } else if (!sameBytes(this.buf, this.symStart, this.symEnd, ss, se)) {
      throw new DataError(
        this.file,
        `the ${this.layout.names[col]} column changes from "${fieldText(this.buf, this.symStart, this.symEnd)}" (row ${this.symRow}) to "${fieldText(this.buf, ss, se)}".`,
        'Each file must hold one symbol: split the file per symbol.',
        { row: lineNo },
      );
    }
  }

  result(): RawBars {
    return {
      rows: this.rows,
      n: this.n,
      time: this.time,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.volume,
      row: this.rowNo,
      problems: this.problems,
      offsetMin: this.offMin,
      offsetMax: this.offMax,
      naive: this.layout.timeFormat === 'naive',
    };
  }
}
