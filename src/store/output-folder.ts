/**
 * The one rule for every file worksteal writes at a path a person gave: a store (`--db`, `live.stateDb`), a
 * JSON, Markdown or HTML output, best.json. The folder must already exist; it is never created. Creating it
 * would turn a typo in a path into a new tree, and for a live store into a fresh, empty state beside the
 * real one, whose open sagas would then never be recovered. The refusal says the command that creates it.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { shellWord } from '../io/shell-word.js';
import { StoreFileError } from './errors.js';

/**
 * The refusal of a folder that does not exist (the words after "<flag> <path>: "), with the command that
 * creates it: the same words for the folder of an output file and for a folder a flag names (`--dir`).
 */
export function missingFolder(folder: string): string {
  return `the folder ${folder} does not exist; create it first (mkdir -p ${shellWord(folder)}) or choose another path`;
}

/**
 * What stops a file from being written at `path` (the words after "<flag> <path>: "), or null when its
 * folder exists, is a folder and is writable, and `path` itself is not a folder.
 */
export function outputPathProblem(path: string): string | null {
  const folder = dirname(resolve(path));
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    return missingFolder(folder);
  }
  if (!isFolder) return `the folder ${folder} is a file, not a folder; choose another path`;
  try {
    if (statSync(path).isDirectory()) return 'is a folder; choose another path that names a file in it';
  } catch {
    // No file yet: it is created.
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    return `the folder ${folder} is not writable; choose another path`;
  }
  return null;
}

const isMemory = (path: string): boolean => path === ':memory:' || path === '';

/** Whether this process may write `path` (false for a file that does not exist: it is not in the way). */
function unwritable(path: string): boolean {
  try {
    accessSync(path, constants.F_OK);
  } catch {
    return false;
  }
  try {
    accessSync(path, constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

/**
 * What stops the store at `path` from being written once its folder is fine: the file itself, or the -wal or
 * -shm file SQLite keeps beside it, read-only for this user (a copy made read-only, a store of another user,
 * files a run of another user left). SQLite would open such a file read-only without a word and fail at the
 * first write, after the run had started. Null when nothing is in the way (files that do not exist yet are
 * created). The check is the operating system's (access(2)): root may write a file whatever its mode.
 */
export function storeFileProblem(path: string, option: string): string | null {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (!unwritable(file)) continue;
    const which = file === path ? 'the store' : `its ${file.slice(path.length)} file ${file}`;
    const uid = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '';
    return (
      `${which} is read-only for this user${uid}, and worksteal writes its state there. Make it writable ` +
      `(chmod u+w ${shellWord(file)}, or run as its owner), or point ${option} at another file`
    );
  }
  return null;
}

/**
 * The rule for a store file, before its lock or the file is created: a StoreFileError naming the option that
 * gave the path. A folder that is missing or not writable is a wrong path (exit 2, bad input); a store file
 * read-only for this user is refused with exit 1, as a locked one is: the path is right, the file cannot be
 * written now. An in-memory store has no folder.
 */
export function checkStorePath(path: string, option: string): void {
  if (isMemory(path)) return;
  const problem = outputPathProblem(path);
  if (problem) throw new StoreFileError('unopenable', path, `${option} ${path}: ${problem}`);
  const readOnly = storeFileProblem(path, option);
  if (readOnly) throw new StoreFileError('read-only', path, `${option} ${path}: ${readOnly}.`);
}
