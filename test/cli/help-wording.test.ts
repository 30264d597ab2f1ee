/**
 * Help text that said the wrong thing: --calendar "exchange sessions JSON" in simulate, compare and explain,
 * though a YAML sessions file works as well (docs/cli.md); `data list --json` ran its description into the
 * option's own suffix (`… editedAfterWrite {…} as JSON to <file>`).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const help = (...command: string[]): string => runCli([...command, '--help']).stdout.replace(/\s+/g, ' ');

describe('help wording', () => {
  it('--calendar takes JSON or YAML, in the same words on every command', () => {
    for (const command of ['simulate', 'compare', 'explain'])
      expect(help(command), command).toContain(
        '--calendar <file> exchange sessions file (JSON or YAML; docs/cli.md "The sessions file") instead of the built-in NYSE calendar (2000–2035)',
      );
  });

  it('data list --json says what it writes, then what an edited file’s entry holds', () => {
    expect(help('data', 'list')).toContain(
      "--json <file> write {dir, files, missing, untracked, broken, misfiled} as JSON to <file> ('-' for stdout). An entry of a file changed outside worksteal after it wrote it has editedAfterWrite {writtenAt, writtenSha256, noticedAt}",
    );
  });
});
