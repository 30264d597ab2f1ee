/**
 * `<data dir>/manifest.json`: what the store holds, one entry per canonical file, keyed by the file's path
 * under the data folder. The files are the truth; the manifest describes them (range, rows, gaps, quality,
 * sha256) and remembers what the files cannot say: where the bars came from and which range was asked for.
 * It is rewritten atomically after every change to a file, and an entry whose sha256 no longer matches its
 * file is recomputed from the file (store.ts), so a crash between the two writes cannot mislead anyone.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic.js';
import { StoreError } from './errors.js';

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
});

const manifestSchema = z.object({
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

export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyManifest();
    throw new StoreError(`${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StoreError(
      `${path} is not valid JSON. The bar files beside it are intact; move the manifest away and import them again with \`worksteal data import <file or folder> --dir ${dir}\`.`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreError(
      `${path} does not match manifest version ${MANIFEST_VERSION} (at ${issue?.path.join('.') || '(root)'}: ${issue?.message}). Move it away and import the files again, or use the worksteal version that wrote it.`,
    );
  }
  return parsed.data;
}

/** Writes the manifest with sorted keys, so diffs of the file stay readable. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const files = Object.fromEntries(
    Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify({ ...manifest, files }, null, 2)}\n`);
}
