/**
 * worksteal's public API: `import { Coordinator, decide, … } from 'worksteal'`.
 *
 * Only what a bot needs to embed the coordinator, decide requests itself, simulate or compare policies: the
 * pure policy, the coordinator and its ports, the configuration, the calendar, the in-memory broker, the
 * simulator and the paired comparison.
 * Everything else (CLI, live runtime, optimizer, stores) is internal and may change without notice.
 * See the README section "Use as a library" for a runnable example.
 */

/**
 * The single authority over capacity: decides each entry request with the pure policy and carries a steal
 * out against a {@link Broker} as a saga (cancel victims, confirm, then place). Requests are serialized.
 * `reconcile(broker)` before the first `submit` (or `startsEmpty: true`); without `idPrefix` its client order
 * ids get a random prefix, unique per coordinator (docs/library.md).
 */
export { Coordinator } from './library.js';
/** What a {@link Coordinator} is built from; the clock and calendar ports it reads time and sessions through. */
export type { CoordinatorOptions, Clock, SessionOracle } from './coordinator/coordinator.js';
/**
 * The Broker port the coordinator executes against (`cancel` resolves only when the venue confirms), its
 * synchronous twin for venues that answer at once, and the shapes they exchange.
 */
export type {
  Broker,
  SyncBroker,
  BrokerState,
  PlaceLimitRequest,
  PlaceResult,
  PlacedOrder,
  CancelResult,
  OrderUpdate,
  OrderStatus,
} from './coordinator/broker.js';
/** What `applyOrderUpdate` did with an update: applied, kept until its order is placed (early), or late. */
export type { UpdateFate } from './coordinator/order-updates.js';
/** The outcome of one submitted request (waited, blocked, placed, stole, compensated, aborted, dry-run). */
export type {
  Outcome,
  OutcomeStatus,
  SagaJournal,
  SagaOrderTerms,
  SagaState,
  SagaTransition,
} from './coordinator/saga.js';
/** An in-memory saga journal (what a steal went through), for tests and embedding. */
export { MemoryJournal } from './coordinator/saga.js';

/**
 * Value rankings (`victimRanking: 'expectedValue'` or `'fillProbability'`): a FillModel fed with closed bars,
 * a ReturnShrinker fed with closed trades' net returns, and the Valuator over them that a Coordinator takes
 * as its `valuator` option. How a session feeds them: src/core/fill/USAGE.md (shipped with the package).
 */
export { FillModel, ReturnShrinker, fillValuator } from './library-fill.js';
export type { FillModelOptions, ReturnShrinkerOptions, FillValuatorOptions } from './core/fill/index.js';
/**
 * What a value ranking asks of fill chances and values ({@link fillValuator} builds one), the columns its
 * batch form fills, and what a decision keeps of it (the requester's value, the steal test, the candidates').
 */
export type {
  Valuator,
  OrderValueColumns,
  NextBarCompletion,
  RequestValue,
  StealTest,
  ValueColumns,
} from './core/policy/valuation.js';
/** `victimRanking`'s values: `auto`, `distance`, `fillProbability`, `expectedValue`. */
export type { VictimRanking, RankingInForce } from './core/config/schema.js';

/**
 * The pure decision: place, steal, wait or block for one entry request, given the account, positions, open
 * orders, the steal history and the time. No I/O; the same input always gives the same decision.
 */
export { decide } from './library.js';
/** Everything {@link decide} reads (the configuration keys of a value ranking among them). */
export type { DecideInput, DecideConfig } from './core/policy/decide.js';
export type { ValueConfig } from './core/policy/value-policy.js';
/**
 * A decision as computed, with its candidates in columns; {@link decisionRecord} turns it into plain JSON with
 * every candidate explained.
 */
export type { Decision, CandidateTable } from './core/policy/decision.js';
/** A decision as a plain, JSON-ready record (times as ISO strings, every candidate and why it was eligible). */
export { decisionRecord } from './library-parts.js';
/**
 * A decision as `worksteal explain` prints it (verdict, capacity arithmetic, valuations, steal test, every
 * candidate), and under a value ranking until when the request and each order were valued.
 */
