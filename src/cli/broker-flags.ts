/**
 * `run` and `serve` take flags that belong to one broker: the replay's bars and clock (--data, --from,
 * --speed, …), the advisory service's account and report deadline (serve --equity, --deadline). Given with
 * another broker they would be ignored without a word, so they are refused (flags-apply.ts), naming them, the
 * broker given and the one they go with.
 */
import type { BarFileFlags } from './bar-flags.js';
import { it, itSets, refuseInapplicable, type GivenFlag } from './flags-apply.js';

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
  given: readonly GivenFlag[],
): void {
  refuseInapplicable(
    broker === owner.broker,
    given,
    (one) => `only with --broker ${owner.broker} (${itSets(one)} ${owner.what}), and --broker is ${broker}`,
    (one) => `drop ${it(one)} or use --broker ${owner.broker}`,
  );
}

const REPLAY = { broker: 'replay', what: 'the replayed bars and clock' };

function replayFlags(opts: ReplayFlags): GivenFlag[] {
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

/**
 * `run`: the replay flags (and --keep-serving) only with --broker replay; --symbols is for both brokers. The
 * HTTP flags (--host, --port, --keep-serving, which keeps /status up) not with --no-http, which opens no port.
 */
export function checkRunBrokerFlags(
  broker: string,
  opts: ReplayFlags & { keepServing?: boolean; http?: boolean; host?: string; port?: string },
): void {
  refuseFlagsOf(broker, REPLAY, [...replayFlags(opts), ['--keep-serving', opts.keepServing === true]]);
  refuseInapplicable(
    opts.http !== false,
    [
      ['--host', opts.host !== undefined],
      ['--port', opts.port !== undefined],
      ['--keep-serving', opts.keepServing === true],
    ],
    (one) =>
      `not with --no-http (${itSets(one)} up the HTTP server of /status and /metrics, and --no-http serves none)`,
    (one) => `drop ${it(one)} or leave out --no-http`,
  );
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
