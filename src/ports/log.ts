import { appendFileSync } from 'node:fs';

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogSink {
  write(line: string): void;
}

/**
 * Values that must never reach any output, registered once for the whole process (API keys, the bearer
 * token): the logger and the CLI's error printer both redact through `redact`, the one place where text
 * becomes output. Short values are ignored as too noisy to match.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) secrets.add(value);
}

/** `scheme://user:password@` in any URL (a webhook or proxy URL with credentials). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
/** A header echoed back by a venue or proxy: its name, then the value (quoted or not). */
const SECRET_HEADER =
  /\b(apca-api-key-id|apca-api-secret-key|authorization|x-api-key)(\\?["']?\s*[:=]\s*\\?["']?)(?:bearer\s+|basic\s+)?[^\s"'\\,;}]+/gi;

/** The text with every registered secret, URL credential and echoed secret header replaced by [redacted]. */
export function redact(text: string): string {
  let out = text.replace(URL_CREDENTIALS, '$1[redacted]@').replace(SECRET_HEADER, '$1$2[redacted]');
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}

/**
 * Structured log: one JSON object per line on stdout (and appended to a file when WORKSTEAL_LOG names one).
 * Every line passes through `redact`, as a last line of defence: the code never puts a key in a log field,
 * and if it ever did (or an error message carried one), the value would still not reach the output.
 */
export class Logger {
  constructor(
    private readonly sinks: LogSink[] = [stdoutSink],
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** A value that must never appear in any output line (API keys); see `registerSecret`. */
  addSecret(value: string | undefined): void {
    registerSecret(value);
  }

  redact(text: string): string {
    return redact(text);
  }

  info(event: string, fields: Record<string, unknown> = {}): void {
    this.emit('info', event, fields);
  }

  warn(event: string, fields: Record<string, unknown> = {}): void {
    this.emit('warn', event, fields);
  }

  error(event: string, fields: Record<string, unknown> = {}): void {
    this.emit('error', event, fields);
  }

  private emit(level: LogLevel, event: string, fields: Record<string, unknown>): void {
    const line = this.redact(
      JSON.stringify({ t: new Date(this.wallNow()).toISOString(), level, event, ...fields }, replacer),
    );
    for (const sink of this.sinks) sink.write(line);
  }
}

/** Errors become their message (never a request object, which could hold headers). */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

export const stdoutSink: LogSink = { write: (line) => process.stdout.write(`${line}\n`) };

export function fileSink(path: string): LogSink {
  return { write: (line) => appendFileSync(path, `${line}\n`) };
}

/** A command's logger: stdout, and the file WORKSTEAL_LOG names when it is set. */
export function commandLogger(env: Readonly<Record<string, string | undefined>>): Logger {
  return new Logger(env.WORKSTEAL_LOG ? [stdoutSink, fileSink(env.WORKSTEAL_LOG)] : [stdoutSink]);
}

/** For tests and embedding: keep lines in memory. */
export class MemorySink implements LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}
