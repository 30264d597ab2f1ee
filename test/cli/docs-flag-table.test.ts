/**
 * docs/cli.md's flag table ("one name for one thing") names, for each flag, the commands that take it: every
 * command it names must really accept the flag (`--preset` was listed for explain and data import, which
 * answered "unknown option"), and every command that accepts it is named.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

/** Every command with its full name ("data import"). */
function walk(command: Command, prefix: string[] = []): Map<string, Command> {
  const out = new Map<string, Command>();
  for (const c of command.commands) {
    const path = [...prefix, c.name()];
    out.set(path.join(' '), c);
    for (const [name, sub] of walk(c, path)) out.set(name, sub);
  }
  return out;
}

/** The rows of the table under "## Flags": flags of the second column, command names of the third. */
function flagRows(): { flags: string[]; commands: string[] }[] {
  const text = readFileSync('docs/cli.md', 'utf8');
  const section = text.slice(text.indexOf('## Flags'), text.indexOf('Renamed flags'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| thing'))
    .map((line) => {
      const [, flags = '', commands = ''] = line.split(' | ');
      // "every command that loads bars: simulate, …" lists after the colon.
      const list = commands.replace(/ \|$/, '').split(': ').pop()!;
      return {
        flags: [...flags.matchAll(/`(--[a-z-]+)/g)].map((m) => m[1]!),
        commands: list.split(', ').map((c) => c.trim()),
      };
    });
}

describe('docs/cli.md flag table', () => {
  it('lists a flag only for commands that accept it', async () => {
    const commands = walk(await buildProgram());
    const rows = flagRows();
    expect(rows.length).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (const { flags, commands: names } of rows) {
      for (const name of names) {
        const command = commands.get(name);
        if (!command) {
          wrong.push(`${name}: no such command`);
          continue;
        }
        for (const flag of flags) {
          if (!accepts(command, flag)) wrong.push(`${name} ${flag}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lists every command that accepts a flag (serve --data, data import --json were missing)', async () => {
    const commands = walk(await buildProgram());
    const missing: string[] = [];
    for (const { flags, commands: names } of flagRows()) {
      for (const flag of flags) {
        for (const [name, command] of commands) {
          // A renamed flag kept for a while is hidden from --help (data import --source): not listed.
          if (accepts(command, flag, { visibleOnly: true }) && !names.includes(name))
            missing.push(`${name} ${flag}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

/** Whether a command takes a flag (`--no-cache` is commander's `--no-cache` or the negation of `--cache`). */
function accepts(command: Command, flag: string, { visibleOnly = false } = {}): boolean {
  return command.options.some(
    (o) => (o.long === flag || o.long === flag.replace(/^--no-/, '--')) && !(visibleOnly && o.hidden),
  );
}
