import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cliEntry } from './built-cli.js';
import { ROOT } from './cli.js';

/**
 * `worksteal run` in a child process (as test/support/cli.ts runs the CLI), with its stdout
 * read line by line: tests wait for a log event, then act (call HTTP, kill, signal).
 */
export class RunChild {
  readonly lines: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();

  constructor(args: string[], env: Record<string, string>) {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('WORKSTEAL_') && !/^(ALPACA|APCA)_/.test(k)),
    );
    this.child = spawn(process.execPath, [...cliEntry(), 'run', ...args], {
      cwd: ROOT,
      env: { ...clean, NO_COLOR: '1', WORKSTEAL_CACHE_DIR: join(ROOT, '.cache', 'worksteal-test'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      for (const w of this.waiters) w();
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    void this.exited.then(() => {
      for (const w of this.waiters) w();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Parsed JSON log lines (stdout holds nothing else). */
  events(): Record<string, unknown>[] {
    return this.lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** The first log event matching, waiting for it; fails with the child's output if it exits first. */
  waitForEvent(
    match: (e: Record<string, unknown>) => boolean,
    timeoutMs = 60_000,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      let exited = false;
      void this.exited.then(() => (exited = true));
      const check = (): void => {
        const found = this.events().find(match);
        if (found) {
          done();
          resolve(found);
        } else if (exited || this.child.exitCode !== null || this.child.signalCode !== null) {
          done();
          reject(
            new Error(
              `worksteal exited before the awaited event.\nstdout tail:\n${this.lines.slice(-15).join('\n')}\nstderr:\n${this.stderr.join('\n')}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `timed out waiting for an event.\nstdout tail:\n${this.lines.slice(-15).join('\n')}\nstderr:\n${this.stderr.join('\n')}`,
          ),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}
