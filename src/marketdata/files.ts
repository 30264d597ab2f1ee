/** Command-line data arguments → a sorted list of CSV files. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileKind } from '../io/regular-file.js';
import { DataError } from './errors.js';

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (
      e.name.toLowerCase().endsWith('.csv') &&
      (e.isFile() || (e.isSymbolicLink() && (await linksToFile(p))))
    )
      out.push(p);
  }
}

/**
 * A symbolic link to a CSV file counts as the file (a folder of links to a shared data set). Links to folders
 * are not followed: one pointing back up would walk forever.
 */
async function linksToFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false; // a dangling link: nothing to read
  }
}

/**
 * Files are taken as given (any extension); folders contribute their `*.csv` files, recursively. A missing
 * path, a folder without CSVs, or a path that is neither a file nor a folder (a FIFO, device or socket) is
 * an error naming it. The result is sorted and de-duplicated, so runs are
 * reproducible whatever order the shell lists files in.
 */
export async function expandDataArgs(args: string[]): Promise<string[]> {
  // A single string would be walked character by character: '/data' began with '/', the whole disk.
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string' && a.length > 0)) {
    const given = typeof args === 'string' ? JSON.stringify(args) : String(args);
    throw new DataError(
      given,
      'expandDataArgs takes an array of paths (files, folders or globs), not ' +
        (typeof args === 'string' ? 'a string.' : 'this value.'),
      typeof args === 'string'
        ? `Pass it in an array: expandDataArgs([${given}]).`
        : "Pass an array of non-empty path strings, e.g. expandDataArgs(['data/']).",
    );
  }
  const files = new Set<string>();
  for (const arg of args) {
    let info;
    try {
      info = await stat(arg);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`;
      throw new DataError(
        arg,
        `data path ${why}.`,
        'Check the path (relative paths are resolved from the current directory).',
      );
    }
    if (info.isDirectory()) {
      const found: string[] = [];
      try {
        await walk(arg, found);
      } catch (err) {
        throw new DataError(
          arg,
          `folder cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`,
          'Check its permissions.',
        );
      }
      if (found.length === 0)
        throw new DataError(
          arg,
          'folder contains no .csv files.',
          'Point at CSV files or a folder that holds them.',
        );
      for (const f of found) files.add(f);
    } else if (!info.isFile()) {
      // Reading a FIFO would wait for a writer forever; devices and sockets are never bar files.
      throw new DataError(
        arg,
        `data path is a ${fileKind(info)}, not a regular file.`,
        'Pass CSV files or folders of them; to load piped output, write it to a file first.',
      );
    } else files.add(arg);
  }
  return [...files].sort();
}
