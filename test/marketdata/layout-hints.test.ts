/**
 * A layout that could not be recognised suggested `--time-column Date … --timezone America/New_York`
 * whatever the file held (a file with no close column, a UTF-16 file), and a UTF-16 file showed its column
 * names as NUL-spaced garble without ever saying "save it as UTF-8". The hint is now built from the file.
 */
import { describe, expect, it } from 'vitest';
import { barFileWriter, epochRows, loadMessage as message } from '../support/bar-files.js';

const write = barFileWriter('worksteal-layout-hints-');

describe('layout hints', () => {
  it('a missing close column gets the override for this file, not a generic one', async () => {
    const rows = epochRows(10, String).map((r) =>
      r
        .split(',')
        .filter((_, i) => i !== 4)
        .join(','),
    );
    const text = await message(write(`ts,o,h,l,vol\n${rows.join('\n')}\n`));
    expect(text).toContain('unrecognised layout: cannot find close (columns seen: ts, o, h, l, vol).');
    expect(text).toContain(
      "--time-column ts --columns o,h,l,CLOSE,vol with CLOSE replaced by the column that holds it (by header name or 0-based index); in code layout: { timeColumn: 'ts', columns: { open: 'o', high: 'h', low: 'l', close: 'CLOSE', volume: 'vol' } }.",
    );
    expect(text).not.toContain('America/New_York');
    expect(text).not.toContain('Date');
  });

  it('a UTF-16 file is named as such, with how to save it as UTF-8', async () => {
    const body = `timestamp,open,high,low,close,volume\n${epochRows(5, String).join('\n')}\n`;
    const path = write(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]));
    const text = await message(path);
    expect(text).toContain(
      `${path}: the file is UTF-16 text (it starts with the byte-order mark FF FE), not UTF-8.`,
    );
    expect(text).toContain('Save it as UTF-8 CSV');
    expect(text).not.toContain('\\x00');
    // Without a byte-order mark the NUL bytes give it away.
    expect(await message(write(Buffer.from(body, 'utf16le')))).toContain('its first bytes hold NUL bytes');
  });
});
