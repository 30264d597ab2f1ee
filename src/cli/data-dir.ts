/**
 * The local data folder a command reads or writes (`--dir`, else WORKSTEAL_DATA_DIR, else ./data). A folder
 * typed with --dir must exist, as every folder a command writes into must (README, docs/cli.md "Output"): a
 * typo would otherwise start a second, empty store beside the real one, and `start` would download into it.
 * Only the default folder is created on first use (`npm start` on a fresh clone downloads into ./data), as no
 * typo can name it.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defaultDataDir } from '../data/index.js';
import { missingFolder } from '../store/output-folder.js';
import { CliError } from './errors.js';

export async function dataDir(typed: string | undefined): Promise<string> {
  if (typed === undefined) return defaultDataDir();
  const kind = await stat(typed).catch(() => null);
  if (!kind) throw new CliError(`--dir ${typed}: ${missingFolder(resolve(typed))}`);
  if (!kind.isDirectory())
    throw new CliError(`--dir ${typed}: is a file, not a folder; pass --dir the data folder`);
  return typed;
}
