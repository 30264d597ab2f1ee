import {
  candidateColumns,
  columnRecord,
  readableRecord,
  VALUE_FIELDS,
  type CandidateColumns,
  type ColumnRecord,
  type ValueField,
} from '../core/policy/record.js';
import { rankEligible } from '../core/policy/candidates.js';
import type { CandidateTable, Decision } from '../core/policy/decision.js';
import { ORDER_ROLES, SIDES } from '../core/types.js';

/**
 * How the service stores a decision record (the `record` column of `decisions`): the column record of
 * src/core/policy/record.ts as JSON, with each numeric candidate column as the base64 of its float64 values
 * (the platform's byte order, little-endian on every machine Node runs on; reason codes: bytes) and sides
 * and roles as one digit per candidate (the index in SIDES, ORDER_ROLES). Writing it formats no number and
 * no date; numbers come back bit for bit.
 *
 * Format 2 adds references: a candidate column equal to the one last stored may be `{ "sameAs": <id> }`,
 * the id of the earlier `decisions` row that holds that column in full (never another reference). While the
 * book does not change, the orders' ids, symbols, margins and times repeat from one decision to the next: a
 * row is then 0.9 kB instead of 7 kB for 100 orders (no overflow pages, and fewer pages per commit). Format 1
 * (no references) is still read.
 *
 * `format` tells it apart from the readable records that `run` (and the service before these formats) wrote
 * in the same column; readStoredRecord answers with the readable record either way.
 */
export const STORED_RECORD_FORMAT = 'decision-columns-b64/2';
const FORMATS: readonly string[] = ['decision-columns-b64/1', STORED_RECORD_FORMAT];

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

type ColumnName = keyof StoredColumns;

/**
 * What a stored record's candidates hold: the columns (each in full or a reference) and, when some
 * candidate was being cancelled by another saga, which saga (CandidateColumns.cancelledBy, stored as it is:
 * rare and short, so never a reference).
 */
type StoredCandidates = StoredColumnsOrReferences & Pick<CandidateColumns, 'cancelledBy'>;

/** A column of an earlier decision row, stored in full there. */
interface ColumnReference {
  sameAs: number;
}

type StoredColumnsOrReferences = { [K in ColumnName]: StoredColumns[K] | ColumnReference };

type Stored = Omit<ColumnRecord, 'candidates'> & {
  format: string;
  candidates: StoredCandidates | null;
};

/** The parsed `record` of an earlier decisions row by its id (undefined when there is no such row). */
export type StoredRecordLookup = (rowId: number) => unknown;

/** The decision as the service stores it: a JSON-ready object (see STORED_RECORD_FORMAT). */
export function storedRecord(decision: Decision): Stored {
  const { candidates, ...rest } = columnRecord(decision);
  return { format: STORED_RECORD_FORMAT, ...rest, candidates: candidates && encodeColumns(candidates) };
}

/**
 * A record as read from the `record` column (parsed JSON), readable: the service's stored form is expanded
 * (a column it refers to is read from that row through `lookup`); anything else (what `run` and earlier
 * versions wrote) is readable already and comes back as it is.
 */
export function readStoredRecord(stored: unknown, lookup: StoredRecordLookup = () => undefined): unknown {
  if (typeof stored !== 'object' || stored === null) return stored;
  const s = stored as Partial<Stored>;
  if (typeof s.format !== 'string' || !FORMATS.includes(s.format)) return stored;
  const { format: _format, candidates, ...rest } = s as Stored;
  return readableRecord(
    Object.assign(rest, { candidates: candidates && decodeColumns(resolveReferences(candidates, lookup)) }),
  );
}

function resolveReferences(
  c: StoredCandidates,
  lookup: StoredRecordLookup,
): StoredColumns & StoredCandidates {
  const out = { ...c } as Record<ColumnName, unknown>;
  for (const name of COLUMN_NAMES) {
    const column = c[name];
    if (!isReference(column)) continue;
    const row = lookup(column.sameAs) as Partial<Stored> | undefined;
    const full = row?.candidates?.[name];
    if (full === undefined || isReference(full))
      throw new Error(
        `the stored decision record refers to decision row ${column.sameAs} for its candidates' "${name}", ` +
          `and that row ${row === undefined ? 'is missing' : 'does not hold the column'}: the decisions table ` +
          'was edited or damaged; the readable record cannot be rebuilt',
      );
    out[name] = full;
  }
  return out as unknown as StoredColumns & StoredCandidates;
}

const isReference = (column: unknown): column is ColumnReference =>
  typeof column === 'object' && column !== null && 'sameAs' in column;

/** A column as the decision holds it, or a decision's valuation columns (compared as one). */
type RawColumn = ArrayLike<unknown> | Record<ValueField, ArrayLike<unknown>> | null;

/** One stored record in a sequence: `written` says which row it became, so later ones may refer to it. */
export interface StoredRecordDraft {
  record: Stored;
  written(rowId: number): void;
}

/**
 * Stores the decisions of one store's decision log in sequence (format 2): a candidate column equal to the
 * one last stored becomes a reference to the row that holds it in full. A row is referred to only once it is
 * known to be written (`written`): a record whose write failed is never referred to.
 */
export class StoredRecordWriter {
  /** Per column: the values last stored (a copy) and the row holding them in full (null: not written). */
  private readonly last = new Map<ColumnName, { values: RawColumn; row: number | null }>();

