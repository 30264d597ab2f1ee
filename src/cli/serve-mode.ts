import type { WorkstealConfig } from '../core/config/schema.js';
import { alpacaConnection } from '../brokers/alpaca/connect.js';
import { MissingCredentialsError } from '../brokers/alpaca/env.js';
import { AlpacaError } from '../brokers/alpaca/rest.js';
import { AcceleratedClock, RealClock } from '../ports/clock.js';
import type { Logger } from '../ports/log.js';
import type { LiveBroker } from '../ports/venue.js';
import { ReplayBroker } from '../live/replay-broker.js';
import { replayVenue } from '../live/launch.js';
import { realTimers, type Timers } from '../service/advisory-broker.js';
import type { ServiceMode } from '../service/service.js';
import { listFlag } from './lists.js';
import { CliError, EXIT } from './errors.js';
import { replayInput, type ReplayInputOptions } from './replay-input.js';

/** The `serve` flags that choose and set up the service's mode (src/cli/commands/serve.ts). */
export interface ServeModeFlags extends ReplayInputOptions {
  broker: string;
  equity?: string;
  patternDayTrader?: boolean;
  deadline?: string;
  symbols?: string;
}

/**
 * The service `serve --broker` starts: advisory (none: the account from --equity and --pattern-day-trader,
 * sagas waiting --deadline for each report), executing on replayed bars (replay) or executing at Alpaca
 * (alpaca); with the timers it runs on and how to close its venue.
 */
export async function serviceMode(
  opts: ServeModeFlags,
  config: WorkstealConfig,
  log: Logger,
  runTag: string,
): Promise<{ mode: ServiceMode; timers: Timers; close: () => Promise<void> }> {
  if (opts.broker === 'alpaca') return alpacaMode(config, log);
  if (opts.broker === 'none') {
    const deadline = Number(opts.deadline);
    if (!(deadline > 0))
      throw new CliError(`--deadline ${JSON.stringify(opts.deadline)}: give seconds above 0`);
    const equity = opts.equity === undefined ? config.live.initialEquity : Number(opts.equity);
    if (!(equity > 0)) throw new CliError(`--equity ${JSON.stringify(opts.equity)}: give a positive number`);
    return {
      mode: {
        kind: 'advisory',
        deadlineMs: deadline * 1000,
        // The flag alone says so (its help): the config's patternDayTrader, true in every preset, is the
        // simulator's account, and would give a bot's account 4x intraday it may not have.
        account: { equity, patternDayTrader: opts.patternDayTrader === true },
      },
      timers: realTimers,
      close: async () => undefined,
    };
  }
  const wanted = listFlag(opts.symbols, '--symbols') ?? [];
  const { series, from, to } = await replayInput(opts, config, wanted, log, { endsAtTo: false });
  const clock = new AcceleratedClock(from, config.live.replaySpeed);
  // --to is the last market time: the service's clock stops there, so no bar opening at or after it is ever
  // shown (it was checked, then ignored). Without it the replay runs on through the data.
  const now = opts.to === undefined ? () => clock.now() : () => Math.min(clock.now(), to);
  const venue = replayVenue(config, series, now, runTag);
  const broker: LiveBroker = new ReplayBroker(venue);
  return {
    mode: { kind: 'executing', broker },
    timers: { ...realTimers, now },
    close: () => broker.close(),
  };
}

/**
 * Executing at Alpaca: the same connection `run --broker alpaca` opens (keys registered for redaction first,
 * request timeouts, the trade_updates stream), on the venue's clock.
 */
async function alpacaMode(
  config: WorkstealConfig,
  log: Logger,
): Promise<{ mode: ServiceMode; timers: Timers; close: () => Promise<void> }> {
  const clock = new RealClock();
  let connection: ReturnType<typeof alpacaConnection>;
  try {
    connection = alpacaConnection({
      env: process.env,
      log,
      clock,
      now: () => clock.now(),
      extendedHours: config.extendedHours,
    });
  } catch (error) {
    throw alpacaFailure(error);
  }
  const { stream, broker } = connection;
  try {
    await stream.start();
    clock.syncTo((await broker.clock()).timestamp);
  } catch (error) {
    await broker.close(); // an open stream would keep the process alive after the error
    throw alpacaFailure(error);
  }
  return {
    mode: { kind: 'executing', broker },
    timers: { ...realTimers, now: () => clock.now() },
    close: () => broker.close(),
  };
}

/**
 * Alpaca's own failures as the one-line messages `run --broker alpaca` gives (docs/cli.md, exit codes): keys
 * missing are bad input (2); a venue or stream that refuses or cannot be reached is a failed run (1). The
 * messages name the variables to set or check.
 */
function alpacaFailure(error: unknown): unknown {
  if (error instanceof MissingCredentialsError) return new CliError(error.message);
  if (error instanceof AlpacaError) return new CliError(error.message, EXIT.failed);
  return error;
}
