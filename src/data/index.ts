/**
 * Market data for worksteal: downloads (ccxt, Alpaca), imports into a canonical local store with a
 * manifest, the store's loading for simulations, and a labelled synthetic set for demos without data.
 */
export type { Bar, BarSource } from './types.js';
export { DownloadError, StoreError, type DownloadErrorKind } from './errors.js';
export { CANONICAL_HEADER, canonicalKey, formatTime, symbolStem } from './canonical.js';
export { timeframeMs, timeframeName } from '../marketdata/timeframe.js';
export { MANIFEST_FILE, readManifest, type Manifest, type ManifestEntry } from './manifest.js';
export {
  DataStore,
  defaultDataDir,
  loadEntries,
  sameMarket,
  sameMarketWarning,
  selectEntries,
  type BrokenFile,
  type Reconciled,
} from './store.js';
export { openCcxtSource, type CcxtSourceOptions } from './ccxt-source.js';
export {
  openAlpacaSource,
  alpacaTimeframe,
  ALPACA_DATA_URL,
  type AlpacaSourceOptions,
} from './alpaca-source.js';
export { download, type DownloadEvents, type DownloadRequest, type SymbolResult } from './download.js';
export { importFiles, type ImportRequest, type ImportResult } from './import.js';
export {
  syntheticSet,
  SYNTHETIC_ASSETS,
  DEFAULT_SYNTHETIC_SEED,
  type SyntheticOptions,
} from './synthetic.js';
export { DEFAULT_SET, defaultSetFrom, findDemoData, sharedDir, type DemoData } from './demo.js';
