/**
 * Parameter space: the optimiser always works on the unit cube [0,1]^d; this module maps a unit vector to
 * named parameter values (decode) and back (encode).
 *
 * Mapping rules (why):
 * - real: linear `min + u (max - min)`, or with `log: true` exponential `min (max/min)^u`, so every decade
 *   gets the same share of the cube (requires min > 0).
 * - int: `min + floor(u (max - min + 1))`, clamped to max. Each of the `max - min + 1` integers owns an equal
 *   slice of [0,1]. Rounding `min + u (max - min)` instead would give the two end values half a slice each,
 *   and truncating it would almost never produce `max` — both bias the search. With `log: true` the integer
 *   is `floor` of a log-uniform real on [min, max + 1), so each integer k gets the share log((k+1)/k).
 * - bool: `u >= 0.5`. `min`/`max` are ignored for bools (write 0 and 1).
 */
import { ValidationError, type Issue } from '../../core/errors.js';

export type ParamKind = 'real' | 'int' | 'bool';

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  min: number;
  max: number;
  /** Log scale (real and int only); requires min > 0 (int: min >= 1). */
  log?: boolean;
}

export type ParamValue = number | boolean;
export type Params = Record<string, ParamValue>;

const KINDS: readonly string[] = ['real', 'int', 'bool'];

function specIssues(spec: ParamSpec, where: string): Issue[] {
  const issues: Issue[] = [];
  if (!KINDS.includes(spec.kind)) {
    issues.push({ where: `${where}.kind`, message: "must be 'real', 'int' or 'bool'", value: spec.kind });
    return issues;
  }
  if (spec.log !== undefined && typeof spec.log !== 'boolean') {
    issues.push({ where: `${where}.log`, message: 'must be a boolean', value: spec.log });
  }
  if (spec.kind === 'bool') {
    if (spec.log)
      issues.push({ where: `${where}.log`, message: 'log scale makes no sense for a bool', value: true });
    return issues;
  }
  for (const key of ['min', 'max'] as const) {
    const v = spec[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      issues.push({ where: `${where}.${key}`, message: 'must be a finite number', value: v });
    } else if (spec.kind === 'int' && !Number.isSafeInteger(v)) {
      issues.push({ where: `${where}.${key}`, message: 'must be an integer for an int parameter', value: v });
    }
  }
  if (issues.length > 0) return issues;
  if (spec.min > spec.max) {
    issues.push({ where, message: `min must be <= max (min ${spec.min}, max ${spec.max})`, value: spec.min });
  }
  if (spec.log && spec.min <= 0) {
    issues.push({ where: `${where}.min`, message: 'must be > 0 for a log-scale parameter', value: spec.min });
  }
  return issues;
}

/** Throws a ValidationError naming every bad parameter (by name) and its bad value. */
export function validateSpace(space: readonly ParamSpec[]): void {
  const issues: Issue[] = [];
  if (!Array.isArray(space) || space.length === 0) {
    throw new ValidationError('Invalid DE parameter space', [
      { where: 'space', message: 'must be a non-empty array of parameters', value: space },
    ]);
  }
  const seen = new Set<string>();
  space.forEach((spec, i) => {
    const name = typeof spec?.name === 'string' && spec.name !== '' ? spec.name : undefined;
    const where = name === undefined ? `space[${i}]` : `space[${i}] '${name}'`;
    if (name === undefined)
      issues.push({ where: `${where}.name`, message: 'must be a non-empty string', value: spec?.name });
    else if (seen.has(name))
      issues.push({ where: `${where}.name`, message: 'duplicate parameter name', value: name });
    else seen.add(name);
    issues.push(...specIssues(spec, where));
  });
  if (issues.length > 0) throw new ValidationError('Invalid DE parameter space', issues);
}

function clamp01(u: number): number {
  return u <= 0 ? 0 : u >= 1 ? 1 : u;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Decode one coordinate of the unit cube into a parameter value. */
export function decodeValue(spec: ParamSpec, unit: number): ParamValue {
  const u = clamp01(unit);
  const { min, max } = spec;
  switch (spec.kind) {
    case 'bool':
      return u >= 0.5;
    case 'int': {
      if (spec.log) {
        const lo = Math.log(min);
        const x = Math.exp(lo + u * (Math.log(max + 1) - lo));
        return clamp(Math.floor(x), min, max);
      }
      return Math.min(max, min + Math.floor(u * (max - min + 1)));
    }
    case 'real': {
      if (spec.log) return clamp(Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))), min, max);
      // Clamp: min + 1 * (max - min) can round above max (0.1 + 0.2 > 0.3).
      return clamp(min + u * (max - min), min, max);
    }
  }
}

/**
 * Encode a parameter value into the unit interval. Ints and bools map to the centre of their slice, so
 * `decodeValue(spec, encodeValue(spec, v)) === v`; values outside the bounds are clamped.
 */
export function encodeValue(spec: ParamSpec, value: ParamValue): number {
  const { min, max } = spec;
  if (spec.kind === 'bool') return value === true ? 0.75 : 0.25;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`Parameter '${spec.name}' must be a number to encode (got ${String(value)})`);
  }
  if (spec.kind === 'int') {
    const v = clamp(Math.round(value), min, max);
    if (spec.log) {
      const lo = Math.log(min);
      const centre = (Math.log(v) + Math.log(v + 1)) / 2;
      return clamp01((centre - lo) / (Math.log(max + 1) - lo));
    }
    return (v - min + 0.5) / (max - min + 1);
  }
  if (max === min) return 0.5;
  const v = clamp(value, min, max);
  if (spec.log) return clamp01((Math.log(v) - Math.log(min)) / (Math.log(max) - Math.log(min)));
  return clamp01((v - min) / (max - min));
}

/** Decode a unit vector into named parameters. */
export function decode(space: readonly ParamSpec[], unit: readonly number[]): Params {
  const params: Params = {};
  space.forEach((spec, i) => {
    params[spec.name] = decodeValue(spec, unit[i] ?? 0.5);
  });
  return params;
}

/** Encode named parameters into a unit vector (e.g. to seed a known-good point). */
export function encode(space: readonly ParamSpec[], params: Params): number[] {
  return space.map((spec) => {
    if (!(spec.name in params)) throw new TypeError(`Parameter '${spec.name}' is missing`);
    return encodeValue(spec, params[spec.name] as ParamValue);
  });
}

/**
 * Canonical string for a decoded parameter set: name-sorted `[name, value]` pairs as JSON. With int and bool
 * parameters several trial vectors of one generation can decode to identical parameters; a caller can use
 * this key to evaluate each distinct set once. (An array of pairs, not an object, because JavaScript
 * enumerates integer-like object keys first, which would make the order depend on the names.)
 */
export function decodeKey(params: Params): string {
  const names = Object.keys(params).sort();
  return JSON.stringify(names.map((name) => [name, params[name]]));
}
