/**
 * `npm run bench [-- section...]`: runs the registered sections in order, or only those named.
 * The sections time the compiled code in dist/, which is what the CLI runs (the npm script builds it first),
 * and the bench itself runs compiled (.bench/, plain node): loaded through a TypeScript loader, every import
 * of dist/ became a getter call and a decision at 1,000 orders timed about twice its real cost.
 * To add a section, append it to SECTIONS.
 */
import os from 'node:os';
import { benchDecide } from './decide.js';
import { benchOptimizer } from './optimizer.js';
import { benchService } from './service.js';
import { benchSim } from './sim.js';
import { benchSimVersus } from './sim-versus.js';

interface Section {
  name: string;
  description: string;
  run: () => Promise<void>;
}

const SECTIONS: readonly Section[] = [
  {
    name: 'decide',
    description: 'policy decide() per decision, 10 / 100 / 1,000 open orders',
    run: benchDecide,
  },
  {
    name: 'sim',
    description:
      'simulator on the 6-crypto hourly set, 2020-09-22 → 2025-12-02: load (cold, cached) and bar-steps/s',
    run: benchSim,
  },
  {
    name: 'sim-versus',
    description:
      'the same full run, this checkout against the one in WORKSTEAL_BENCH_VERSUS, alternated in one process',
    run: benchSimVersus,
  },
  {
    name: 'optimizer',
    description:
      'optimizer on the 6-crypto hourly set: ms per evaluation, evaluations/s with 1 and 2 pool threads',
    run: benchOptimizer,
  },
  {
    name: 'service',
    description: 'worksteal serve over loopback: p50 / p99 per request and requests/s, 8 concurrent clients',
    run: benchService,
  },
];

async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((a) => !SECTIONS.some((s) => s.name === a));
  if (unknown.length > 0) {
    console.error(`unknown bench section: ${unknown.join(', ')}`);
    console.error(`available: ${SECTIONS.map((s) => s.name).join(', ')} (no argument runs them all)`);
    return 2;
  }
  const selected = args.length === 0 ? SECTIONS : SECTIONS.filter((s) => args.includes(s.name));
  const cpus = os.cpus();
  console.log('worksteal bench');
  console.log(`node ${process.version} · ${cpus[0]?.model.trim() ?? 'unknown CPU'} · ${cpus.length} cores`);
  for (const section of selected) {
    console.log(`\n== ${section.name}: ${section.description}\n`);
    await section.run();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
