import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

/** Every command in the program, depth first, with its full name ("data import"). */
function walk(command: Command, prefix: string[] = []): { name: string; command: Command }[] {
  return command.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return [{ name: path.join(' '), command: c }, ...walk(c, path)];
  });
}

/** The help screen as `--help` prints it, including the text added after it. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe('every --help screen', () => {
  it('has an Examples: section with at least one worksteal or npm command line', async () => {
    const program = await buildProgram();
    const commands = [{ name: 'worksteal', command: program }, ...walk(program)];
    // The walk must see the commands and their subcommands, not an empty program.
    expect(commands.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'config',
        'config check',
        'data',
        'data import',
        'simulate',
        'optimize',
        'worker',
      ]),
    );
    const missing = commands.filter(({ command }) => {
      const after = helpOf(command).split('\nExamples:\n')[1];
      return !after || !/^ {2}\S*.*\b(worksteal|npm start)\b/m.test(after);
    });
    expect(missing.map((c) => c.name)).toEqual([]);
  });

  it('shows no deprecated alias (they still work, with a note)', async () => {
    const program = await buildProgram();
    for (const { name, command } of walk(program)) {
      expect(helpOf(command), name).not.toMatch(/deprecated/);
    }
  });
});
