import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { CliError, reportError } from './errors.js';
import { UsageCommand } from './usage-errors.js';

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
  { name: 'compare', load: async () => (await import('./commands/compare.js')).registerCompare },
  { name: 'optimize', load: async () => (await import('./commands/optimize.js')).registerOptimize },
  { name: 'worker', load: async () => (await import('./commands/worker.js')).registerWorker },
];

/** The program with the named command, or with all of them (root help, `help`, an unknown name). */
export async function buildProgram(commandName?: string): Promise<Command> {
  const program = new UsageCommand();
  program
    .name('worksteal')
    .description('Capacity-aware work stealing for limit-order trading bots')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nConventions (flags, --json, exit codes): docs/cli.md\n\nExamples:\n  worksteal start\n  worksteal simulate --benchmark crypto --report report.html\n  worksteal explain --scenario examples/scenario-steal.json\n  worksteal <command> --help',
    )
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();
  if (commandName === '--version' || commandName === '-V') return program;
  const named = COMMANDS.filter((c) => c.name === commandName);
  for (const c of named.length ? named : COMMANDS) (await c.load())(program);
  refuseRepeatedValues(program);
  return program;
}

/** Run the command `argv` names (node, script, then the arguments) and return its exit code. */
export async function runProgram(argv: string[]): Promise<number> {
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

/**
 * A flag that takes one value, given twice with different values (`--from 2024-01-01 … --from 2024-02-01`):
 * commander keeps the last without a word, so a script that appends a flag to a command line silently
 * overrides the one before it. Repeatable flags (`--set`, `--variant`) and lists (`--data a b`) are exempt.
 */
function refuseRepeatedValues(command: Command): void {
  for (const option of command.options) {
    if (option.variadic || option.parseArg || !(option.required || option.optional)) continue;
    let first: unknown;
    command.on(`option:${option.name()}`, (value: unknown) => {
      if (first === undefined) first = value;
      else if (value !== first) {
        throw new CliError(
          `${option.long ?? option.flags} is given twice (${JSON.stringify(first)} and ${JSON.stringify(value)}); give it once`,
        );
      }
    });
  }
  for (const sub of command.commands) refuseRepeatedValues(sub);
}
