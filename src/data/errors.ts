/**
 * Errors of the data commands. Each carries the exit code the CLI should use (docs/cli.md "Exit codes": 1 a
 * failed run, 2 bad input) so that the command layer maps them without knowing every cause.
 */

export type DownloadErrorKind =
  /** No connection, DNS failure, timeouts, or transient failures that outlived the retries. */
  | 'network'
  /** The exchange answered with an error that retrying will not fix. */
  | 'exchange'
  | 'unknown-symbol'
  /** Missing or rejected API keys. */
  | 'auth'
  /** A bad option: source, timeframe, dates. */
  | 'usage'
  /** Stopped by the user (Ctrl-C). */
  | 'interrupted';

const EXIT_CODES: Record<DownloadErrorKind, number> = {
  network: 1,
  exchange: 1,
  'unknown-symbol': 2,
  auth: 2,
  usage: 2,
  interrupted: 130,
};

export class DownloadError extends Error {
  readonly exitCode: number;

  constructor(
    readonly kind: DownloadErrorKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DownloadError';
    this.exitCode = EXIT_CODES[kind];
  }
}

/** The data folder itself is in a state we will not write over: a corrupt manifest, a live lock. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
