/**
 * The CLI run in this process, as src/cli/main.ts runs it (runProgram), for tests
 * that need no child process: stdout and stderr are captured, `process.argv` is the command line (what
 * `invocation()` records), the WORKSTEAL_* environment is only `env`, and all three and the exit code are
 * put back afterwards.
 */
import { vi } from 'vitest';
import { runProgram } from '../../src/cli/program.js';
import type { CliResult } from './cli.js';

export async function runInProcess(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const savedArgv = process.argv;
  const savedEnv = { ...process.env };
  const savedExit = process.exitCode;
  for (const key of Object.keys(process.env)) if (key.startsWith('WORKSTEAL_')) delete process.env[key];
  Object.assign(process.env, { NO_COLOR: '1' }, env);
  let stdout = '';
  let stderr = '';
  const capture =
    (append: (s: string) => void) =>
    (chunk: string | Uint8Array): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture((s) => (stdout += s)));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture((s) => (stderr += s)));
  process.argv = [savedArgv[0]!, 'worksteal', ...args];
  process.exitCode = undefined;
  try {
    return { code: await runProgram(process.argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.argv = savedArgv;
    process.exitCode = savedExit;
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
}
