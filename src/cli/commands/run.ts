import type { Command } from 'commander';
import { MissingCredentialsError } from '../../brokers/alpaca/env.js';
import { AlpacaError } from '../../brokers/alpaca/rest.js';
import { PRESET_NAMES } from '../../core/config/presets.js';
import { loadConfig } from '../../io/load-config.js';
import { launchAlpaca, launchReplay, type LiveSession } from '../../live/launch.js';
import { commandLogger, type Logger } from '../../ports/log.js';
import { BENCHMARK_SETS } from '../../marketdata/benchmark-sets.js';
import { StoreFileError } from '../../store/errors.js';
import { addSetFlag, flagLayers, setFlagLayers } from '../flag-layers.js';
import { listFlag } from '../lists.js';
import { checkOutputPath, checkStorePathEarly, stateDbOption } from '../output.js';
import { CliError, EXIT, portInUse } from '../errors.js';
import { PortInUseError } from '../../live/http.js';
import { numberFlag } from '../whole-number.js';
import { addBarFileFlags, type BarFileFlags } from '../bar-flags.js';
import { replayInput } from '../replay-input.js';
import { forecasterWarmUpWarnings } from '../forecaster-warnings.js';
import { checkRunBrokerFlags } from '../broker-flags.js';
import { stopSignal } from '../stop-signal.js';

export interface RunOptions extends BarFileFlags {
  broker?: string;
  config?: string;
  preset?: string;
  dryRun?: boolean;
  data?: string[];
  benchmark?: string;
  symbols?: string;
  from?: string;
  to?: string;
  speed?: string;
  poll?: string;
  host?: string;
  port?: string;
  db?: string;
  signals?: string;
  cancelOnStop?: boolean;
  keepServing?: boolean;
  http?: boolean;
  set?: string[];
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description(
      'run the watchers and the coordinator against a broker: replay (offline, real bars) or Alpaca',
    )
    .requiredOption(
      '--broker <name>',
      'replay (real bars on an accelerated clock) or alpaca (paper unless WORKSTEAL_ALPACA_URL says otherwise)',
    )
    .option(
      '--config <file>',
      'config file (JSON or YAML); the live section sets polling, HTTP, alerts, the store',
    )
    .option('--preset <name>', `preset (${PRESET_NAMES.join(', ')})`);
  addSetFlag(command)
    .option('--dry-run', 'decide and record everything, cancel and place nothing')
    .option('--data <paths...>', 'replay: bar files, folders and/or glob patterns')
    .option(
      '--benchmark <set>',
      `replay: a named set from the market data folder (${Object.keys(BENCHMARK_SETS).join(', ')})`,
    )
    .option(
      '--symbols <list>',
      'symbols to watch, comma separated (replay: a subset of the data; alpaca: required unless live.symbols)',
    );
  addBarFileFlags(command, 'replay: ')
    .option(
      '--from <time>',
      'replay: first poll (ISO date or time, UTC); default: once the forecaster has warmed up',
    )
    .option(
      '--to <time>',
      "replay: end, exclusive for bars (the last bar opens before it); the last poll is at --to, that bar's close; default: 7 days after --from, within the data",
    )
    .option(
      '--speed <n>',
      'replay: market seconds per wall second (live.replaySpeed; 3600 = an hour a second)',
    )
    .option('--poll <sec>', 'seconds of market time between polls (live.pollSec)')
    .option('--host <addr>', 'HTTP address (live.http.host, default 127.0.0.1)')
    .option('--port <n>', 'HTTP port (live.http.port; 0 picks a free one)')
    .option('--db <file>', 'SQLite state store (live.stateDb)')
    .option(
      '--signals <file>',
      'signals CSV, re-read when it changes (live.signalsCsv); default: the built-in forecaster',
    )
    .option('--cancel-on-stop', 'cancel resting entry orders on SIGINT/SIGTERM (live.cancelEntriesOnStop)')
    .option(
      '--keep-serving',
      'replay: keep /status and /metrics up after the data ends, until SIGINT/SIGTERM',
    )
    .option('--no-http', 'serve no HTTP at all')
    .addHelpText(
      'after',
      `
Keys (Alpaca) come from the environment only: ALPACA_API_KEY_ID and ALPACA_API_SECRET_KEY (or APCA_*).
WORKSTEAL_TOKEN enables POST /control/{pause,resume,dry-run/on,dry-run/off} (Authorization: Bearer <token>).
WORKSTEAL_LOG=<file> appends the log lines to a file as well as stdout.

Examples:
  worksteal run --broker replay --benchmark mixed --from 2024-03-04 --to 2024-03-09
  ALPACA_API_KEY_ID=... ALPACA_API_SECRET_KEY=... worksteal run --broker alpaca --symbols BTC/USD,ETH/USD,AAPL`,
    )
    .action(async (opts: RunOptions) => {
      process.exitCode = await runCommand(opts);
    });
}

