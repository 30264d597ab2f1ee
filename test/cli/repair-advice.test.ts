/**
 * A file refused for bad rows told a CLI user to "load with --repair (onBadData: 'repair')": a library option
 * the command line has not. The CLI now says the flag alone and the library its option alone. simulate's
 * --help did not say that --repair also sorts rows out of order (start's did): the help is one text on every
 * command that takes --repair.
 */
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { barFileWriter, epochRows } from '../support/bar-files.js';
import { runCli } from '../support/cli.js';

const write = barFileWriter('worksteal-repair-advice-');
const WHAT =
  'drop bad rows and duplicates (keeping the first), move rows out of order to their place in time order and repair high/low, with every action listed in the quality report';

describe('--repair', () => {
  const rows = epochRows(30, String);
  const file = write(
    `timestamp,open,high,low,close,volume\n${[...rows, rows[5]!.replace(',10,', ',10.5,')].join('\n')}\n`,
  );

  it('the CLI advises the flag, the library its option', async () => {
    const r = runCli(['simulate', '--data', file, '--no-cache']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Fix the file, or add --repair to ${WHAT}.`);
    expect(r.stderr).not.toContain('onBadData');
    const refusal = await loadBars(file, { cacheDir: null }).catch((e: Error) => e.message);
    expect(refusal).toContain(`Fix the file, or load with onBadData: 'repair' to ${WHAT}.`);
    expect(refusal).not.toContain('--repair');
  });

  it('has one help text everywhere it is taken', () => {
    const commands = [
      ['simulate'],
      ['compare'],
      ['optimize'],
      ['explain'],
      ['start'],
      ['data', 'import'],
      ['run'],
      ['serve'],
    ];
    for (const command of commands) {
      const help = runCli([...command, '--help']).stdout.replace(/\s+/g, ' ');
      expect(help, command.join(' ')).toMatch(
        new RegExp(
          `--repair (replay: |with --data: )?${WHAT.replace(/[()]/g, '\\$&')}, instead of refusing the file`,
        ),
      );
    }
  });
});
