import pc from 'picocolors';
import { printable, ValidationError } from '../core/errors.js';
import type { PortInUseError } from '../live/http.js';
import { redact } from '../ports/log.js';
import { LIBRARY_REPAIR, repairAdvice } from '../marketdata/errors.js';

/** Exit codes that mean something (docs/cli.md "Exit codes"). */
export const EXIT = { ok: 0, failed: 1, badInput: 2, interrupted: 130 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    // Messages quote flags and names the user typed: control characters are shown, never obeyed.
    super(printable(message));
    this.name = 'CliError';
  }
}

/**
 * A port another process listens on: the machine is busy, the input is fine, so it exits 1 as a store another
 * process holds does (docs/cli.md, exit codes). `serve` and `run` say it in these words.
 */
export function portInUse(error: PortInUseError): CliError {
  return new CliError(
    `live.http: port ${error.port} on ${error.host} is in use by another process; stop it, or choose ` +
      'another port with --port or live.http.port (0 picks a free one)',
    EXIT.failed,
  );
}

/** How a CLI user asks for repair: every command that reads bar files takes the flag. */
const CLI_REPAIR = 'add --repair';

/**
 * An error in the words of the command line: the loader advises a library caller to load with onBadData:
 * 'repair' (shared code, which knows no flags); a CLI user types --repair. The sentence is the loader's own
 * (repairAdvice), replaced whole, so nothing else is touched.
 */
export function cliWords(message: string): string {
  return message.replaceAll(repairAdvice(LIBRARY_REPAIR), repairAdvice(CLI_REPAIR));
}

/**
 * Print an error a person can act on, without a stack trace for anything that is the input's fault. Every
 * word passes through `redact`: an error may carry what a venue echoed back (its keys among it).
 */
export function reportError(error: unknown): number {
  const write = (text: string): boolean => process.stderr.write(redact(cliWords(text)));
  if (error instanceof ValidationError || error instanceof CliError) {
    write(`${pc.red('error')}: ${error.message}\n`);
    return error instanceof CliError ? error.exitCode : EXIT.badInput;
  }
  const named = error as { name?: string; message?: string; exitCode?: number };
  if (named?.name === 'StoreFileError') {
    // A store that is locked, damaged or too new (src/store/errors.ts): the message says what to do.
    write(`${pc.red('error')}: ${named.message}\n`);
    return named.exitCode ?? EXIT.failed;
  }
  if (named?.name === 'DataError') {
    write(`${pc.red('error')}: ${named.message}\n`);
    return EXIT.badInput;
  }
  write(`${pc.red('internal error')}: ${(error as Error)?.stack ?? String(error)}\n`);
  process.stderr.write(
    'This is a bug in worksteal, not in your input; please report it with the command you ran.\n',
  );
  return EXIT.failed;
}
