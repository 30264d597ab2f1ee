import { appendFileSync } from 'node:fs';

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogSink {
  write(line: string): void;
}

/**
 * Structured log: one JSON object per line on stdout (and appended to a file when WORKSTEAL_LOG names one).
 * Every line passes through redaction of the registered secret values, as a last line of defence: the code
 * never puts a key in a log field, and if it ever did, the value would still not reach the output.
 */
export class Logger {
  private readonly secrets: string[] = [];

  constructor(
    private readonly sinks: LogSink[] = [stdoutSink],
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** Values that must never appear in any output line (API keys). Short values are ignored as too noisy. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 6 && !this.secrets.includes(value)) this.secrets.push(value);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('[redacted]');
    return out;
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

/** For tests and embedding: keep lines in memory. */
export class MemorySink implements LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}