export async function runCommand(opts: RunOptions): Promise<number> {
  const broker = opts.broker;
  if (broker !== 'replay' && broker !== 'alpaca') {
    throw new CliError(`--broker ${JSON.stringify(broker)}: choose replay or alpaca`);
  }
  const resolved = await loadConfig({
    file: opts.config,
    preset: opts.preset,
    flags: runFlagLayers(opts),
    env: process.env,
  });
  const config = resolved.config;
  checkRunBrokerFlags(broker, opts);
  // The store and the log file are checked before any data is read or any venue is asked (src/cli/output.ts).
  await checkStorePathEarly(stateDbOption(opts.db), config.live.stateDb);
  await checkOutputPath('WORKSTEAL_LOG', process.env.WORKSTEAL_LOG || undefined);
  const log = commandLogger(process.env);
  for (const w of resolved.warnings) log.warn('config-warning', { message: w.message });
  const wanted = listFlag(opts.symbols, '--symbols') ?? config.live.symbols;

  let session: LiveSession;
  // Replay with the built-in forecaster: the first time it has signals (a window before it trades nothing).
  let warmedUp: number | null = null;
  try {
    if (broker === 'replay') {
      const { series, from, to, ...window } = await replayInput(opts, config, wanted, log, {
        endsAtTo: true,
      });
      log.info('replay', {
        symbols: series.map((s) => `${s.symbol} (${s.assetClass})`),
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        speed: config.live.replaySpeed,
      });
      if (config.live.signalsCsv === undefined) {
        // The symbols the forecaster cannot give a signal for before the end, as simulate says them.
        for (const message of forecasterWarmUpWarnings(series, config.sim.forecaster, to))
          log.warn('data-warning', { message });
        if (from < window.firstSignals) {
          warmedUp = window.firstSignals;
          log.warn('forecaster-not-warmed-up', notWarmedUp(warmedUp, to));
        }
      }
      session = await launchReplay({
        config,
        env: process.env,
        log,
        storeOption: stateDbOption(opts.db),
        series,
        from,
        to,
        http: opts.http !== false,
      });
    } else {
      if (!wanted.length) {
        throw new CliError(
          '--broker alpaca needs the symbols to watch: --symbols BTC/USD,AAPL or live.symbols in the config',
        );
      }
      session = await launchAlpaca({
        config,
        env: process.env,
        log,
        storeOption: stateDbOption(opts.db),
        symbols: wanted,
        http: opts.http !== false,
      });
    }
  } catch (error) {
    if (error instanceof MissingCredentialsError) throw new CliError(error.message);
    // The venue refused or could not be reached: the message says which and what to check.
    if (error instanceof AlpacaError) throw new CliError(error.message, EXIT.failed);
    // The store is held by another process, damaged, or from a newer worksteal: the message says what to do.
    if (error instanceof StoreFileError) throw new CliError(error.message, error.exitCode);
    if (error instanceof PortInUseError) throw portInUse(error);
    throw error;
  }

  const signal = stopSignal();
  let storeFailure: StoreFileError | null = null;
  const running = session.runtime.run().catch((error: unknown) => {
    if (!(error instanceof StoreFileError)) throw error;
    storeFailure = error;
    return 'store-failed' as const;
  });
  const outcome = await Promise.race([running, signal.received]);
  if (storeFailure) return stopAfterStoreFailure(session, log, signal, storeFailure);
  let reason: string;
  if (outcome === 'end' && opts.keepServing) {
    log.info('replay-finished', {
      detail: 'serving /status and /metrics until SIGINT or SIGTERM',
      url: session.http?.url,
    });
    reason = await signal.received;
  } else reason = outcome === 'end' ? 'end-of-data' : outcome;
  await session.runtime.stop(reason, config.live.cancelEntriesOnStop);
  const c = session.runtime.counters;
  log.info('summary', {
    decisions: c.decisions,
    places: c.places,
    steals: c.steals,
    stealAttempts: c.stealAttempts,
    blocks: c.blocks,
    fights: c.fights,
    store: config.live.stateDb,
  });
  // Said again at the end: a run with nothing to show must say why, not just exit 0.
  if (warmedUp !== null && c.decisions === 0) log.warn('no-decisions', notWarmedUp(warmedUp, null));
  await session.close();
  signal.dispose();
  return EXIT.ok;
}

