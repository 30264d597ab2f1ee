/**
 * Commander's usage errors, said so a person can act on them, for every command at once: the subclass is
 * the program and, through createCommand, every command and subcommand registered on it. Only the message
 * changes; the error's code and exit handling stay commander's (src/cli/main.ts maps them to exit 2).
 */
import { Command } from 'commander';
import { printable } from '../core/errors.js';
import { STDOUT } from './output.js';

/** At most this many unexpected arguments are quoted; the rest are counted. */
const SHOWN = 3;

export class UsageCommand extends Command {
  override createCommand(name?: string): Command {
    return new UsageCommand(name);
  }

  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    return super.error(usageMessage(this, message, errorOptions?.code), errorOptions);
  }
}

/** The message for a commander error `code` in `command`; unchanged for the codes not reworded here. */
export function usageMessage(command: Command, message: string, code: string | undefined): string {
  if (code === 'commander.excessArguments') return excessArguments(command);
  // `--json` at the end of the line: the file is missing, and `-` (stdout) is what was probably meant.
  if (code === 'commander.optionMissingArgument' && /^error: option '--json[ '=<]/.test(message)) {
    return `${message}: give a file name, or ${STDOUT} for standard output (--json ${STDOUT})`;
  }
  return message;
}

/**
 * "too many arguments … got 1" named nothing: say which words were not taken, and the usual cause, a flag
 * given more values than it takes (`--scenario a.json b.json`).
 */
function excessArguments(command: Command): string {
  const expected = command.registeredArguments.length;
  const extra = command.args.slice(expected);
  const quoted = extra.slice(0, SHOWN).map((a) => printable(JSON.stringify(a)));
  const more = extra.length > SHOWN ? ` and ${extra.length - SHOWN} more` : '';
  const where = command.parent ? ` for '${command.name()}'` : '';
  const takes =
    expected === 0
      ? 'it takes no arguments'
      : `it takes ${command.registeredArguments.map((a) => `<${a.name()}>`).join(' ')}`;
  return (
    `error: too many arguments${where}: ${quoted.join(', ')}${more} ${extra.length === 1 ? 'is' : 'are'} not taken (${takes}); a flag takes ` +
    `one value unless its help shows "..." after it (e.g. --data <paths...>)`
  );
}
