import { ValidationError } from '../core/errors.js';
import type { AssetClass } from '../core/types.js';
import {
  expandDataArgs,
  loadMany,
  type BarSeries,
  type LayoutOverride,
  type LoadResult,
} from '../marketdata/index.js';
import type { Scenario } from './scenario.js';

/** The scenario's bars, and what the user should know about them. */
export interface ScenarioBars {
  series: BarSeries[];
  /** The same series as loaded, with their quality reports (for the data warnings every command gives). */
  loaded: LoadResult[];
  /** Loader notes about the files used, and symbols of the scenario that the data does not hold. */
  notes: string[];
}

/**
 * Load the bars of the scenario's symbols from `--data` (files and folders, every layout the simulator reads,
 * through its loader and cache). The requester's symbol must be in the data: without its bars it can never be
 * valued and so never steals. An order whose symbol is missing is kept and reported: it is not valued, so it
 * is no victim (`no-estimate`). A symbol whose asset class differs between the scenario and the data is an
 * error, since the fill model counts a stock's closed market and a crypto's 24/7 differently.
 */
export async function loadScenarioBars(
  paths: string[],
  scenario: Scenario,
  options: {
    symbols: Record<string, { assetClass: AssetClass }>;
    /** `repair`: bad rows and duplicates are dropped and listed (--repair); refused by default. */
    onBadData?: 'refuse' | 'repair';
    layout?: LayoutOverride;
    /** null: neither read nor write the binary bar cache (`--no-cache`). */
    cacheDir?: string | null;
  },
): Promise<ScenarioBars> {
  const loaderNotes: string[] = [];
  const loaded = await loadMany(await expandDataArgs(paths), {
    symbols: options.symbols,
    ...(options.onBadData ? { onBadData: options.onBadData } : {}),
    ...(options.layout ? { layout: options.layout } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    onNote: (note) => loaderNotes.push(note),
  });
  const wanted = scenarioSymbols(scenario);
  const used = loaded.filter((l) => wanted.has(l.series.symbol));
  const series = used.map((l) => l.series);
  const found = new Map(series.map((s) => [s.symbol, s]));
  const held = loaded.map((l) => l.series.symbol).join(', ');
  const problems = [];
  const request = scenario.request;
  if (!found.has(request.symbol)) {
    problems.push({
      where: 'request.symbol',
      message: `has no bars in --data (it holds ${held}); pass the file for ${request.symbol}, or name the symbol as the data does (a file's symbol comes from its symbol column or its name)`,
      value: request.symbol,
    });
  }
  for (const [symbol, assetClass] of wanted) {
    const s = found.get(symbol);
    if (s && s.assetClass !== assetClass) {
      problems.push({
        where: `--data ${s.source.path}`,
        message: `gives ${symbol} as ${s.assetClass}, but the scenario says ${assetClass}; fix the scenario, or set config symbols.${symbol}.assetClass`,
        value: s.assetClass,
      });
    }
  }
  if (problems.length) throw new ValidationError('Bars for the scenario', problems);
  const missing = [...wanted.keys()].filter((symbol) => !found.has(symbol));
  return {
    series,
    loaded: used,
    notes: [
      // Which file of a symbol was used; notes about the data's other symbols do not concern the scenario.
      ...loaderNotes.filter((note) => series.some((s) => note.startsWith(`${s.symbol}: `))),
      ...(missing.length
        ? [
            `no bars for ${missing.join(', ')} in --data: their orders are not valued, so none of them is a victim (no-estimate)`,
          ]
        : []),
    ],
  };
}

/**
 * The symbols whose fill chances a decision may ask for: the requester's and those of the orders that could
 * be victims (our own entries; exits and external orders never are).
 */
function scenarioSymbols(scenario: Scenario): Map<string, AssetClass> {
  const out = new Map<string, AssetClass>([[scenario.request.symbol, scenario.request.assetClass]]);
  for (const o of scenario.openOrders)
    if (o.role === 'entry' && !o.external && !out.has(o.symbol)) out.set(o.symbol, o.assetClass);
  return out;
}
