import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI from source, as a user would run the built one, with a clean WORKSTEAL_* environment. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = ROOT): CliResult {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WORKSTEAL_')));
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}src/cli/main.ts`, ...args], {
    cwd,
    env: { ...clean, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
