/** Characters a shell takes as they are: anything else is quoted. */
const PLAIN = /^[\w@%+=:,./-]+$/u;

/**
 * One word as a POSIX shell would read it back: bare when plain, else in single quotes. The one rule for
 * every command worksteal prints to be pasted (the recorded command line, a suggested command, a `mkdir -p`).
 */
export function shellWord(word: string): string {
  return PLAIN.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
