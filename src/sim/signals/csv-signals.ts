import { parseDecimal } from '../../core/decimal.js';
import { ValidationError, printable, type Issue } from '../../core/errors.js';
import type { Side } from '../../core/types.js';
import { readFailure, readRegularFile } from '../../io/regular-file.js';
import { BAR_TIME_MAX, BAR_TIME_MIN, priceProblem } from '../../marketdata/limits.js';
import { symbolKey } from '../../marketdata/symbols.js';
import { parseIsoTime, type IsoResult } from '../../marketdata/timeparse.js';

/** One externally produced signal: known from `time`, usable until `validUntil`. */
export interface ExternalSignal {
  time: number;
  symbol: string;
  side: Side;
  entry: number;
  takeProfit: number;
  expectedPnl: number;
  validUntil: number;
}

const COLUMNS = {
  time: ['time', 'timestamp'],
  symbol: ['symbol'],
  side: ['side'],
  entry: ['entry', 'entry_limit', 'entrylimit', 'limit'],
  takeProfit: ['take_profit', 'takeprofit', 'tp'],
  expectedPnl: ['expected_pnl', 'expectedpnl', 'pnl'],
  validUntil: ['valid_until', 'validuntil'],
} as const;

/** At most this many bad rows are listed; the file is refused either way. */
const MAX_ISSUES = 20;

/**
 * Read a signals CSV: `time,symbol,side,entry,take_profit,expected_pnl,valid_until` (header names are
 * matched case-insensitively; camelCase works too). Times are ISO-8601 with a zone, or epoch seconds/ms.
 * Every bad row is reported with its line number; nothing is guessed.
 */
export async function loadSignalsCsv(
  path: string,
  /** How the caller passes the path, said in the error when the file cannot be read. */
  passed = 'pass --signals with an existing CSV file',
): Promise<ExternalSignal[]> {
  let text: string;
  try {
    text = (await readRegularFile(path)).toString('utf8');
  } catch (error) {
    throw new ValidationError(`Cannot read signals file ${path}`, [
      { where: path, message: `${readFailure(error)}; ${passed}` },
    ]);
  }
  return parseSignalsCsv(text, path);
}

export function parseSignalsCsv(text: string, path: string): ExternalSignal[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = {} as Record<keyof typeof COLUMNS, number>;
  const missing: string[] = [];
  for (const [key, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, readonly string[]][]) {
    const i = header.findIndex(
      (h) => names.includes(h) || names.includes(h.replace(/([a-z])([A-Z])/g, '$1_$2')),
    );
    if (i < 0) missing.push(names[0]!);
    col[key] = i;
  }
  if (missing.length) {
    throw new ValidationError(`Signals file ${path} lacks columns`, [
      {
        where: `${path}:1`,
        message: `missing column(s) ${missing.join(', ')}; expected header time,symbol,side,entry,take_profit,expected_pnl,valid_until`,
        value: lines[0],
      },
    ]);
  }
  const out: ExternalSignal[] = [];
  const issues: Issue[] = [];
  for (let li = 1; li < lines.length && issues.length < MAX_ISSUES; li++) {
    const line = lines[li]!.trim();
    if (!line) continue;
    const fields = line.split(',').map((s) => s.trim());
    if (fields.length !== header.length) {
      // A decimal comma or a left-out value shifts every later field under the wrong column name.
      issues.push({
        where: `${path}:${li + 1}`,
        message: `has ${fields.length} fields but the header has ${header.length}; a value holds a comma or one is missing: fix the row`,
        value: line,
      });
      continue;
    }
    const row = parseRow(fields, col, `${path}:${li + 1}`);
    if ('issues' in row) issues.push(...row.issues);
    else out.push(row);
  }
  if (issues.length) throw new ValidationError(`Bad rows in signals file ${path}`, issues);
  return out.sort((a, b) => a.time - b.time);
}

/** One data row: a signal, or every problem of the row, each naming the row, the column and the text. */
function parseRow(
  f: string[],
  col: Record<keyof typeof COLUMNS, number>,
  where: string,
): ExternalSignal | { issues: Issue[] } {
  const issues: Issue[] = [];
  const bad = (field: string, value: unknown, message: string): void => {
    issues.push({ where: `${where} ${field}`, message, value });
  };
  const time = parseTime(f[col.time]);
  const validUntil = parseTime(f[col.validUntil]);
  const side = f[col.side]?.toLowerCase();
  const entry = parseDecimal(f[col.entry] ?? '');
  const takeProfit = parseDecimal(f[col.takeProfit] ?? '');
  const expectedPnl = parseDecimal(f[col.expectedPnl] ?? '');
  const TIME = 'is not an ISO-8601 time with a zone or an epoch number within 1970-2099';
  if (Number.isNaN(time)) bad('time', f[col.time], TIME);
  if (Number.isNaN(validUntil)) bad('valid_until', f[col.validUntil], TIME);
  else if (validUntil <= time) bad('valid_until', f[col.validUntil], 'must be after time');
  if (side !== 'buy' && side !== 'sell') bad('side', f[col.side], 'must be buy or sell');
  const entryProblem = Number.isNaN(entry) ? 'is not a decimal number' : priceProblem(entry, 'entry');
  if (entryProblem) bad('entry', f[col.entry], `must be a decimal price > 0 (${entryProblem})`);
  const tpProblem = Number.isNaN(takeProfit)
    ? 'is not a decimal number'
    : priceProblem(takeProfit, 'take_profit');
  if (tpProblem) bad('take_profit', f[col.takeProfit], `must be a decimal price > 0 (${tpProblem})`);
  else if (!entryProblem && (side === 'buy' ? takeProfit <= entry : side === 'sell' && takeProfit >= entry)) {
    bad(
      'take_profit',
      f[col.takeProfit],
      `must be ${side === 'buy' ? 'above' : 'below'} the entry for a ${side}`,
    );
  }
  if (Number.isNaN(expectedPnl)) bad('expected_pnl', f[col.expectedPnl], 'must be a decimal number');
  if (!f[col.symbol]) bad('symbol', f[col.symbol], 'must not be empty');
  if (issues.length) return { issues };
  return { time, symbol: f[col.symbol]!, side: side as Side, entry, takeProfit, expectedPnl, validUntil };
}