export { explainDecision } from './library-parts.js';
/**
 * A decision in one sentence with its numbers, e.g. `short of 500.00 of margin (needs 2,100.00, 1,600.00 free
 * of 10,000.00); no resting order may be stolen: 3 protected-distance, 1 not-entry`: for a bot's log.
 */
export { decisionSummary } from './library-parts.js';
export type { Validities } from './explain/render.js';
/** The remembered steals behind cooldowns and fight detection; pass one to {@link decide}. */
export { StealHistory } from './core/policy/steal-history.js';
/** The configuration keys a {@link StealHistory} reads, and what `record` says of a steal (fight or not). */
export type { HistoryConfig, ClassifiedSteal } from './core/policy/steal-history.js';

/**
 * Configuration: the defaults, a preset, then layers (objects you pass, e.g. a parsed file) and `WORKSTEAL_*`
 * environment variables, validated by one schema. Throws a ValidationError naming each bad key and value.
 */
export { resolveConfig } from './library.js';
/**
 * A config file (JSON or YAML) resolved as the CLI resolves `--config FILE`: preset, then the file, then
 * `extra` and `flags` layers; the environment only when you pass `env` (e.g. `env: process.env`).
 */
export { loadConfig } from './io/load-config.js';
export type { LoadConfigOptions } from './io/load-config.js';
/** The resolved configuration and what {@link resolveConfig} accepts. */
export type { ResolvedConfig, ResolveInput } from './core/config/resolve.js';
/** The validated configuration object every part reads. */
export type { WorkstealConfig } from './core/config/schema.js';
/** A key {@link resolveConfig} accepted but warns about (`ResolvedConfig.warnings`). */
export type { ConfigWarning } from './core/config/config-warning.js';
/** Names of the built-in presets (`default`, `original`, …). */
export { PRESET_NAMES } from './core/config/presets.js';

/** The NYSE calendar (regular sessions, holidays, early closes) for at least 2000–2035. */
export { nyseCalendar } from './core/calendar/nyse.js';
/**
 * Your own exchange sessions (what `--calendar FILE` reads: docs/cli.md "The sessions file"): from parsed
 * JSON, or from a JSON or YAML file (no file: the NYSE calendar). Either refuses a malformed session with a
 * ValidationError naming it.
 */
export { calendarFromSessions } from './core/calendar/override.js';
export { loadCalendar } from './io/load-calendar.js';
/** A trading calendar as the coordinator and the simulator read it. */
export type { ExchangeCalendar, Session } from './core/calendar/types.js';

/**
 * A broker in memory with injectable faults: try the coordinator without a venue. It refuses what no venue
 * could hold (an order id twice, a NaN, a placement of qty 0), as reconcile refuses it from a broker.
 */
export { MemoryBroker } from './library-broker.js';
/**
 * What a {@link MemoryBroker} is built from (the venue's account, orders and positions), and the faults it can
 * inject per call (rejected cancels, fills racing a cancel, delays).
 */
export type { MemoryBrokerOptions, MemoryBrokerFaults } from './brokers/memory.js';
/** How often a {@link MemoryBroker} was called (`broker.calls`), for tests. */
export type { MemoryBrokerCalls } from './brokers/memory.js';

/**
 * The simulator: replays bars of many symbols with causal signals through the same coordinator, with a
 * realistic fill model, leverage, end-of-day deleveraging and margin interest. Synchronous.
 */
export { simulate } from './library.js';
/** What {@link simulate} takes and returns. */
export type { SimInput } from './library.js';
export type { SimOutput, DecisionRow, EquityRow, StealRecord, SimCounters } from './sim/engine.js';
/**
 * The parts of a simulation's input and output: a signal from a file (`signals`), the watcher and signal an
 * `onEntryPlaced` callback is given (with its series' forecast columns), a limit fill an `onLimitFill`
 * callback is told of, a closed trade and why it closed, a fill's liquidity role, a decision's valuation, a
 * scored fill prediction, and the hours a symbol's limit orders work in (`limits`: by the session each was
 * placed in, as at Alpaca).
 */