  record(decision: Decision): StoredRecordDraft {
    const t = decision.candidates;
    if (!t) {
      const { candidates: _none, ...rest } = columnRecord(decision);
      return { record: { format: STORED_RECORD_FORMAT, ...rest, candidates: null }, written: () => {} };
    }
    const { candidates: _table, ...rest } = decision;
    const ranked = rankEligible(t);
    // The columns are built only if one of them has to be stored in full: while the book does not change,
    // every column is compared with the decision's own table and none is built.
    let columns: CandidateColumns | null = null;
    const built = (): CandidateColumns => (columns ??= candidateColumns(decision)!);
    const fresh: { values: RawColumn; row: number | null }[] = [];
    const out = {} as Record<ColumnName, unknown>;
    for (const name of COLUMN_NAMES) {
      // An empty column is shorter than a reference to one.
      if (name === 'value' && !t.value) {
        out[name] = null;
        continue;
      }
      if (name === 'ranked' ? ranked.length === 0 : t.orders.length === 0) {
        out[name] = name === 'ranked' ? ranked : encodeColumn(built(), name);
        continue;
      }
      const last = this.last.get(name);
      if (last && last.row !== null && sameAsTable(name, last.values, t, ranked)) {
        out[name] = { sameAs: last.row } satisfies ColumnReference;
        continue;
      }
      out[name] = encodeColumn(built(), name);
      const entry = { values: copyColumn(built()[name]), row: null };
      this.last.set(name, entry);
      fresh.push(entry);
    }
    const cancelledBy = t.orders.some((o) => o.pendingCancelBy !== undefined)
      ? built().cancelledBy
      : undefined;
    const candidates: StoredCandidates = Object.assign(out as StoredColumnsOrReferences, { cancelledBy });
    return {
      record: { format: STORED_RECORD_FORMAT, ...rest, candidates },
      // The entries are this record's own: written late (after a later record replaced them), it changes
      // nothing a later record could refer to.
      written: (rowId) => {
        for (const entry of fresh) entry.row = rowId;
      },
    };
  }
}

/**
 * Whether a column as last stored (a copy of candidateColumns' column) equals that column of a decision's
 * candidate table, read in place: the order fields from the orders (candidateColumns' columns of those
 * names), the typed columns element by element, the ranking from `ranked`.
 */
function sameAsTable(
  name: ColumnName,
  stored: RawColumn,
  t: CandidateTable,
  ranked: readonly number[],
): boolean {
  switch (name) {
    case 'id':
    case 'symbol':
    case 'side':
    case 'role':
    case 'forecastPnl':
    case 'placedAt': {
      const values = stored as ArrayLike<unknown>;
      const orders = t.orders;
      if (values.length !== orders.length) return false;
      for (let i = 0; i < orders.length; i++) if (!Object.is(values[i], orders[i]![name])) return false;
      return true;
    }
    case 'ranked':
      return sameValues(stored as ArrayLike<unknown>, ranked);
    case 'value': {
      const v = t.value!;
      const s = stored as Record<ValueField, ArrayLike<unknown>> | null;
      if (s === null) return false;
      return (Object.keys(VALUE_FIELDS) as ValueField[]).every((f) => sameValues(s[f], v[VALUE_FIELDS[f]]));
    }
    default:
      return sameValues(stored as ArrayLike<unknown>, t[name]);
  }
}

const COLUMN_NAMES: readonly ColumnName[] = [
  'id',
  'symbol',
  'side',
  'role',
  'ranked',
  'distance',
  'forecastPnl',
  'margin',
  'placedAt',
  'reason',
  'value',
];

/**
 * The same values (Object.is: -0 and 0 differ, NaN equals NaN, as the stored bytes would say). Typed columns
 * are read as their own type in a loop of their own (no number object per element, no Buffer view).
 */
function sameValues(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  if (a instanceof Float64Array && b instanceof Float64Array) return sameFloat64s(a, b);
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) if (a.constructor !== b.constructor) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function sameFloat64s(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** A copy: the decision's typed columns are its own and might be reused by whoever made them. */
function copyColumn(values: RawColumn): RawColumn {
  if (values === null) return null;
  if ('length' in values) return copyValues(values as ArrayLike<unknown>);
  const out = {} as Record<ValueField, ArrayLike<unknown>>;
  for (const f of Object.keys(VALUE_FIELDS) as ValueField[]) out[f] = copyValues(values[f]);
  return out;
}

const copyValues = (values: ArrayLike<unknown>): ArrayLike<unknown> =>
  ArrayBuffer.isView(values) ? (values as unknown as Float64Array).slice() : Array.from(values);

function encodeColumns(c: CandidateColumns): StoredCandidates {
  const out = {} as Record<ColumnName, unknown>;
  for (const name of COLUMN_NAMES) out[name] = encodeColumn(c, name);
  const cancelledBy = c.cancelledBy?.length ? c.cancelledBy : undefined;
  return Object.assign(out as unknown as StoredColumns, { cancelledBy });
}

function encodeColumn<K extends ColumnName>(c: CandidateColumns, name: K): StoredColumns[K];
function encodeColumn(c: CandidateColumns, name: ColumnName): StoredColumns[ColumnName] {
  switch (name) {
    case 'id':
    case 'symbol':
    case 'ranked':
      return c[name];
    case 'side':
      return digits(c.side, SIDES);
    case 'role':
      return digits(c.role, ORDER_ROLES);
    case 'reason':
      return Buffer.from(Uint8Array.from(c.reason)).toString('base64');
    case 'value': {
      if (!c.value) return null;
      const value = {} as Record<ValueField, string>;
      for (const field of Object.keys(VALUE_FIELDS) as ValueField[]) value[field] = float64s(c.value[field]);
      return value;
    }
    default:
      return float64s(c[name]);
  }
}

function decodeColumns(s: StoredColumns & StoredCandidates): CandidateColumns {
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
    cancelledBy: s.cancelledBy ?? [],
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
