import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerConfig } from './commands/config.js';
import { registerData } from './commands/data.js';
import { registerExplain } from './commands/explain.js';
import { registerOptimize } from './commands/optimize.js';
import { registerRun } from './commands/run.js';
import { registerSimulate } from './commands/simulate.js';
import { registerStart } from './commands/start.js';
import { registerWorker } from './commands/worker.js';
import { reportError } from './errors.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('worksteal')
    .description('Capacity-aware work stealing for limit-order trading bots')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();
  registerConfig(program);
  registerExplain(program);
  registerSimulate(program);
  registerData(program);
  registerStart(program);
  registerRun(program);
  registerOptimize(program);
  registerWorker(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    const code = (error as { code?: string; exitCode?: number }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // Help and version exit 0; usage mistakes exit 2.
      const exit = (error as { exitCode: number }).exitCode;
      return exit === 0 ? 0 : 2;
    }
    return reportError(error);
  }
}

process.exitCode = await main(process.argv);
