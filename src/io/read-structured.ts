import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ValidationError } from '../core/errors.js';

/** Read a JSON or YAML document; a missing file or a syntax error names the file, line and what to do. */
export async function readStructuredFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ValidationError(`Cannot read ${path}`, [
      {
        where: path,
        message:
          code === 'ENOENT' ? 'file not found; check the path' : `cannot be read (${code ?? String(error)})`,
      },
    ]);
  }
  return parseStructured(text, path);
}

export function parseStructured(text: string, source: string): unknown {
  const ext = extname(source).toLowerCase();
  if (ext === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ValidationError(`Cannot parse ${source}`, [
        { where: source, message: `is not valid JSON: ${(error as Error).message}` },
      ]);
    }
  }
  try {
    // YAML is a superset of JSON, so anything that is not .json goes through the YAML parser.
    return parseYaml(text, { prettyErrors: true }) as unknown;
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos ? `${source}:${error.linePos[0].line}` : source;
    throw new ValidationError(`Cannot parse ${source}`, [
      { where, message: `is not valid YAML: ${(error as Error).message.split('\n')[0]}` },
    ]);
  }
}