/**
 * The store failed under a running session: stop the watchers and close the venue, recording what can still
 * be recorded, and exit 1 with the store's message (no stack trace).
 */
async function stopAfterStoreFailure(
  session: LiveSession,
  log: Logger,
  signal: { dispose(): void },
  failure: StoreFileError,
): Promise<number> {
  log.error('store-failed', { store: failure.path, message: failure.message });
  try {
    await session.runtime.stop('store-failed', false);
  } catch {
    // The stop could not be written to the failed store; the next start's recovery finishes any saga.
  }
  try {
    await session.close();
  } catch {
    // Closing a damaged store may fail again; the file is left for the operator as it is.
  }
  signal.dispose();
  throw new CliError(failure.message, EXIT.failed);
}

/** Why a replay window before the forecaster's warm-up decides nothing, and what to pass instead. */
function notWarmedUp(warmedUp: number, to: number | null): { detail: string } {
  const at = new Date(warmedUp).toISOString();
  const window =
    to !== null && to <= warmedUp
      ? 'the whole window is before it, so this replay will make no decisions'
      : 'polls before it make no decisions';
  return {
    detail:
      `the built-in forecaster gives signals once it has sim.forecaster.horizonBars + max(10, lookbackBars / 2) ` +
      `bars of history, from ${at}; ${window}. Pass --from ${at} or later (or leave --from out), or give --signals.`,
  };
}

/** Command-line flags as config layers, each named by its flag (src/cli/flag-layers.ts). */
/** --set, then the command's own flags over it. */
function runFlagLayers(opts: RunOptions): { source: string; values: unknown }[] {
  return [
    ...setFlagLayers(opts.set),
    ...flagLayers([
      ['--dry-run', ['dryRun'], opts.dryRun ? true : undefined],
      ['--speed', ['live', 'replaySpeed'], numberFlag(opts.speed, '--speed', '3600')],
      ['--poll', ['live', 'pollSec'], numberFlag(opts.poll, '--poll', '60')],
      ['--db', ['live', 'stateDb'], opts.db],
      ['--signals', ['live', 'signalsCsv'], opts.signals],
      ['--cancel-on-stop', ['live', 'cancelEntriesOnStop'], opts.cancelOnStop ? true : undefined],
      ['--host', ['live', 'http', 'host'], opts.host],
      ['--port', ['live', 'http', 'port'], numberFlag(opts.port, '--port', '8787')],
    ]),
  ];
}
