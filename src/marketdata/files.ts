/** Command-line data arguments → a sorted list of CSV files. */
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
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
 * The files a glob pattern matches (`data/*_1h.csv`, `data/[A-M]*.csv`): a pattern the shell left alone,
 * because it was quoted or came from a program rather than a command line. Files only, as the pattern names
 * them (any extension), links to files included; a pattern that matches none is an error naming it.
 */
async function matchingFiles(pattern: string): Promise<string[]> {
  const found = await glob(pattern, {
    onlyFiles: true,
    expandDirectories: false,
    absolute: isAbsolute(pattern),
  });
  if (found.length === 0)
    throw new DataError(
      pattern,
      'no file matches this pattern.',
      'Check the pattern (relative patterns are matched from the current directory).',
    );
  return found;
}

/**
 * Files are taken as given (any extension); folders contribute their `*.csv` files, recursively; a path that
 * does not exist but is a glob pattern contributes the files it matches (matchingFiles). A missing
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
      // A path that exists is read as itself, even with `*` or `[` in its name; only a missing one is a pattern.
      if (code === 'ENOENT' && isDynamicPattern(arg)) {
        for (const f of await matchingFiles(arg)) files.add(f);
        continue;
      }
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
