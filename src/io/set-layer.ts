/**
 * A configuration value typed on the command line, `key=value` (`--set sim.slippageBps=5`, compare's
 * `--variant protectionPct=0.004`), as a config layer named after the flag that gave it: the value is typed
 * like the default config's value at that key, and the one config schema validates it with every other layer.
 */
import { DEFAULT_CONFIG } from '../core/config/presets.js';
import { parseDecimal } from '../core/decimal.js';
import { ValidationError } from '../core/errors.js';

export interface ConfigLayer {
  source: string;
  values: Record<string, unknown>;
}

const bad = (where: string, message: string, value: unknown): ValidationError =>
  new ValidationError('Invalid configuration', [{ where, message, value }]);

/** The default config's value at a dotted path, to type a `--set` value (undefined: not a known key). */
function templateAt(path: readonly string[]): unknown {
  let v: unknown = DEFAULT_CONFIG;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/** A `--set` value in the type the key has (numbers as decimals, booleans in the usual spellings). */
function typedValue(where: string, raw: string, template: unknown): unknown {
  if (typeof template === 'boolean' || (template === undefined && /^(true|false)$/i.test(raw))) {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    throw bad(where, 'must be true or false (or 1/0, yes/no, on/off)', raw);
  }
  if (typeof template === 'number' || (template === undefined && !Number.isNaN(parseDecimal(raw)))) {
    const n = parseDecimal(raw);
    if (Number.isNaN(n)) throw bad(where, 'must be a decimal number, e.g. 0.002', raw);
    return n;
  }
  if (template === null && raw === 'null') return null;
  if (template === null && !Number.isNaN(parseDecimal(raw))) return parseDecimal(raw);
  return raw;
}

/** `sim.slippageBps=5` → `{ sim: { slippageBps: 5 } }`, named after the flag that gave it. */
export function setLayer(text: string, flag: string): ConfigLayer {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq).trim() : '';
  if (eq <= 0 || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(key)) {
    throw bad(
      flag,
      'must be key=value, the key as in a config file with dots for nesting (e.g. sim.slippageBps=5)',
      text,
    );
  }
  const path = key.split('.');
  const value = typedValue(`${flag} ${key}`, text.slice(eq + 1).trim(), templateAt(path));
  const values: Record<string, unknown> = {};
  let target = values;
  path.forEach((seg, i) => {
    if (i === path.length - 1) target[seg] = value;
    else target = (target[seg] = {}) as Record<string, unknown>;
  });
  return { source: `${flag} ${text}`, values };
}
