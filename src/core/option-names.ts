/**
 * The options objects of the public functions and constructors: a key none of them takes (a misspelling:
 * `presets`, `startEmpty`, `ordrs`) would be ignored and the call would run on the defaults without a word,
 * so it is refused by name, with the closest option when one is close (src/core/similar.ts). The one home of
 * that rule: loadConfig, the coordinator, the in-memory broker and the library entry's functions all check
 * their options here. Pure: no I/O.
 */
import type { Issue } from './errors.js';
import { closestNames, didYouMean } from './similar.js';

/**
 * The option names of `T`, each given once as `name: true`: the compiler holds the list to the type (a name
 * left out, or one the type does not have, does not compile), so an option added to the type is never
 * refused as unknown.
 */
export function optionNames<T extends object>(names: { readonly [K in keyof Required<T>]: true }): string[] {
  return Object.keys(names);
}

/** `${where}.${key}`, or the key alone for a function's top-level argument (`where` ''). */
const at = (where: string, key: string): string => (where ? `${where}.${key}` : key);

/**
 * Each key of `options` that is none of `names`, at `${where}.${key}`, with the closest name when one is close
 * enough to be a misspelling of it. A key whose value is undefined is skipped: an option written out but not
 * set (`{ file: opts.file }`) changes nothing either way.
 */
export function unknownOptionIssues(options: object, names: readonly string[], where: string): Issue[] {
  const issues: Issue[] = [];
  // for…in, not Object.entries: decide() runs this on every call, and a known key should cost no allocation.
  for (const key in options) {
    if (names.includes(key) || !Object.hasOwn(options, key)) continue;
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const guess = didYouMean(
      closestNames(
        key,
        names.map((name) => ({ label: name, name })),
      ),
    );
    issues.push({
      where: at(where, key),
      message: `is not an option${guess ? ` (${guess})` : ''}; the options are ${names.join(', ')}`,
      value,
    });
  }
  return issues;
}

/** Options checked by name and value: what each must be (`ok`), and how to say it (`must be ${fix}`). */
export type OptionChecks = Readonly<Record<string, { ok: (value: unknown) => boolean; fix: string }>>;

/**
 * An options object (absent: `{}`) whose every key is one of `checks` and whose every value passes its check:
 * an issue per unknown key (unknownOptionIssues) and per value that does not.
 */
export function checkedOptionIssues(options: unknown, checks: OptionChecks, where = 'options'): Issue[] {
  const names = Object.keys(checks);
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    return [{ where, message: `must be an object { ${names.join(', ')} }, or absent`, value: options }];
  const issues = unknownOptionIssues(options, names, where);
  for (const [key, value] of Object.entries(options)) {
    const check = checks[key];
    if (value !== undefined && check && !check.ok(value))
      issues.push({ where: at(where, key), message: `must be ${check.fix}`, value });
  }
  return issues;
}
