import type { Command } from 'commander';
import { nyseCalendar } from '../../core/calendar/index.js';
import { PRESET_NAMES } from '../../core/config/presets.js';
import type { WorkstealConfig } from '../../core/config/schema.js';
import { requiresValuator } from '../../core/policy/value-policy.js';
import { BAR_TWINS, barKeysSet } from '../../core/policy/steal-history.js';
import { loadConfig } from '../../io/load-config.js';
import { commandLogger, type Logger } from '../../ports/log.js';
import { LiveMetrics } from '../../live/metrics.js';
import { newRunTag } from '../../ports/order-ids.js';
import { LiveStore } from '../../live/store.js';
import type { Timers } from '../../service/advisory-broker.js';
import { warnExposure } from '../../service/exposure.js';
import { startServiceHttp, type ServiceHttp } from '../../service/http.js';
import { PortInUseError } from '../../live/http.js';
import { addSetFlag, flagLayers, setFlagLayers } from '../flag-layers.js';
import { openapiText } from '../../service/openapi.js';
import { CoordinatorService, type ServiceMode } from '../../service/service.js';
import { BENCHMARK_SETS } from '../../marketdata/benchmark-sets.js';
import { checkOutputPath, checkStorePathEarly, stateDbOption } from '../output.js';
import { CliError, EXIT, portInUse } from '../errors.js';
import { numberFlag } from '../whole-number.js';
import { addBarFileFlags } from '../bar-flags.js';
import { checkServeBrokerFlags } from '../broker-flags.js';
import { serviceMode, type ServeModeFlags } from '../serve-mode.js';
import { stopSignal } from '../stop-signal.js';

interface ServeOptions extends ServeModeFlags {
  config?: string;
  preset?: string;
  dryRun?: boolean;
  host?: string;
  port?: string;
  db?: string;
  /** --deadline was typed, not its default (commander's value source): refused with another broker. */
  deadlineTyped?: boolean;
  auth?: boolean;
  openapi?: boolean;
  speed?: string;
  set?: string[];
}

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('the coordinator as a local HTTP/JSON service shared by any number of bots, in any language')
    .option(
      '--broker <name>',
      'none: advisory (the bots cancel and place, and report back); replay: the service executes on real bars; alpaca: the service executes at Alpaca (keys from ALPACA_API_KEY_ID / ALPACA_API_SECRET_KEY; paper unless WORKSTEAL_ALPACA_URL says otherwise)',
      'none',
    )
    .option('--config <file>', 'config file (JSON or YAML)')
    .option('--preset <name>', `preset (${PRESET_NAMES.join(', ')})`);
  addSetFlag(command)
    .option('--dry-run', 'decide and record everything; nothing is cancelled or placed')
    .option('--host <addr>', 'address to bind (live.http.host, default 127.0.0.1)')
    .option('--port <n>', 'port (live.http.port; 0 picks a free one, printed in the "serving" line)')
    .option('--db <file>', 'SQLite state store (live.stateDb): decisions, sagas, steals, the reports')
    .option('--equity <n>', 'advisory: account equity until a bot reports one (default live.initialEquity)')
    .option(
      '--pattern-day-trader',
      'advisory: the account is a pattern day trader (4x intraday); without it, it is not (2x) until an account event says so',
    )
    .option('--deadline <sec>', 'advisory: how long a saga waits for each report', '30')
    .option('--no-auth', 'serve /v1 without a bearer token (only for a trusted machine)')
    .option('--openapi', 'print the OpenAPI document (docs/openapi.json) and exit')
    .option('--data <paths...>', 'replay: bar files, folders and/or glob patterns')
    .option('--benchmark <set>', `replay: a named set (${Object.keys(BENCHMARK_SETS).join(', ')})`)
    .option('--symbols <list>', 'replay: a subset of the data, comma separated');
  addBarFileFlags(command, 'replay: ')
    .option('--from <time>', 'replay: market time at start (default: once the forecaster has warmed up)')
    .option(
      '--to <time>',
      "replay: last market time: the service's clock stops there, exclusive for bars (the last bar shown opens before it); default: runs on through the data",
    )
    .option('--speed <n>', 'replay: market seconds per wall second (live.replaySpeed)')
    .addHelpText(
      'after',
      `
Every /v1 endpoint needs Authorization: Bearer <WORKSTEAL_TOKEN>; serve refuses to start without the
variable unless --no-auth, and warns about a token shorter than 16 characters. The API is in
docs/openapi.json (also served at /openapi.json); docs/service.md explains advisory sagas, deadlines and
restarts.

Examples:
  export WORKSTEAL_TOKEN=$(openssl rand -hex 24)   # the bots send the same value
  worksteal serve --broker none --port 8787 --equity 25000
  worksteal serve --broker replay --benchmark crypto --speed 60
  ALPACA_API_KEY_ID=… ALPACA_API_SECRET_KEY=… worksteal serve --broker alpaca`,
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      const deadlineTyped = cmd.getOptionValueSource('deadline') === 'cli';
      process.exitCode = await serveCommand({ ...opts, deadlineTyped });
    });
}

