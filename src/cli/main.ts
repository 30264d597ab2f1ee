import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { reportError } from './errors.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

type Register = (program: Command) => void;

/**
 * Every command, in help order, with the module that registers it. A run loads only the module of the
 * command it names: the optimizer's queue and pool or the live runtime's server cost a simulation nothing.
 */
const COMMANDS: readonly { name: string; load: () => Promise<Register> }[] = [
  { name: 'config', load: async () => (await import('./commands/config.js')).registerConfig },
  { name: 'explain', load: async () => (await import('./commands/explain.js')).registerExplain },
  { name: 'simulate', load: async () => (await import('./commands/simulate.js')).registerSimulate },
  { name: 'data', load: async () => (await import('./commands/data.js')).registerData },
  { name: 'start', load: async () => (await import('./commands/start.js')).registerStart },
  { name: 'run', load: async () => (await import('./commands/run.js')).registerRun },
  { name: 'serve', load: async () => (await import('./commands/serve.js')).registerServe },
  { name: 'optimize', load: async () => (await import('./commands/optimize.js')).registerOptimize },
  { name: 'worker', load: async () => (await import('./commands/worker.js')).registerWorker },
];

/** The program with the named command, or with all of them (root help, `help`, an unknown name). */
export async function buildProgram(commandName?: string): Promise<Command> {
  const program = new Command();
  program
    .name('worksteal')
    .description('Capacity-aware work stealing for limit-order trading bots')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();
  if (commandName === '--version' || commandName === '-V') return program;
  const named = COMMANDS.filter((c) => c.name === commandName);
  for (const c of named.length ? named : COMMANDS) (await c.load())(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv[2]);
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

// Output piped into a reader that stops early (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
