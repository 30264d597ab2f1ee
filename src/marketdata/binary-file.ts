/**
 * A bar file that is not text at all: a compressed archive (sol.csv.gz given as it was downloaded, a .zip of
 * exports, a gzip renamed .csv) or another binary file (a program, a spreadsheet). Each holds NUL bytes, which
 * the UTF-16 check would take for UTF-16 text and advise iconv; so this check runs first and says what the
 * file is and how to unpack it. Told by the bytes, never by the name: a renamed file is what its bytes say.
 */
import { DataError, shellWord } from './errors.js';

interface Kind {
  /** The file's first bytes. */
  magic: number[];
  what: string;
  /** How to get the CSV out of the file `f`: a command, or null when the archive holds nothing. */
  unpack: ((f: string) => string) | null;
}

/**
 * `tool -dc` into the file's name without the compression suffix (sol.csv.gz → sol.csv), or beside it as
 * <name>.unpacked.csv when it has none (a gzip renamed gz.csv): `gunzip -k` refuses a name without `.gz`.
 */
const decompress =
  (tool: string, suffix: RegExp) =>
  (f: string): string => {
    const out = suffix.test(f) ? f.replace(suffix, '') : `${f.replace(/\.csv$/i, '')}.unpacked.csv`;
    return `${tool} -dc ${shellWord(f)} > ${shellWord(out)}`;
  };

const ARCHIVES: Kind[] = [
  { magic: [0x1f, 0x8b], what: 'a gzip-compressed file', unpack: decompress('gzip', /\.gz$/i) },
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive', unpack: (f) => `unzip ${shellWord(f)}` },
  { magic: [0x50, 0x4b, 0x05, 0x06], what: 'an empty zip archive', unpack: null },
  { magic: [0x42, 0x5a, 0x68], what: 'a bzip2-compressed file', unpack: decompress('bzip2', /\.bz2$/i) },
  {
    magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    what: 'an xz-compressed file',
    unpack: decompress('xz', /\.xz$/i),
  },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file', unpack: decompress('zstd', /\.zst$/i) },
  {
    magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
    what: 'a 7-Zip archive',
    unpack: (f) => `7z x ${shellWord(f)}`,
  },
];

/** Binary files that are not archives, named so that a wrong path is seen as one. */
const OTHERS: { magic: number[]; what: string }[] = [
  { magic: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (an ELF executable)' },
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { magic: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel or Office document (.xls)' },
  { magic: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'an SQLite database' },
];

const startsWith = (buf: Buffer, magic: readonly number[]): boolean =>
  buf.length >= magic.length && magic.every((b, i) => buf[i] === b);

/**
 * Whether NUL bytes in `head` are those of UTF-16 text: ASCII characters spaced by NULs, all on the odd
 * bytes (little-endian) or all on the even ones (big-endian). Anything else holding NULs is binary.
 */
export function looksLikeUtf16(head: Buffer): boolean {
  const n = head.length - (head.length % 2);
  if (n < 2) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i++) {
    if (head[i] !== 0) continue;
    if (i % 2 === 0) evenNul++;
    else oddNul++;
  }
  const half = n / 2;
  return (oddNul >= half * 0.5 && evenNul === 0) || (evenNul >= half * 0.5 && oddNul === 0);
}

/** Bytes that no text file holds: NUL and the C0 controls but tab, LF, VT, FF, CR and ESC. */
function controlBytes(head: Buffer): number {
  let n = 0;
  for (const b of head) if (b < 0x20 && ![0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b].includes(b)) n++;
  return n;
}

/** Refuses a compressed archive or another binary file, naming what it is and what to do. */
export function refuseBinary(file: string, buf: Buffer): void {
  const archive = ARCHIVES.find((k) => startsWith(buf, k.magic));
  if (archive) {
    throw new DataError(
      file,
      `the file is ${archive.what}, not CSV text.`,
      archive.unpack
        ? `Unpack it first (${archive.unpack(file)}) and load the CSV file it gives.`
        : 'It holds no file; download or export the data again.',
    );
  }
  const other = OTHERS.find((k) => startsWith(buf, k.magic));
  const head = buf.subarray(0, 512);
  // A BOM says UTF-16 (the next check's); without one, NULs not spaced as in UTF-16 text, or many control bytes.
  const utf16Bom = (buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff);
  const binary =
    other !== undefined ||
    (!utf16Bom && head.includes(0) && !looksLikeUtf16(head)) ||
    (!utf16Bom && !head.includes(0) && controlBytes(head) > head.length * 0.1);
  if (!binary) return;
  throw new DataError(
    file,
    `the file is ${other?.what ?? 'a binary file'}, not CSV text (its first bytes: ${[...buf.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}).`,
    'Check the path; a bar file is a CSV text file (export or unpack the data as CSV first).',
  );
}
