/**
 * Research: the table of scripts/fill-features.ts's records. For each feature, the net return per fill by
 * quintile (equal-count, cut separately in each cell), mean ± SE, per set × half × stealing on/off; then the
 * top-minus-bottom quintile spread in standard errors and whether its sign holds in every half of both sets.
 *
 *   npx tsx scripts/fill-features-table.ts .cache/fill-features.json [on|off|both] > table.md
 */
import { readFileSync } from 'node:fs';
import { BENCHMARK_SETS, type BenchmarkSetName } from '../src/marketdata/benchmark-sets.js';
import type { TradeFeatures } from './fill-features.js';

type Numeric = {
  [K in keyof TradeFeatures]: TradeFeatures[K] extends number ? K : never;
}[keyof TradeFeatures];

/** Known at the entry request, except the two marked: they are known only at the fill. */
const NUMERIC: { key: Numeric; label: string }[] = [
  { key: 'edge', label: 'forecast edge (TP/entry − 1)' },
  { key: 'zOrigin', label: 'z at origin (log distance / σ√validity)' },
  { key: 'depthOrigin', label: 'log distance at origin' },
  { key: 'zPlace', label: 'z at placement (over remaining validity)' },
  { key: 'agePlaceH', label: 'signal age at placement (h)' },
  { key: 'sigmaH', label: 'σ per hour (168-bar)' },
  { key: 'fillChance', label: 'P at placement (valued only)' },
  { key: 'ret24', label: 'return over the last 24 bars' },
  { key: 'tpUpside', label: 'TP above price at placement (log)' },
  { key: 'hourUtc', label: 'hour of placement (UTC)' },
  { key: 'ageFillH', label: '[at fill] signal age at fill (h)' },
  { key: 'waitFillH', label: '[at fill] hours from placement to fill' },
];

interface Cell {
  n: number;
  mean: number;
  se: number;
  from: number;
  to: number;
}

function stats(rs: readonly number[], from = Number.NaN, to = Number.NaN): Cell {
  const n = rs.length;
  const mean = rs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(rs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  return { n, mean, se: n > 1 ? sd / Math.sqrt(n) : Number.NaN, from, to };
}

function quintiles(rows: readonly TradeFeatures[], key: Numeric): Cell[] {
  const xs = rows.filter((r) => Number.isFinite(r[key])).sort((a, b) => a[key] - b[key]);
  const n = xs.length;
  const out: Cell[] = [];
  if (n < 10) return out;
  for (let q = 0; q < 5; q++) {
    const band = xs.slice(Math.floor((q * n) / 5), Math.floor(((q + 1) * n) / 5));
    out.push(
      stats(
        band.map((r) => r.r),
        band[0]![key],
        band[band.length - 1]![key],
      ),
    );
  }
  return out;
}

const pct = (x: number, d = 2): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(d)}%`;
const cellText = (c: Cell): string => `${pct(c.mean)} ± ${(c.se * 100).toFixed(2)}% (${c.n})`;
const num = (x: number): string =>
  Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2);

function halves(rows: readonly TradeFeatures[], set: BenchmarkSetName): TradeFeatures[][] {
  const from = Date.parse(BENCHMARK_SETS[set].from);
  const to = Date.parse(BENCHMARK_SETS[set].to);
  const mid = (from + to) / 2;
  return [rows.filter((r) => r.entryTime < mid), rows.filter((r) => r.entryTime >= mid)];
}

function main(): void {
  const path = process.argv[2] ?? '.cache/fill-features.json';
  const which = process.argv[3] ?? 'both';
  const all = JSON.parse(readFileSync(path, 'utf8')) as TradeFeatures[];
  const runs = which === 'both' ? [true, false] : [which === 'on'];
  const sets: BenchmarkSetName[] = ['crypto', 'mixed'];
  const summary: string[] = [
    '| stealing | feature | Q5−Q1 in SE: crypto H1, H2, mixed H1, H2 | pooled Q5−Q1 | same sign in all 4 | all 4 ≥ 3 SE |',
    '|---|---|---|---|---|---|',
  ];
  for (const on of runs) {
    const label = on ? 'on' : 'off';
    console.log(`\n## Stealing ${label}\n`);
    console.log('| feature | set | half | Q1 | Q2 | Q3 | Q4 | Q5 | Q5−Q1 |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const f of NUMERIC) {
      const zs: number[] = [];
      let diffSum = 0;
      let varSum = 0;
      for (const set of sets) {
        const rows = all.filter((r) => r.set === set && r.stealing === on);
        halves(rows, set).forEach((h, k) => {
          const q = quintiles(h, f.key);
          if (q.length < 5) {
            zs.push(Number.NaN);
            return;
          }
          const d = q[4]!.mean - q[0]!.mean;
          const se = Math.hypot(q[4]!.se, q[0]!.se);
          zs.push(d / se);
          diffSum += d / se ** 2;
          varSum += 1 / se ** 2;
          const cells = q.map((c) => `${cellText(c)} [${num(c.from)}…${num(c.to)}]`);
          console.log(
            `| ${f.label} | ${set} | H${k + 1} | ${cells.join(' | ')} | ${pct(d)} (${(d / se).toFixed(1)} SE) |`,
          );
        });
      }
      // Inverse-variance pooled spread over the four cells (each cut on its own quintiles).
      const pooled = diffSum / varSum;
      const pooledZ = pooled * Math.sqrt(varSum);
      const sameSign = zs.every((z) => z > 0) || zs.every((z) => z < 0);
      const all3 = zs.every((z) => Math.abs(z) >= 3);
      summary.push(
        `| ${label} | ${f.label} | ${zs.map((z) => z.toFixed(1)).join(', ')} | ${pct(pooled)} (${pooledZ.toFixed(1)} SE) | ${sameSign ? 'yes' : 'no'} | ${sameSign && all3 ? 'yes' : 'no'} |`,
      );
    }
    console.log('\n| feature | set | half | group | net return per fill |');
    console.log('|---|---|---|---|---|');
    for (const [name, group] of [
      ['kind', (r: TradeFeatures) => r.kind],
      ['asset class', (r: TradeFeatures) => r.assetClass],
      ['US session at placement', (r: TradeFeatures) => (r.usSession ? 'open' : 'closed')],
    ] as const) {
      for (const set of sets) {
        const rows = all.filter((r) => r.set === set && r.stealing === on);
        halves(rows, set).forEach((h, k) => {
          const keys = [...new Set(h.map(group))].sort();
          for (const g of keys) {
            const c = stats(h.filter((r) => group(r) === g).map((r) => r.r));
            console.log(`| ${name} | ${set} | H${k + 1} | ${g} | ${cellText(c)} |`);
          }
        });
      }
    }
  }
  console.log('\n## Summary\n');
  console.log(summary.join('\n'));
}

main();
