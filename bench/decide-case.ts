/**
 * One `decide` case at 1,000 orders, alone in its process: `node .bench/decide-case.js after|new|same [calls]`
 * (build first: `npm run build && npx tsc -p tsconfig.bench.json`). The bench's own process builds a book and a
 * valuator for every case and size, and the compiled valuator code does not always survive that; one case per
 * process is how a session runs (one valuator). Prints µs per decision; compare two checkouts by running this
 * alternately in each, as whole processes.
 */
import { CASES, decideCase } from './decide.js';

const which = process.argv[2] ?? 'after';
const calls = Number(process.argv[3] ?? 20_000);
const found = CASES.find(
  (c) =>
    c.ranking === 'expectedValue' &&
    c.path === 'steal' &&
    (which === 'after' ? c.afterBar === true : which === 'new' ? c.newBar && !c.afterBar : !c.newBar),
);
if (!found || !['after', 'new', 'same'].includes(which) || !(Number.isSafeInteger(calls) && calls > 0)) {
  process.stderr.write('usage: node .bench/decide-case.js after|new|same [calls, a whole number > 0]\n');
  process.exit(2);
}
const { call } = decideCase(1_000, found);
for (let i = 0; i < 3_000; i++) call(); // warm up: the compiled code, the valuator's columns
const start = process.hrtime.bigint();
for (let i = 0; i < calls; i++) call();
const us = Number(process.hrtime.bigint() - start) / calls / 1_000;
process.stdout.write(`expectedValue steal, 1,000 orders, ${which}: ${us.toFixed(1)} µs per decision\n`);
