/**
 * Standard benchmark functions (all minimum 0 at a known point) with the usual bounds from the literature
 * (Surjanovic & Bingham, Virtual Library of Simulation Experiments; JADE paper, Zhang & Sanderson 2009).
 */
import type { ParamSpec } from '../../src/optimizer/de/index.js';

export interface Benchmark {
  name: string;
  f: (x: readonly number[]) => number;
  /** Same bounds on every coordinate. */
  bounds: [number, number];
  /** Location of the global minimum (value 0) for one coordinate. */
  argmin: number;
}

/** Sphere Σ x², min 0 at 0, bounds [-5.12, 5.12]. */
export const sphere: Benchmark = {
  name: 'Sphere',
  f: (x) => x.reduce((s, v) => s + v * v, 0),
  bounds: [-5.12, 5.12],
  argmin: 0,
};

/** Rosenbrock Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)², min 0 at (1,…,1), bounds [-5, 10]. */
export const rosenbrock: Benchmark = {
  name: 'Rosenbrock',
  f: (x) => {
    let s = 0;
    for (let i = 0; i + 1 < x.length; i++) {
      const a = x[i] as number;
      const b = x[i + 1] as number;
      s += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    }
    return s;
  },
  bounds: [-5, 10],
  argmin: 1,
};

/** Rastrigin 10 d + Σ (x² − 10 cos 2πx), min 0 at 0, bounds [-5.12, 5.12]. */
export const rastrigin: Benchmark = {
  name: 'Rastrigin',
  f: (x) => x.reduce((s, v) => s + v * v - 10 * Math.cos(2 * Math.PI * v), 10 * x.length),
  bounds: [-5.12, 5.12],
  argmin: 0,
};

/**
 * Ackley −20 exp(−0.2 √(Σx²/d)) − exp(Σ cos(2πx)/d) + 20 + e, min 0 at 0, bounds [-32.768, 32.768].
 * Clamped at 0 because the formula evaluates to about 4e-16 at the origin in floating point.
 */
export const ackley: Benchmark = {
  name: 'Ackley',
  f: (x) => {
    const d = x.length;
    const sq = x.reduce((s, v) => s + v * v, 0);
    const cs = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0);
    return Math.max(0, -20 * Math.exp(-0.2 * Math.sqrt(sq / d)) - Math.exp(cs / d) + 20 + Math.E);
  },
  bounds: [-32.768, 32.768],
  argmin: 0,
};

/** A d-dimensional real space x0..x{d-1} with the benchmark's bounds. */
export function realSpace(bench: Benchmark, d: number): ParamSpec[] {
  const [min, max] = bench.bounds;
  return Array.from({ length: d }, (_, i) => ({ name: `x${i}`, kind: 'real' as const, min, max }));
}

/** The benchmark applied to a decoded parameter object of {@link realSpace}. */
export function onParams(bench: Benchmark, d: number): (params: Record<string, number | boolean>) => number {
  return (params) => bench.f(Array.from({ length: d }, (_, i) => params[`x${i}`] as number));
}
