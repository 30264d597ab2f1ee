/** Differential evolution optimiser: DE/rand/1/bin and JADE, ask/tell, seeded and resumable. */
export {
  DifferentialEvolution,
  type BestPoint,
  type Candidate,
  type DEState,
  type EvalResult,
  type HistoryEntry,
  type StopReason,
  type StopStatus,
} from './de.js';
export { minimize, type BatchEvaluator, type MinimizeResult } from './minimize.js';
export type { DEOptions, Strategy } from './options.js';
export { Rng, type RngState } from './rng.js';
export { decode, decodeKey, decodeValue, encode, encodeValue, validateSpace } from './space.js';
export type { ParamKind, ParamSpec, ParamValue, Params } from './space.js';
