import {
  columnRecord,
  readableRecord,
  VALUE_FIELDS,
  type CandidateColumns,
  type ColumnRecord,
  type ValueField,
} from '../core/policy/record.js';
import type { Decision } from '../core/policy/decision.js';
import { ORDER_ROLES, SIDES } from '../core/types.js';

/**
 * How the service stores a decision record (the `record` column of `decisions`): the column record of
 * src/core/policy/record.ts as JSON, with each numeric candidate column as the base64 of its float64 values
 * (the platform's byte order, little-endian on every machine Node runs on; reason codes: bytes) and sides
 * and roles as one digit per candidate (the index in SIDES, ORDER_ROLES). Over 100 orders that is under a
 * third of the readable record's JSON, and writing it formats no number and no date; numbers come back bit
 * for bit.
 *
 * `format` tells it apart from the readable records that `run` (and the service before this format) wrote
 * in the same column; readStoredRecord answers with the readable record either way.
 */
export const STORED_RECORD_FORMAT = 'decision-columns-b64/1';

interface StoredColumns {
  id: readonly string[];
  symbol: readonly string[];
  /** One digit per candidate: its index in SIDES. */
  side: string;
  /** One digit per candidate: its index in ORDER_ROLES. */
  role: string;
  ranked: readonly number[];
  distance: string;
  forecastPnl: string;
  margin: string;
  placedAt: string;
  reason: string;
  value: Record<ValueField, string> | null;
}

type Stored = Omit<ColumnRecord, 'candidates'> & {
  format: typeof STORED_RECORD_FORMAT;
  candidates: StoredColumns | null;
};

/** The decision as the service stores it: a JSON-ready object (see STORED_RECORD_FORMAT). */
export function storedRecord(decision: Decision): Stored {
  const { candidates, ...rest } = columnRecord(decision);
  return { format: STORED_RECORD_FORMAT, ...rest, candidates: candidates && encodeColumns(candidates) };
}

/**
 * A record as read from the `record` column (parsed JSON), readable: the service's stored form is expanded;
 * anything else (what `run` and earlier versions wrote) is readable already and comes back as it is.
 */
export function readStoredRecord(stored: unknown): unknown {
  if (typeof stored !== 'object' || stored === null) return stored;
  const s = stored as Partial<Stored>;
  if (s.format !== STORED_RECORD_FORMAT) return stored;
  const { format: _format, candidates, ...rest } = s as Stored;
  return readableRecord({ ...rest, candidates: candidates && decodeColumns(candidates) });
}

function encodeColumns(c: CandidateColumns): StoredColumns {
  let value: StoredColumns['value'] = null;
  if (c.value) {
    value = {} as Record<ValueField, string>;
    for (const field of Object.keys(VALUE_FIELDS) as ValueField[]) value[field] = float64s(c.value[field]);
  }
  return {
    id: c.id,
    symbol: c.symbol,
    side: digits(c.side, SIDES),
    role: digits(c.role, ORDER_ROLES),
    ranked: c.ranked,
    distance: float64s(c.distance),
    forecastPnl: float64s(c.forecastPnl),
    margin: float64s(c.margin),
    placedAt: float64s(c.placedAt),
    reason: Buffer.from(Uint8Array.from(c.reason)).toString('base64'),
    value,
  };
}

function decodeColumns(s: StoredColumns): CandidateColumns {
  let value: CandidateColumns['value'] = null;
  if (s.value) {
    value = {} as Record<ValueField, Float64Array>;
    for (const field of Object.keys(VALUE_FIELDS) as ValueField[])
      value[field] = fromFloat64s(s.value[field]);
  }
  return {
    id: s.id,
    symbol: s.symbol,
    side: fromDigits(s.side, SIDES),
    role: fromDigits(s.role, ORDER_ROLES),
    ranked: s.ranked,
    distance: fromFloat64s(s.distance),
    forecastPnl: fromFloat64s(s.forecastPnl),
    margin: fromFloat64s(s.margin),
    placedAt: fromFloat64s(s.placedAt),
    reason: Buffer.from(s.reason, 'base64'),
    value,
  };
}

/** A column's float64 bytes as base64 (a typed column is read in place; null, from JSON, is NaN). */
function float64s(column: ArrayLike<number | null>): string {
  const f =
    column instanceof Float64Array ? column : Float64Array.from(column, (x) => (x === null ? Number.NaN : x));
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
}

function fromFloat64s(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  // Copied into a buffer of its own: Buffer.from may hand back a slice at an offset a Float64Array refuses.
  return new Float64Array(Uint8Array.from(bytes).buffer);
}

function digits<T>(values: readonly T[], list: readonly T[]): string {
  let out = '';
  for (const v of values) out += list.indexOf(v);
  return out;
}

function fromDigits<T>(text: string, list: readonly T[]): T[] {
  return Array.from(text, (digit) => list[Number(digit)]!);
}
