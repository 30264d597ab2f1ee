/**
 * Commander's usage errors, said so a person can act on them in every command: the arguments that were not
 * taken are named, and a bare `--json` suggests `--json -` for standard output. Exit 2 as before.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const SCENARIO = 'examples/scenario-steal.json';

describe('usage errors name what to change', () => {
  it('a second value after a one-value flag: the extra argument is named, with the likely cause', () => {
    const r = runCli(['explain', '--scenario', SCENARIO, 'examples/scenario-value.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: too many arguments for 'explain': "examples/scenario-value.json" is not taken (it takes no ` +
        `arguments); a flag takes one value unless its help shows "..." after it (e.g. --data <paths...>)`,
    );
  });

  it('many extra arguments: the first three are quoted, the rest counted', () => {
    const r = runCli(['explain', '--scenario', SCENARIO, 'a', 'b', 'c\u001b[31m', 'd', 'e']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`'explain': "a", "b", "c\\u001b[31m" and 2 more are not taken`);
    expect(r.stderr).not.toContain('\u001b');
  });

  for (const args of [
    ['explain', '--scenario', SCENARIO, '--json'],
    ['config', 'check', '--json'],
  ]) {
    it(`${args.join(' ')}: the file is missing, and - (stdout) is suggested`, () => {
      const r = runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `error: option '--json <file>' argument missing: give a file name, or - for standard output (--json -)`,
      );
    });
  }

  it('other usage errors keep their words', () => {
    const r = runCli(['simulate', '--data']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: option '--data <paths\.\.\.>' argument missing\n/);
  });
});
