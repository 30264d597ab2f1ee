import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { ValidationError } from '../core/errors.js';
import { readFailure, readRegularFile, TOO_LARGE } from './regular-file.js';

type Yaml = typeof import('yaml');
let yamlModule: Yaml | null = null;

/**
 * The YAML parser, loaded on the first YAML document: it is the largest module a simulation would load, and
 * most runs read JSON or no file at all.
 */
function yaml(): Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as Yaml);
}

/**
 * Read a JSON or YAML document; a missing file or a syntax error names the file, line and what to do.
 * `what` ("config file", "calendar file") says which of the command's files could not be read. `limit` refuses a
 * file above `maxBytes` before it is read, with `advice` (what to do instead) after the sizes; without it any
 * size is read (config and calendar files are small by nature and written by hand).
 */
export async function readStructuredFile(
  path: string,
  what?: string,
  limit?: { maxBytes: number; advice: string },
): Promise<unknown> {
  let text: string;
  try {
    text = (await readRegularFile(path, limit?.maxBytes)).toString('utf8');
  } catch (error) {
    const tooLarge = (error as NodeJS.ErrnoException).code === TOO_LARGE;
    throw new ValidationError(`Cannot read ${what ? `${what} ` : ''}${path}`, [
      { where: path, message: `${readFailure(error)}; ${tooLarge ? limit!.advice : 'check the path'}` },
    ]);
  }
  return parseStructured(text, path);
}

export function parseStructured(raw: string, source: string): unknown {
  // Windows editors save UTF-8 with a byte-order mark; JSON.parse refuses it with an error naming an
  // invisible character, so it is dropped here (the YAML parser already skips it).
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const ext = extname(source).toLowerCase();
  // An empty file (or YAML of comments alone) parses to nothing: say so, not "got null" or "end of input".
  const blank = text.trim() === '';
  const lines = text.split('\n').map((line) => line.trim());
  if (blank || (ext !== '.json' && lines.every((line) => line === '' || line.startsWith('#')))) {
    throw new ValidationError(`Cannot read ${source}`, [
      {
        where: source,
        message: `is empty${blank ? '' : ' (only comments)'}; write its content there, or give the path of another file`,
      },
    ]);
  }
  if (ext === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      const message = (error as Error).message;
      // Node says "at position 24"; an editor goes to a line and a column.
      const at = /at position (\d+)/.exec(message);
      const where = at ? `${source}:${lineColumn(text, Number(at[1]))}` : source;
      throw new ValidationError(`Cannot parse ${source}`, [
        { where, message: `is not valid JSON: ${message}` },
      ]);
    }
    const twice = duplicateJsonKey(text);
    if (twice) {
      throw new ValidationError(`Cannot parse ${source}`, [
        {
          where: `${source}:${twice.line}`,
          message: `key "${twice.key}" appears twice in one object, and JSON would silently keep only the last; remove one of them`,
        },
      ]);
    }
    return value;
  }
  const { parse, YAMLParseError } = yaml();
  try {
    // YAML is a superset of JSON, so anything that is not .json goes through the YAML parser.
    return parse(text, { prettyErrors: true }) as unknown;
  } catch (error) {
    const at = error instanceof YAMLParseError && error.linePos ? error.linePos[0] : null;
    // The parser's first line ends "at line L, column C:" before a code frame that is not shown; the
    // position goes where JSON's goes (file:line:column), so the message does not end on a dangling colon.
    const first = ((error as Error).message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new ValidationError(`Cannot parse ${source}`, [
      { where: at ? `${source}:${at.line}:${at.col}` : source, message: `is not valid YAML: ${first}` },
    ]);
  }
}

/**
 * The first key written twice in one object of valid JSON text, with the line of its second occurrence.
 * JSON.parse keeps the last value without a word, so `{"cooldownSec": 3600, "cooldownSec": 60}` would run
 * with 60 while the user reads 3600; YAML files are refused for the same thing by the YAML parser.
 */
export function duplicateJsonKey(text: string): { key: string; line: number } | null {
  // One entry per open object (its keys so far) or array (null); strings hold no raw newlines in valid JSON.
  const open: (Set<string> | null)[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '{') open.push(new Set());
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      let next = end + 1;
      while (next < text.length && /\s/.test(text[next] as string)) {
        if (text[next] === '\n') line++;
        next++;
      }
      const keys = open[open.length - 1];
      if (text[next] === ':' && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return { key, line };
        keys.add(key);
      }
      i = next - 1;
    }
  }
  return null;
}

/** `line:column` (both from 1) of a character offset in a text. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}
