/**
 * This checkout's simulator against another one's, in one process: both builds are loaded side by side and the
 * full 6-crypto run (stealing on, default configuration) alternates between them, so that the machine's drift
 * (on a shared VM its speed moves by up to 2x within minutes) falls on both alike. Each round runs both builds,
 * the order swapped every round; the figure is the median of the per-round ratios, in wall and CPU time.
 *
 * WORKSTEAL_BENCH_VERSUS=<path of the other checkout, built with npm run build> selects it;
 * WORKSTEAL_BENCH_ROUNDS (default 12) how many rounds. The other checkout may be older than the market-data
 * layer (src/marketdata), whose modules then live in src/sim.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Run = () => { wallMs: number; cpuMs: number; steals: number };

/** The simulate entry of the checkout at `root`, bound to the crypto set loaded by that checkout's own code. */
async function simulatorOf(root: string): Promise<Run> {
  const dist = (path: string): Promise<Record<string, unknown>> =>
    import(new URL(`file://${resolve(root, 'dist', path)}`).href) as Promise<Record<string, unknown>>;
  const layer = existsSync(resolve(root, 'dist/marketdata/index.js')) ? 'marketdata' : 'sim';
  const sets = await dist(`${layer}/benchmark-sets.js`);
  const data = await dist(layer === 'marketdata' ? 'marketdata/index.js' : 'sim/data/index.js');
  const { nyseCalendar } = (await dist('core/calendar/index.js')) as { nyseCalendar: () => unknown };
  const { resolveConfig } = (await dist('core/config/index.js')) as {
    resolveConfig: (o: unknown) => { config: unknown };
  };
  const { simulate } = (await dist('sim/engine.js')) as {
    simulate: (input: unknown) => { counters: { steals: number } };
  };
  const { files } = (sets.benchmarkFiles as (n: string) => { files: string[] })('crypto');
  const set = (sets.BENCHMARK_SETS as Record<string, { from: string; to: string }>).crypto!;
  const loaded = await (data.loadMany as (f: string[]) => Promise<{ series: unknown }[]>)(files);
  const series = loaded.map((l) => l.series);
  const calendar = nyseCalendar();
  const { config } = resolveConfig({});
  return () => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = simulate({ series, config, calendar, from: Date.parse(set.from), to: Date.parse(set.to) });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, steals: out.counters.steals };
  };
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function benchSimVersus(): Promise<void> {
  const other = process.env.WORKSTEAL_BENCH_VERSUS;
  if (!other) {
    console.log('skipped: set WORKSTEAL_BENCH_VERSUS to another checkout (built) to run against it');
    return;
  }
  const rounds = Number(process.env.WORKSTEAL_BENCH_ROUNDS ?? 12);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.log(
      `WORKSTEAL_BENCH_ROUNDS must be a positive integer, got ${process.env.WORKSTEAL_BENCH_ROUNDS}`,
    );
    return;
  }
  const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const runThis = await simulatorOf(here);
  const runOther = await simulatorOf(resolve(other));
  // One run of each first: the JIT's first run is not what this compares.
  runThis();
  runOther();
  const wall: number[] = [];
  const cpu: number[] = [];
  const thisMs: number[] = [];
  const otherMs: number[] = [];
  let steals = [0, 0];
  for (let r = 0; r < rounds; r++) {
    let a: ReturnType<Run>;
    let b: ReturnType<Run>;
    if (r % 2 === 0) {
      a = runThis();
      b = runOther();
    } else {
      b = runOther();
      a = runThis();
    }
    wall.push(a.wallMs / b.wallMs);
    cpu.push(a.cpuMs / b.cpuMs);
    thisMs.push(a.wallMs);
    otherMs.push(b.wallMs);
    steals = [a.steals, b.steals];
  }
  const f = (x: number): string => x.toFixed(0);
  console.log(
    `this checkout   ${here}: median ${f(median(thisMs))} ms, fastest ${f(Math.min(...thisMs))} ms, ${steals[0]} steals`,
  );
  console.log(
    `other checkout  ${resolve(other)}: median ${f(median(otherMs))} ms, fastest ${f(Math.min(...otherMs))} ms, ${steals[1]} steals`,
  );
  console.log(
    `this / other, ${rounds} alternated rounds: wall ${median(wall).toFixed(3)}x (${Math.min(...wall).toFixed(2)} to ${Math.max(...wall).toFixed(2)}), CPU ${median(cpu).toFixed(3)}x (median of the per-round ratios)`,
  );
}