export type {
  DecisionValue,
  ValuedPrediction,
  Watcher,
  ActiveSignal,
  LimitFill,
  SymbolLimits,
} from './sim/sim-types.js';
export type { LimitHours } from './core/calendar/order-hours.js';
export type { ExternalSignal } from './sim/signals/csv-signals.js';
/**
 * A signals CSV read as `--signals FILE` reads it ({@link loadSignals}: bad rows refused naming the file, the
 * row and the column), and signals matched to the data as `simulate` and `compare` match them
 * ({@link signalsFor}: symbols in the data's spelling, with the CLI's `signals warning:` lines).
 */
export { loadSignals, signalsFor } from './library-data.js';
/** What {@link signalsFor} returns: the signals to pass on, and what was left out or will place nothing. */
export type { SignalMatch } from './sim/signals/csv-signals.js';
export type { SignalColumns } from './sim/signals/forecaster.js';
export type { TradeRecord, ExitReason } from './sim/portfolio.js';
export type { LiquidityRole } from './sim/costs.js';
/**
 * Bars of one symbol in column form (what {@link simulate} replays), a loader for one bar file, a loader for
 * files, folders and globs as the CLI's `--data` reads them ({@link loadData}: one series per symbol), and the
 * expansion of folders and globs into bar files alone.
 */
export type { BarSeries } from './marketdata/types.js';
export { loadBars, loadData } from './library-data.js';
/** What {@link loadData} takes and returns: a data folder's series, ready for {@link simulate}. */
export type { LoadDataOptions, LoadedData } from './library-data.js';
export { expandDataArgs } from './marketdata/files.js';
/**
 * What {@link loadBars} returns (`{ series, report, fromCache }`: pass `.series` to {@link simulate}), the
 * options it takes and the quality report of a file.
 */
export type {
  LoadResult,
  LoadOptions,
  QualityReport,
  LayoutOverride,
  ReadInfo,
  StoredEntry,
} from './marketdata/types.js';
/**
 * The paired, windowed comparison `worksteal compare` runs: policy A against policy B (default: A with
 * stealing off) on the same bars cut into windows, each pair simulated afresh; per window and aggregated,
 * the numbers `compare --json` writes (docs/library.md "Compare two policies").
 */
export { compare } from './library-compare.js';
/** What {@link compare} takes and returns. */
export type { CompareInput, CompareOutput, CompareSide } from './library-compare.js';
/**
 * A {@link compare} result as `worksteal compare` renders it: the text it prints (`--quiet`: `detail: false`),
 * the Markdown `--markdown` writes or the HTML page `--report` writes, by the CLI's own code.
 */
export { compareReport } from './library-report.js';
export type { CompareReportOptions } from './library-report.js';
/** The parts of a comparison's result: each A against B, its windows, their sides' metrics, the aggregate. */
export type {
  CompareResult,
  Comparison,
  ComparisonGroup,
  PairedWindow,
  Aggregate,
} from './compare/compare.js';
export type { SideMetrics } from './compare/window-run.js';
export type { WindowMetrics } from './optimizer/objective/scores.js';
export type { Window } from './optimizer/objective/folds.js';
export type { WinTally, Interval } from './compare/stats.js';
export type { ReplicatePair, ReplicateInfo } from './compare/replicates.js';
/** A bar file or data path that cannot be used: names the file (and row), the problem and the fix. */
export { DataError } from './marketdata/errors.js';

/** The domain types (README "Use as a library"): requests, open orders, positions, the account, steals. */
export type {
  Account,
  Action,
  AssetClass,
  BlockReason,
  EntryRequest,
  IneligibleReason,
  OpenOrder,
  OrderRole,
  Position,
  Side,
  StealEvent,
  TimeMs,
  ToleranceTier,
  WaitReason,
} from './core/types.js';
/** Bad input (a request, a config key): names every path and value, one {@link Issue} each. */
export { ValidationError } from './core/errors.js';
export type { Issue } from './core/errors.js';