export async function serveCommand(opts: ServeOptions): Promise<number> {
  if (opts.openapi) {
    process.stdout.write(openapiText());
    return EXIT.ok;
  }
  if (!['none', 'replay', 'alpaca'].includes(opts.broker)) {
    throw new CliError(`--broker ${JSON.stringify(opts.broker)}: choose none (advisory), replay or alpaca`);
  }
  const token = process.env.WORKSTEAL_TOKEN || undefined;
  if (!token && opts.auth !== false) {
    throw new CliError(
      'worksteal serve needs a bearer token: set WORKSTEAL_TOKEN (the bots send it in the Authorization header, after the word Bearer), or pass --no-auth on a trusted machine',
    );
  }
  const resolved = await loadConfig({
    file: opts.config,
    preset: opts.preset,
    flags: serveFlagLayers(opts),
    env: process.env,
  });
  const config = resolved.config;
  checkServeBrokerFlags(opts.broker, opts);
  if (requiresValuator(config.victimRanking)) {
    // The service sees no bars, so it has nothing to value orders with; refuse before any client is answered.
    // (`auto` ranks by distance here.)
    throw new CliError(
      `victimRanking ${JSON.stringify(config.victimRanking)}: serve has no bar feed to value orders with; set victimRanking to "auto" or "distance" for serve (auto ranks by distance where there are no bars; value rankings run in simulate, run and explain --data)`,
    );
  }
  // Cooldowns and fight windows in bars (the `*Bars` keys) need a bar length, which serve does not have.
  const inBars = barKeysSet(config);
  if (inBars.length > 0) {
    // Without bars the service has no bar length to turn them into time: they would silently do nothing.
    throw new CliError(
      `${inBars.map((k) => `${k} ${config[k]}`).join(', ')}: serve has no bar length to count bars with; set ${inBars.join(', ')} to 0 and give ${inBars.map((k) => BAR_TWINS[k]).join(', ')} in seconds instead`,
    );
  }
  // The store and the log file are checked before any data is read or any venue is asked (src/cli/output.ts).
  const storeOption = stateDbOption(opts.db);
  await checkStorePathEarly(storeOption, config.live.stateDb);
  await checkOutputPath('WORKSTEAL_LOG', process.env.WORKSTEAL_LOG || undefined);
  const log = commandLogger(process.env);
  log.addSecret(token);
  for (const w of resolved.warnings) log.warn('config-warning', { message: w.message });

  const runTag = newRunTag();
  const { mode, timers, close } = await serviceMode(opts, config, log, runTag);
  const { store, service, http } = await startService(config, {
    mode,
    timers,
    close,
    runTag,
    token,
    log,
    storeOption,
  });
  // Listening before "serving" is said: a supervisor's SIGTERM right after that line stops it cleanly (it
  // killed the process outright when it came before the handler was in place).
  const signal = stopSignal();
  warnExposure(log, { host: config.live.http.host, url: http.url, token });
  log.info('serving', {
    url: http.url,
    mode: service.mode,
    broker: service.brokerName,
    store: config.live.stateDb,
    auth: token ? 'bearer token' : 'OFF (--no-auth)',
  });
  const reason = await untilStopped(service.ready, signal.received, log);
  await http.close();
  await service.close(reason);
  await close();
  store.close();
  signal.dispose();
  return reason === RECOVERY_FAILED ? EXIT.failed : EXIT.ok;
}

