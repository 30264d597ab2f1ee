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

/**
 * The rule for a store file, before its lock or the file is created: a StoreFileError (exit 2, bad input)
 * naming the option that gave the path. An in-memory store has no folder.
 */
export function checkStorePath(path: string, option: string): void {
  if (isMemory(path)) return;
  const problem = outputPathProblem(path);
  if (problem) throw new StoreFileError('unopenable', path, `${option} ${path}: ${problem}`);
}
