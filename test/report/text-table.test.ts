/**
 * The terminal tables: given a width, a table that would be wider wraps its last column so that every line
 * fits, and keeps every word of every cell; one that fits is printed as it would be without a width.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { table, tableWidth } from '../../src/report/text.js';

const chars = (line: string): number => [...line].length;
const words = (text: string): string[] => text.split(/\s+/).filter((w) => w.length > 0);
/** The words of the last column, read back from the table's lines. */
function lastColumnWords(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .flatMap((l) => words(l.slice(l.lastIndexOf('│', l.length - 2) + 1, -1)));
}

const word = fc.stringMatching(/^[a-z0-9,./()%-]{1,12}$/);
const cell = fc.array(word, { minLength: 1, maxLength: 30 }).map((w) => w.join(' '));
const rows = fc.array(fc.tuple(word, cell), { minLength: 1, maxLength: 8 });

describe('table', () => {
  it('fits a width by wrapping the last column, and keeps its words in order', () => {
    fc.assert(
      fc.property(rows, fc.integer({ min: 60, max: 160 }), (body, width) => {
        const text = table(['metric', 'value'], body, { width });
        const keyWidth = Math.max(6, ...body.map(([k]) => k.length)) + 2;
        // Room for the key column, the borders and the narrowest wrapped column (24).
        if (width >= keyWidth + 3 + 24)
          for (const line of text.split('\n')) expect(chars(line)).toBeLessThanOrEqual(width);
        expect(lastColumnWords(text)).toEqual(['value', ...body.flatMap(([, v]) => words(v))]);
      }),
      { seed: 71, numRuns: 300 },
    );
  });

  it('with cells: false, wraps headers only (to two lines at most): each cell stays whole on one line', () => {
    const head = [
      'window',
      'return A',
      'return B',
      'median ΔSharpe [95%]',
      'steals/victim A / B',
      'net regret B',
    ];
    const body = [
      ['2020-09-23 → 2021-09-23', '391.8%', '604.1%', '-0.01 [-0.46, +0.43]', '1.04 / —', '0.00'],
    ];
    const text = table(head, body, { width: 80, cells: false });
    expect(chars(text.split('\n')[0]!)).toBeLessThan(chars(table(head, body).split('\n')[0]!));
    const lines = text.split('\n');
    for (const c of body[0]!) expect(lines.some((l) => l.includes(`│ ${c} `))).toBe(true);
    // The header row is two lines: the first line of the body follows the rule after them.
    expect(lines[3]!.startsWith('├')).toBe(true);
  });

  it('prints a table that fits as it would without a width', () => {
    const body = [
      ['equity', '100,000.00 → 93,189.33'],
      ['total return', '-6.81%'],
    ];
    expect(table(['metric', 'value'], body, { width: 80 })).toBe(table(['metric', 'value'], body));
    const long = [['steal regret', 'victims would have filled; '.repeat(8)]];
    expect(table(['metric', 'value'], long, { width: 80 })).not.toBe(table(['metric', 'value'], long));
  });

  it('is as wide as the terminal, or 100 columns into a file or pipe', () => {
    expect(tableWidth({ isTTY: true, columns: 132 } as unknown as NodeJS.WritableStream)).toBe(132);
    expect(tableWidth({ isTTY: false } as unknown as NodeJS.WritableStream)).toBe(100);
    expect(tableWidth({} as NodeJS.WritableStream)).toBe(100);
  });
});
