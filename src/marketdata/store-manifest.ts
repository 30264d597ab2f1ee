/**
 * The format of a data store's `manifest.json` (`<data dir>/manifest.json`): one entry per canonical bar file,
 * keyed by the file's path under the data folder. It lives beside the loader, not the store, because reading a
 * store's files as plain bar files (`simulate --data ./data`) must honour what the manifest records about each
 * (its asset class: recorded-class.ts); src/data reads and writes the file (src/data/manifest.ts).
 */
import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;
/** Lists in an entry are capped: the counts are exact, the lists show the first/largest examples. */
export const LIST_CAP = 50;

const problemSchema = z.object({
  /** Bar time for downloaded bars, or the 1-based row of the imported file. */
  time: z.string().optional(),
  row: z.number().int().optional(),
  problem: z.string(),
  action: z.string(),
});

const entrySchema = z.object({
  file: z.string(),
  /** 'ccxt-binance', 'alpaca', 'import', or the name given to `data import --source`. */
  source: z.string(),
  symbol: z.string(),
  assetClass: z.enum(['crypto', 'stock']),
  timeframe: z.string(),
  first: z.string().nullable(),
  last: z.string().nullable(),
  rows: z.number().int().nonnegative(),
  gaps: z.number().int().nonnegative(),
  missingBars: z.number().nonnegative(),
  largestGaps: z.array(z.object({ after: z.string(), before: z.string(), missingBars: z.number() })),
  duplicates: z.number().int().nonnegative(),
  badRows: z.number().int().nonnegative(),
  problems: z.array(problemSchema),
  sha256: z.string(),
  updatedAt: z.string(),
  /** Downloads: the earliest start asked for and fully fetched; bars before the first one do not exist there. */
  coveredFrom: z.string().optional(),
  /** Imports: the original file. */
  origin: z
    .object({ path: z.string(), sha256: z.string(), layout: z.string(), timezone: z.string() })
    .optional(),
  /**
   * Set once the file was found changed outside worksteal (`data list`, or the check before an import or a
   * download): when data import or download had last written it (`writtenAt`, `writtenSha256`) and when the
   * change was noticed. The entry then describes the edited file, and this says its bars are not the ones
   * recorded; it stays through later edits and appended downloads, and goes when an import writes the file anew.
   */
  editedAfterWrite: z
    .object({ writtenAt: z.string(), writtenSha256: z.string(), noticedAt: z.string() })
    .optional(),
});

export const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  files: z.record(z.string(), entrySchema),
});

export type ManifestEntry = z.infer<typeof entrySchema>;
export type Manifest = z.infer<typeof manifestSchema>;
export type BarProblemRecord = z.infer<typeof problemSchema>;

export function emptyManifest(): Manifest {
  return { version: MANIFEST_VERSION, files: {} };
}

/** A parsed manifest.json when it is one this version wrote, else null (a file of the same name from elsewhere). */
export function parseManifest(json: unknown): Manifest | null {
  const parsed = manifestSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
