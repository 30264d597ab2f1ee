/**
 * A writer for the checkpointer's kill test (test/store/checkpointer.test.ts): opens the store given as the
 * first argument with background checkpoints and records decisions (large records, so the WAL grows quickly
 * and the worker is checkpointing while the process is killed), printing each row id once it is committed.
 */
import { LiveStore } from '../../src/live/store.js';

const store = new LiveStore(process.argv[2]!, { backgroundCheckpoints: true });
store.startRun('kill-test', 'none', 0, {});
const candidates = Array.from({ length: 100 }, (_, i) => ({ id: `r${i}`, note: 'x'.repeat(200) }));
for (let i = 0; ; i++) {
  const id = store.recordDecision({
    time: i,
    symbol: `S${i}`,
    action: 'block',
    reason: 'no-capacity',
    victims: [],
    victimSymbols: [],
    stealAttempt: false,
    fight: false,
    shortfall: 1,
    dryRun: false,
    record: { candidates },
  });
  process.stdout.write(`${id}\n`);
  // Let the stdout write and the worker's messages through between rows.
  if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
}
