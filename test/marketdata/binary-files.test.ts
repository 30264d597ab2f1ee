/**
 * A compressed or binary file given as bar data (`simulate --data sol.csv.gz`, a gzip renamed .csv, a
 * program) was reported as "UTF-16 text … iconv -f UTF-16": its NUL bytes were taken for UTF-16. It is now
 * told by its first bytes, named as what it is, with how to unpack it; UTF-16 text is still said as such.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { barFileWriter, epochRows, loadMessage as message } from '../support/bar-files.js';
import { runCli } from '../support/cli.js';

const write = barFileWriter('worksteal-binary-files-');
const csv = `timestamp,open,high,low,close,volume\n${epochRows(50, String).join('\n')}\n`;

describe('a bar file that is not text', () => {
  it('gzip, as .csv.gz and renamed .csv, says so and how to unpack it', async () => {
    const gz = write(gzipSync(csv), 'SOLUSDT_1h.csv.gz');
    const text = await message(gz);
    expect(text).toContain(`${gz}: the file is a gzip-compressed file, not CSV text.`);
    expect(text).toContain(`Unpack it first (gzip -dc "${gz}" > "${gz.slice(0, -3)}")`);
    expect(text).not.toContain('UTF-16');
    const renamed = write(gzipSync(csv), 'SOLUSDT_1h.csv');
    expect(await message(renamed)).toContain(
      `Unpack it first (gzip -dc "${renamed}" > "${renamed.slice(0, -4)}.unpacked.csv")`,
    );
  });

  it('zip, bzip2, xz and zstd archives are named by their magic bytes', async () => {
    const archives: [string, number[]][] = [
      ['a zip archive', [0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]],
      ['a bzip2-compressed file', [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26]],
      ['an xz-compressed file', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 0, 4]],
      ['a zstd-compressed file', [0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00, 0x01]],
    ];
    for (const [what, bytes] of archives) {
      const text = await message(write(Buffer.concat([Buffer.from(bytes), Buffer.alloc(64, 1)])));
      expect(text, what).toContain(`the file is ${what}, not CSV text. Unpack it first`);
    }
  });

  it('a program and other binary bytes are named, not called UTF-16', async () => {
    const elf = await message(write(readFileSync(process.execPath).subarray(0, 4096)));
    expect(elf).toContain(
      'the file is a program (an ELF executable), not CSV text (its first bytes: 7f 45 4c 46',
    );
    const noise = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37) % 256));
    expect(await message(write(noise))).toContain('the file is a binary file, not CSV text');
  });

  it('UTF-16 text keeps its own advice, with or without a byte-order mark', async () => {
    expect(await message(write(Buffer.from(csv, 'utf16le')))).toContain('the file is UTF-16 text');
    expect(await message(write(Buffer.from(`\ufeff${csv}`, 'utf16le')))).toContain('byte-order mark FF FE');
  });

  it('simulate --data names the file and exits 2', () => {
    const gz = write(gzipSync(csv), 'SOLUSDT_1h.csv.gz');
    const r = runCli(['simulate', '--data', gz, '--no-cache']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: ${gz}: the file is a gzip-compressed file, not CSV text. Unpack it first (gzip -dc "${gz}" > "${gz.slice(0, -3)}") and load the CSV file it gives.\n`,
    );
  });
});
