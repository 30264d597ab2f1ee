import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Input files must be regular files. Reading a FIFO blocks until some other process writes to it (forever,
 * if none does), and a device or socket is never a config, scenario, signals or bar file; so such paths
 * are refused at once, before any read.
 */

/** Error code of a path that exists but is not a regular file (nor a folder, which keeps EISDIR). */
export const NOT_REGULAR = 'ENOTREG';

/** Error code of a regular file larger than the caller's `maxBytes` (the error carries `size` and `maxBytes`). */
export const TOO_LARGE = 'ETOOLARGE';

/** What a non-regular path is, in words for a message. */
export function fileKind(
  info: Pick<
    Stats,
    | 'isFile'
    | 'isDirectory'
    | 'isFIFO'
    | 'isSocket'
    | 'isCharacterDevice'
    | 'isBlockDevice'
    | 'isSymbolicLink'
  >,
): string {
  if (info.isFile()) return 'regular file';
  if (info.isDirectory()) return 'folder';
  if (info.isFIFO()) return 'FIFO (named pipe)';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice()) return 'character device';
  if (info.isBlockDevice()) return 'block device';
  return 'special file';
}

/**
 * The bytes of a regular file. A FIFO, socket or device is refused with code NOT_REGULAR (a folder with
 * EISDIR), and the error's message names what the path is. The file is opened non-blocking so that opening
 * a FIFO cannot wait for a writer; for a regular file the flag changes nothing. A file above `maxBytes` is
 * refused with code TOO_LARGE before a byte of it is read.
 */
export async function readRegularFile(path: string, maxBytes?: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const kind = fileKind(info);
      throw Object.assign(new Error(`${path} is a ${kind}, not a regular file`), {
        code: info.isDirectory() ? 'EISDIR' : NOT_REGULAR,
        kind,
      });
    }
    if (maxBytes !== undefined && info.size > maxBytes) {
      throw Object.assign(new Error(`${path} is ${info.size} bytes, above ${maxBytes}`), {
        code: TOO_LARGE,
        size: info.size,
        maxBytes,
      });
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The reason a read failed, for a message: 'is a FIFO (named pipe), not a regular file', 'file not found'… */
export function readFailure(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { kind?: string };
  if (e.code === NOT_REGULAR) return `is a ${e.kind ?? 'special file'}, not a regular file`;
  if (e.code === TOO_LARGE) {
    const { size, maxBytes } = e as unknown as { size: number; maxBytes: number };
    return `is ${byteSize(size)}, above the limit of ${byteSize(maxBytes)}`;
  }
  if (e.code === 'EISDIR') return 'is a folder, not a file';
  if (e.code === 'ENOENT') return 'file not found';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${e.code ?? String(error)})`;
}

/** A size in words: "41.7 MB (41,689,371 bytes)", "4 MiB (4,194,304 bytes)". */
export function byteSize(bytes: number): string {
  const exact = `${bytes.toLocaleString('en-US')} bytes`;
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB (${exact})`;
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB (${exact})`;
  return exact;
}
