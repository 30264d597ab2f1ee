import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { cliEntry } from './built-cli.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** This process's environment without any WORKSTEAL_* setting, plus `env`, with colour off. */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WORKSTEAL_')));
  return { ...clean, NO_COLOR: '1', ...env };
}

/** Run the CLI to its end, with a clean WORKSTEAL_* environment. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = ROOT): CliResult {
  const r = spawnSync(process.execPath, [...cliEntry(), ...args], {
    cwd,
    env: cliEnv(env),
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Start the CLI and return the process, for tests that signal it or read it while it runs. `fromSource`: see
 * cliEntry.
 */
export function spawnCli(
  args: string[],
  env: Record<string, string> = {},
  { fromSource = false }: { fromSource?: boolean } = {},
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [...cliEntry(fromSource), ...args], {
    cwd: ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * The URL a `worksteal serve` child prints in its "serving" line, once it does; rejected with everything the
 * child printed if it exits first.
 */
export function servingUrl(child: ChildProcessByStdio<null, Readable, Readable>): Promise<string> {
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"event":"serving","url":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}${out}`)));
  });
}