/** Epoch seconds or milliseconds (by magnitude), or ISO-8601 with a zone; NaN for anything else. */
function parseTime(raw: string | undefined): number {
  if (raw === undefined || raw === '') return Number.NaN;
  let t: number;
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    t = n < 1e11 ? n * 1000 : n;
  } else {
    // The bar loader's parser: Date.parse would roll 2024-02-30 over to March 1st without a word.
    const iso: IsoResult = { offsetMin: NaN, hasTime: false };
    const wall = parseIsoTime(Buffer.from(raw, 'utf8'), 0, Buffer.byteLength(raw), iso);
    if (!iso.hasTime || Number.isNaN(iso.offsetMin)) return Number.NaN;
    t = wall - iso.offsetMin * 60_000;
  }
  return t >= BAR_TIME_MIN && t < BAR_TIME_MAX ? t : Number.NaN;
}

export interface SignalMatch {
  /** The signals whose symbol names one data symbol, written with the data's spelling. */
  signals: ExternalSignal[];
  /** Signals that match no data symbol, or more than one: said, never silently dropped. */
  warnings: string[];
}

/**
 * Match signal symbols to the data's symbols by the one symbol rule (symbolKey): `SOL/USDT` signals trade
 * `SOLUSDT` bars. A signal symbol that matches no data symbol, or two of them, is left out with a warning
 * naming it and the data's symbols.
 */
export function matchSignals(
  signals: readonly ExternalSignal[],
  dataSymbols: readonly string[],
  /** The data's crypto symbols: their sell signals would open shorts, which no entry asks for (entryAllowed). */
  cryptoSymbols: ReadonlySet<string> = new Set(),
): SignalMatch {
  const byKey = new Map<string, string[]>();
  for (const s of dataSymbols) byKey.set(symbolKey(s), [...(byKey.get(symbolKey(s)) ?? []), s]);
  const unmatched = new Map<string, number>();
  const ambiguous = new Map<string, string[]>();
  const matched: ExternalSignal[] = [];
  for (const signal of signals) {
    const exact = dataSymbols.includes(signal.symbol);
    const candidates = exact ? [signal.symbol] : (byKey.get(symbolKey(signal.symbol)) ?? []);
    if (candidates.length === 1) matched.push({ ...signal, symbol: candidates[0]! });
    else if (candidates.length === 0) unmatched.set(signal.symbol, (unmatched.get(signal.symbol) ?? 0) + 1);
    else ambiguous.set(signal.symbol, candidates);
  }
  const warnings: string[] = [];
  const held = `the data holds ${dataSymbols.join(', ') || 'no symbols'}`;
  if (unmatched.size > 0) {
    const list = [...unmatched].map(([s, n]) => `${s} (${n} row${n === 1 ? '' : 's'})`).join(', ');
    const none = matched.length === 0 ? 'no signal matches the data: ' : '';
    warnings.push(`${none}signals for ${list} match no data symbol and are ignored; ${held}`);
  }
  for (const [symbol, candidates] of ambiguous) {
    warnings.push(
      `signals for ${symbol} could mean ${candidates.join(' or ')} and are ignored; write the symbol exactly as the data names it`,
    );
  }
  const shorts = cryptoShortWarning(matched, (symbol) => cryptoSymbols.has(symbol));
  if (shorts) warnings.push(shorts);
  return { signals: matched, warnings: warnings.map(printable) };
}

/**
 * What to say of the sell rows of crypto symbols, which would open shorts and so place nothing
 * (core/margin/requirements.ts entryAllowed): the symbols with their row counts, or null when there are none. Said by
 * `simulate` and `compare` (matchSignals) and by `run` each time it reads the signals file.
 */
export function cryptoShortWarning(
  signals: readonly ExternalSignal[],
  isCrypto: (symbol: string) => boolean,
): string | null {
  const shorts = new Map<string, number>();
  for (const s of signals)
    if (s.side === 'sell' && isCrypto(s.symbol)) shorts.set(s.symbol, (shorts.get(s.symbol) ?? 0) + 1);
  if (shorts.size === 0) return null;
  const list = [...shorts].map(([s, n]) => `${s} (${n} row${n === 1 ? '' : 's'})`).join(', ');
  return `sell signals for ${list} would open crypto shorts and place nothing: crypto trades cash-only (1x), and a short needs the coin borrowed (Alpaca refuses it); a sell row of a crypto symbol is ignored`;
}
