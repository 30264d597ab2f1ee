/**
 * Market-data loading for the simulator: every layout in ../shared/marketdata by auto-detection, explicit
 * overrides for anything else, UTC bars in typed arrays, a quality report, and a binary cache.
 */
export type { BarSeries, LayoutOverride, LoadOptions, LoadResult, QualityReport } from './types.js';
export type { LoadManyOptions } from './load.js';
export { loadBars, loadMany } from './load.js';
export { expandDataArgs } from './files.js';
export { inferAssetClass, inferSymbol } from './symbols.js';
export { DataError } from './errors.js';