const RECOVERY_FAILED = 'recovery-failed';

/**
 * Open the store, start the service over it and serve HTTP. A start that fails after the store is open closes
 * what it opened (the service, whose run is recorded as stopped `start-failed`, the store and its lock, the
 * venue): before, a port in use left `<db>.lock` behind. A port in use exits 1, as a store another process
 * holds does (docs/cli.md, exit codes): it was 2, bad input.
 */
async function startService(
  config: WorkstealConfig,
  o: {
    mode: ServiceMode;
    timers: Timers;
    close: () => Promise<void>;
    runTag: string;
    token: string | undefined;
    log: Logger;
    /** What named the store's path (`--db` or `live.stateDb`), for its refusals. */
    storeOption: string;
  },
): Promise<{ store: LiveStore; service: CoordinatorService; http: ServiceHttp }> {
  let store: LiveStore | null = null;
  let service: CoordinatorService | null = null;
  try {
    // Checkpoints off the request path: a request never waits for a disk flush (src/store/checkpointer.ts).
    store = new LiveStore(config.live.stateDb, {
      command: 'worksteal serve',
      backgroundCheckpoints: true,
      option: o.storeOption,
    });
    const metrics = new LiveMetrics();
    service = new CoordinatorService({
      config,
      store,
      log: o.log,
      metrics,
      timers: o.timers,
      calendar: nyseCalendar(),
      mode: o.mode,
      runTag: o.runTag,
    });
    const http = await startServiceHttp({
      host: config.live.http.host,
      port: config.live.http.port,
      token: o.token,
      service,
      metrics,
      log: o.log,
      allowedHosts: config.live.http.allowedHosts,
    });
    return { store, service, http };
  } catch (error) {
    await service?.close('start-failed').catch(() => undefined);
    store?.close();
    await o.close(); // an open venue stream would keep the process alive after the error
    if (error instanceof PortInUseError) throw portInUse(error);
    throw error;
  }
}

/**
 * Why `serve` stops: a signal's name, or RECOVERY_FAILED. A failed recovery stops the service (exit 1): it
 * would decide nothing, and a supervisor that starts it again has it recover again from the store.
 */
export function untilStopped(ready: Promise<void>, signal: Promise<string>, log: Logger): Promise<string> {
  const failed = ready.then(
    () => {
      log.info('ready', { detail: 'recovery finished; requests are decided' });
      return new Promise<never>(() => undefined);
    },
    (error: Error) => {
      log.error(RECOVERY_FAILED, { message: error.message });
      return RECOVERY_FAILED;
    },
  );
  return Promise.race([signal, failed]);
}

/** Command-line flags as config layers, each named by its flag (src/cli/flag-layers.ts). */
/** --set, then the command's own flags over it. */
function serveFlagLayers(opts: ServeOptions): { source: string; values: unknown }[] {
  return [
    ...setFlagLayers(opts.set),
    ...flagLayers([
      ['--dry-run', ['dryRun'], opts.dryRun ? true : undefined],
      ['--host', ['live', 'http', 'host'], opts.host],
      ['--port', ['live', 'http', 'port'], numberFlag(opts.port, '--port', '8787')],
      ['--db', ['live', 'stateDb'], opts.db],
      ['--speed', ['live', 'replaySpeed'], numberFlag(opts.speed, '--speed', '3600')],
    ]),
  ];
}
