import { Option, type Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { outputPathProblem, storeFileProblem } from '../store/output-folder.js';
import { CliError, EXIT } from './errors.js';

/** The `--json` value that means standard output (docs/cli.md). */
export const STDOUT = '-';

/** The `--json <file>` option every command that writes JSON takes, worded the same everywhere. */
export function jsonOption(what: string, note?: string): Option {
  return new Option(
    '--json <file>',
    `write ${what} as JSON to <file> ('-' for stdout)${note ? `. ${note}` : ''}`,
  );
}

/**
 * Where the human-readable lines go: stdout, unless the JSON goes there, so that `--json -` output stays
 * one JSON document a pipe can parse.
 */
export function humanStream(json: string | undefined): NodeJS.WritableStream {
  return json === STDOUT ? process.stderr : process.stdout;
}

/**
 * An output path must name a file in a folder that exists and that we may write in ('-' is stdout). Every
 * command checks its outputs, stores included, with this before it loads data or starts work.
 */
export async function checkOutputPath(flag: string, path: string | undefined): Promise<void> {
  if (path === undefined || (flag === '--json' && path === STDOUT)) return;
  // An empty value (an unset shell variable) would otherwise write nothing and say nothing.
  if (path.trim() === '') throw new CliError(`${flag} "": give a file name`);
  // '-' is standard output for --json only (the tables go there already); elsewhere it would be a file named '-'.
  if (path === STDOUT) {
    throw new CliError(
      `${flag} -: '-' (standard output) is for --json only; give ${flag} a file name (e.g. ${exampleFile(flag)}), or ./- for a file so named`,
    );
  }
  // `--json --quiet` would take the next flag as its file name and write a file called --quiet.
  if (/^--?[a-z]/i.test(path)) {
    throw new CliError(
      `${flag} ${path}: ${flag} takes a file name, and ${path} looks like the next flag; give the file first (${exampleFile(flag)} ${path}), or ./${path} for a file so named`,
    );
  }
  // The folder rule every written path follows, stores included (one home: src/store/output-folder.ts).
  const problem = outputPathProblem(path);
  if (problem) throw new CliError(`${flag} ${path}: ${problem}`);
}

/**
 * A store path (`--db`, `live.stateDb`) is checked as every output is, and besides: the store file (or its -wal
 * or -shm) must be writable by this user, before any data is read or any venue is asked. A read-only store is
 * refused with exit 1, as when it is opened (src/store/output-folder.ts checkStorePath).
 */
export async function checkStorePathEarly(flag: string, path: string | undefined): Promise<void> {
  await checkOutputPath(flag, path);
  const problem = path === undefined ? null : storeFileProblem(path, flag);
  if (problem) throw new CliError(`${flag} ${path}: ${problem}.`, EXIT.failed);
}

/**
 * The name of the live store's path as the user gave it, for every message about that file: the `--db` flag
 * when it was typed, else the config key `live.stateDb` (config file, environment or default).
 */
export function stateDbOption(db: string | undefined): '--db' | 'live.stateDb' {
  return db !== undefined ? '--db' : 'live.stateDb';
}

/** A file name fit for what each output writes, to suggest one in a refusal; JSON for the others. */
const EXAMPLE_FILES: readonly (readonly [RegExp, string])[] = [
  [/^--db\b|stateDb$/, 'state.sqlite'],
  [/^--report\b/, 'report.html'],
  [/^--markdown\b/, 'out.md'],
  [/^--out-meta\b/, 'best.meta.json'],
  [/^--out\b/, 'best.json'],
  [/_LOG$/, 'worksteal.log'],
];

/** That file name written as the output is given: `--report report.html`, `WORKSTEAL_LOG=worksteal.log`. */
function exampleFile(flag: string): string {
  const name = EXAMPLE_FILES.find(([pattern]) => pattern.test(flag))?.[1] ?? 'out.json';
  if (flag.startsWith('--')) return `${flag.split(' ')[0]} ${name}`;
  if (/^[A-Z_]+$/.test(flag)) return `${flag}=${name}`;
  return `${flag}: ${name}`;
}

/** Write an output file; a failure names the flag, the path and the reason instead of a stack trace. */
export async function writeOutput(flag: string, path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError(`${flag} ${path}: could not write the file (${code}); choose another path`);
  }
}

/** Write `--json <file>`: pretty-printed to stdout for '-', compact to a file (results can be large). */
export async function writeJsonOutput(
  path: string,
  value: unknown,
  encode?: (value: unknown) => string,
): Promise<void> {
  if (path === STDOUT) {
    process.stdout.write(`${encode ? encode(value) : JSON.stringify(value, null, 2)}\n`);
    return;
  }
  await writeOutput('--json', path, `${encode ? encode(value) : JSON.stringify(value)}\n`);
}

/**
 * A renamed flag that still works for now: hidden from help, and a one-line note on stderr when used.
 * The action reads the new name; `takeDeprecated` copies the old value over.
 */
export function deprecatedAlias(command: Command, old: string, current: string, valueName = ''): Command {
  const flag = valueName ? `${old} <${valueName}>` : old;
  return command.addOption(new Option(flag, `deprecated: use ${current}`).hideHelp());
}

/** Move a deprecated flag's value onto its new key, with the note; both given is a usage mistake. */
export function takeDeprecated<T extends object>(
  opts: T,
  oldKey: keyof T,
  newKey: keyof T,
  oldFlag: string,
  newFlag: string,
): void {
  if (opts[oldKey] === undefined) return;
  if (opts[newKey] !== undefined)
    throw new CliError(`${oldFlag} and ${newFlag} are the same flag; give only ${newFlag}`);
  process.stderr.write(`note: ${oldFlag} is deprecated; use ${newFlag} (same meaning)\n`);
  opts[newKey] = opts[oldKey];
  delete opts[oldKey];
}
