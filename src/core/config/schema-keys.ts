import type { z } from 'zod';
import { closestNames, type NameCandidate } from '../similar.js';

/**
 * Known keys of a strict zod schema, for "did you mean" on an unknown one. Generic over the schema: the
 * configuration and the explain scenario both use it, so a suggestion is never a second list of names that
 * drifts from the schema.
 */

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  /** A discriminated union: its options and the key whose literal value picks one. */
  options?: z.ZodType[];
  discriminator?: string;
  /** A literal's values (a union option's tag). */
  values?: unknown[];
}

const defOf = (node: z.ZodType): Def => (node as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under optional, nullable, default and preprocess wrappers. */
function unwrap(node: z.ZodType): z.ZodType {
  for (;;) {
    const def = defOf(node);
    if (def.innerType) node = def.innerType;
    else if (def.type === 'pipe' && def.in && def.out)
      node = defOf(def.in).type === 'transform' ? def.out : def.in;
    else return node;
  }
}

/** The schema of one child: an object's key, a record's value or an array's element, whatever the name. */
function child(node: z.ZodType, segment: string): z.ZodType | undefined {
  const def = defOf(unwrap(node));
  if (def.type === 'object')
    return def.shape && Object.hasOwn(def.shape, segment) ? def.shape[segment] : undefined;
  if (def.type === 'record') return def.valueType;
  if (def.type === 'array') return def.element;
  return undefined;
}

function objectKeys(node: z.ZodType): string[] {
  const def = defOf(unwrap(node));
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** Every object key of the tree with its path; records and arrays are user data, not walked. */
function allKeys(node: z.ZodType, prefix: string[] = []): string[][] {
  return objectKeys(node).flatMap((key) => {
    const path = [...prefix, key];
    return [path, ...allKeys(child(node, key)!, path)];
  });
}

/** The value at one key of a parsed body (undefined when there is none). */
const valueOf = (at: unknown, key: string): unknown =>
  typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;

/**
 * The keys the schema takes for the object at `path` of `value`, or null when that is not one object's. A
 * discriminated union's option is the one the value's own tag names (a service report's `kind`).
 */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[], value: unknown): string[] | null {
  let node: z.ZodType | undefined = schema;
  let at = value;
  let depth = 0;
  while (node) {
    const def = defOf(unwrap(node));
    if (def.options && def.discriminator) {
      const tag = valueOf(at, def.discriminator);
      node = def.options.find((o) => {
        const shape = defOf(unwrap(o)).shape;
        const literal = shape?.[def.discriminator!];
        return literal !== undefined && (defOf(literal).values ?? []).includes(tag);
      });
    } else if (def.type !== 'object' || !def.shape) return null;
    else if (depth === path.length) return Object.keys(def.shape);
    else {
      const key = String(path[depth++]);
      node = Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
      at = valueOf(at, key);
    }
  }
  return null;
}

/**
 * What `unknown` at `path` most likely meant, as full dotted paths: a key of the same object, or, one step
 * behind, a key of that name elsewhere in the tree (top-level `orderFraction` → `sim.orderFraction`).
 */
export function suggestKey(schema: z.ZodType, path: readonly string[], unknown: string): string[] {
  let node: z.ZodType | undefined = schema;
  for (const segment of path) node = node && child(node, segment);
  const here = node ? objectKeys(node) : [];
  const local: NameCandidate[] = here.map((key) => ({ label: [...path, key].join('.'), name: key }));
  const at = path.join('.');
  const elsewhere: NameCandidate[] = allKeys(schema)
    .filter((p) => p.slice(0, -1).join('.') !== at)
    .map((p) => ({ label: p.join('.'), name: p[p.length - 1]!, penalty: 1 }));
  return closestNames(unknown, [...local, ...elsewhere]);
}
