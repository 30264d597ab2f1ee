/**
 * Content hashes for resumable and distributed evaluation. An evaluation is identified by what decides its
 * result (the parameters, the data, the base configuration, the folds, the score and the code), never by
 * when or where it ran, so a restarted or remote run finds work already done.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * JSON with object keys sorted at every level, so equal values always hash equally. Non-finite numbers are
 * refused: JSON would write them as null and two different inputs would collide.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, '$'));
}

function sortKeys(value: unknown, path: string): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TypeError(`canonicalJson: ${path} is ${value}, not a finite number`);
    return Object.is(value, -0) ? 0 : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => sortKeys(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v, `${path}.${key}`);
    }
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const hashOf = (value: unknown): string => sha256(canonicalJson(value));

/**
 * The folders whose code decides an evaluation's result (relative to src/ or dist/): what the objective
 * runs (the simulator calls into session for entries, exits, deleveraging and valuation) and what turns a
 * file into the bars it is given (marketdata, and io's file reader). A test follows the imports to keep
 * this list complete.
 */
export const RESULT_CODE: readonly string[] = [
  'core',
  'coordinator',
  'session',
  'sim',
  'marketdata',
  'io',
  'optimizer/objective',
];
const CODE_FILE = /\.(ts|js)$/;
const NOT_CODE = /\.d\.ts$/;

function listCode(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listCode(path);
    return CODE_FILE.test(name) && !NOT_CODE.test(name) ? [path] : [];
  });
}

let cachedVersion: string | undefined;

/**
 * `<package version>+<hash of the code that computes results>`. The package version alone would not do:
 * during development the simulator changes without a version bump, and an evaluation stored by older code
 * must not be taken for a result of the new code. Source (tsx) and compiled (dist) code hash differently, so
 * every machine of a distributed run must run the same build; the worker says so when they differ.
 */
export function codeVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  const here = dirname(fileURLToPath(import.meta.url)); // <root>/src/optimizer or <root>/dist/optimizer
  const codeRoot = dirname(here);
  const pkg = JSON.parse(readFileSync(join(codeRoot, '..', 'package.json'), 'utf8')) as { version: string };
  const h = createHash('sha256');
  const files = RESULT_CODE.flatMap((d) => listCode(join(codeRoot, d))).sort();
  for (const file of files) {
    h.update(relative(codeRoot, file));
    h.update('\0');
    h.update(readFileSync(file));
    h.update('\0');
  }
  cachedVersion = `${pkg.version}+${h.digest('hex').slice(0, 16)}`;
  return cachedVersion;
}
