import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { ValidationError } from '../core/errors.js';
import { readFailure, readRegularFile } from './regular-file.js';

type Yaml = typeof import('yaml');
let yamlModule: Yaml | null = null;

/**
 * The YAML parser, loaded on the first YAML document: it is the largest module a simulation would load, and
 * most runs read JSON or no file at all.
 */
function yaml(): Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as Yaml);
}

/** Read a JSON or YAML document; a missing file or a syntax error names the file, line and what to do. */
export async function readStructuredFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = (await readRegularFile(path)).toString('utf8');
  } catch (error) {
    throw new ValidationError(`Cannot read ${path}`, [
      { where: path, message: `${readFailure(error)}; check the path` },
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
  const { parse, YAMLParseError } = yaml();
  try {
    // YAML is a superset of JSON, so anything that is not .json goes through the YAML parser.
    return parse(text, { prettyErrors: true }) as unknown;
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos ? `${source}:${error.linePos[0].line}` : source;
    throw new ValidationError(`Cannot parse ${source}`, [
      { where, message: `is not valid YAML: ${(error as Error).message.split('\n')[0]}` },
    ]);
  }
}
