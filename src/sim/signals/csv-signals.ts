import { readFile } from 'node:fs/promises';
import { ValidationError, type Issue } from '../../core/errors.js';
import type { Side } from '../../core/types.js';

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

/**
 * Read a signals CSV: `time,symbol,side,entry,take_profit,expected_pnl,valid_until` (header names are
 * matched case-insensitively; camelCase works too). Times are ISO-8601 with a zone, or epoch seconds/ms.
 * Every bad row is reported with its line number; nothing is guessed.
 */
export async function loadSignalsCsv(path: string): Promise<ExternalSignal[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ValidationError(`Cannot read signals file ${path}`, [
      {
        where: path,
        message: `${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error)}; pass --signals with an existing CSV`,
      },
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
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li]!.trim();
    if (!line) continue;
    const f = line.split(',').map((s) => s.trim());
    const where = `${path}:${li + 1}`;
    const time = parseTime(f[col.time]);
    const validUntil = parseTime(f[col.validUntil]);
    const side = f[col.side]?.toLowerCase();
    const entry = Number(f[col.entry]);
    const takeProfit = Number(f[col.takeProfit]);
    const expectedPnl = Number(f[col.expectedPnl]);
    const bad = (field: string, value: unknown, message: string): void => {
      issues.push({ where: `${where} ${field}`, message, value });
    };
    if (Number.isNaN(time))
      bad('time', f[col.time], 'is not an ISO-8601 time with a zone or an epoch number');
    if (Number.isNaN(validUntil))
      bad('valid_until', f[col.validUntil], 'is not an ISO-8601 time with a zone or an epoch number');
    else if (validUntil <= time) bad('valid_until', f[col.validUntil], 'must be after time');
    if (side !== 'buy' && side !== 'sell') bad('side', f[col.side], 'must be buy or sell');
    if (!(entry > 0)) bad('entry', f[col.entry], 'must be a price > 0');
    if (!(takeProfit > 0)) bad('take_profit', f[col.takeProfit], 'must be a price > 0');
    else if (side === 'buy' ? takeProfit <= entry : takeProfit >= entry) {
      bad(
        'take_profit',
        f[col.takeProfit],
        `must be ${side === 'buy' ? 'above' : 'below'} the entry for a ${side}`,
      );
    }
    if (!Number.isFinite(expectedPnl)) bad('expected_pnl', f[col.expectedPnl], 'must be a number');
    if (!f[col.symbol]) bad('symbol', f[col.symbol], 'must not be empty');
    if (issues.length >= 20) break;
    out.push({
      time,
      symbol: f[col.symbol]!,
      side: side as Side,
      entry,
      takeProfit,
      expectedPnl,
      validUntil,
    });
  }
  if (issues.length) throw new ValidationError(`Bad rows in signals file ${path}`, issues);
  return out.sort((a, b) => a.time - b.time);
}

function parseTime(raw: string | undefined): number {
  if (raw === undefined || raw === '') return Number.NaN;
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    return n < 1e11 ? n * 1000 : n;
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(raw)) return Number.NaN;
  return Date.parse(raw);
}
