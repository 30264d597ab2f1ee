/**
 * `run` and `serve` take flags that belong to one broker: the replay's bars and clock (--data, --from,
 * --speed, …), the advisory service's account and report deadline (serve --equity, --deadline). A flag with a
 * default (--deadline) counts as given only when typed (commander's value source 'cli'), so the default is
 * never refused. Given with another broker they would be
 * ignored without a word (`serve --broker none --benchmark crypto` served advisory and read no bars), so
 * they are a usage error naming them, the broker given and the one they go with.
 */
import type { BarFileFlags } from './bar-flags.js';
import { CliError } from './errors.js';

interface ReplayFlags extends BarFileFlags {
  data?: string[];
  benchmark?: string;
  from?: string;
  to?: string;
  speed?: string;
}

function refuseFlagsOf(
  broker: string,
  owner: { broker: string; what: string },
  given: readonly (readonly [flag: string, typed: boolean])[],
): void {
  if (broker === owner.broker) return;
  const typed = given.filter(([, t]) => t).map(([flag]) => flag);
  if (typed.length === 0) return;
  const one = typed.length === 1;
  throw new CliError(
    `${typed.join(', ')}: only with --broker ${owner.broker} (${one ? 'it sets' : 'they set'} ${owner.what}), and --broker is ${broker}; drop ${one ? 'it' : 'them'} or use --broker ${owner.broker}`,
  );
}

const REPLAY = { broker: 'replay', what: 'the replayed bars and clock' };

function replayFlags(opts: ReplayFlags): (readonly [string, boolean])[] {
  return [
    ['--data', opts.data !== undefined],
    ['--benchmark', opts.benchmark !== undefined],
    ['--timezone', opts.timezone !== undefined],
    ['--time-column', opts.timeColumn !== undefined],
    ['--columns', opts.columns !== undefined],
    ['--repair', opts.repair === true],
    ['--no-cache', opts.cache === false],
    ['--from', opts.from !== undefined],
    ['--to', opts.to !== undefined],
    ['--speed', opts.speed !== undefined],
  ];
}

/** `run`: the replay flags (and --keep-serving) only with --broker replay; --symbols is for both brokers. */
export function checkRunBrokerFlags(broker: string, opts: ReplayFlags & { keepServing?: boolean }): void {
  refuseFlagsOf(broker, REPLAY, [...replayFlags(opts), ['--keep-serving', opts.keepServing === true]]);
}

/**
 * `serve`: the replay flags (--symbols too) only with replay; --equity, --pattern-day-trader and a typed
 * --deadline only advisory (`deadlineTyped`: `command.getOptionValueSource('deadline') === 'cli'`).
 */
export function checkServeBrokerFlags(
  broker: string,
  opts: ReplayFlags & {
    symbols?: string;
    equity?: string;
    patternDayTrader?: boolean;
    deadlineTyped?: boolean;
  },
): void {
  refuseFlagsOf(broker, REPLAY, [...replayFlags(opts), ['--symbols', opts.symbols !== undefined]]);
  refuseFlagsOf(broker, { broker: 'none', what: "the advisory service's account" }, [
    ['--equity', opts.equity !== undefined],
    ['--pattern-day-trader', opts.patternDayTrader === true],
  ]);
  refuseFlagsOf(broker, { broker: 'none', what: 'how long an advisory saga waits for each report' }, [
    ['--deadline', opts.deadlineTyped === true],
  ]);
}
