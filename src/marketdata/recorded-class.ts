/**
 * What a data store records for one of its files. `data import --asset-class crypto` (or the config's symbols
 * map at import) decides how a file's symbol is read, and the manifest keeps that choice; a command that reads
 * the store folder as plain files (`simulate --data ./data`) must not infer it again from the symbol, or SOL
 * imported as crypto trades as a stock. The loader asks here for every file it reads, so simulate, compare,
 * optimize, the replay venue and explain see the class `start` and `data list` see, and hear when a store
 * file no longer holds the bytes its entry describes (sha256).
 *
 * A store file lies at `<store>/<folder>/<name>.csv` beside `<store>/manifest.json`, found by its real path (a
 * symlink to a store file is that file). A manifest.json that is valid JSON without worksteal's shape (no
 * `version` nor `files` key: another tool's file of that name) records nothing. One that is plausibly ours
 * but cannot be used (not JSON, cut off, another version, an entry that fails the schema) is `unusable`: the
 * loader refuses rather than guess a class the store may record otherwise.
 * Synchronous and memoised by the manifest's size and modification time: a folder of many store files reads
 * its manifest once.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { AssetClass } from '../core/types.js';
import { DataError } from './errors.js';
import {
  MANIFEST_FILE,
  MANIFEST_VERSION,
  manifestSchema,
  type Manifest,
  type ManifestEntry,
} from './store-manifest.js';

export interface RecordedClass {
  assetClass: AssetClass;
  /** The symbol the manifest records for the file. */
  symbol: string;
  /** The manifest that records it, for messages. */
  manifest: string;
}

/** The store around a file: its folder, its manifest's path and the file's key (`<folder>/<name>.csv`). */
interface Place {
  store: string;
  manifest: string;
  key: string;
}

export type StoreRecord =
  | (Place & { kind: 'recorded'; entry: ManifestEntry })
  /** The manifest is worksteal's but cannot be used: `problem` says why, as `data list` would. */
  | (Place & { kind: 'unusable'; problem: string });

type Read = { manifest: Manifest } | { problem: string; files: Record<string, unknown> | null } | null;

const memo = new Map<string, { stamp: string; read: Read }>();

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a manifest's text: ours, ours but unusable (and why), or null (another tool's file). */
function readText(text: string): Read {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'is not valid JSON (cut off, or edited by hand)', files: null };
  }
  if (!isObject(json) || !('version' in json || 'files' in json)) return null;
  const files = isObject(json.files) ? json.files : null;
  if ('version' in json && json.version !== MANIFEST_VERSION) {
    return {
      problem: `is manifest version ${JSON.stringify(json.version)}, and this worksteal reads version ${MANIFEST_VERSION}`,
      files: null,
    };
  }
  const parsed = manifestSchema.safeParse(json);
  if (parsed.success) return { manifest: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    problem: `does not match manifest version ${MANIFEST_VERSION} (at ${issue?.path.join('.') || '(root)'}: ${issue?.message})`,
    files,
  };
}

function manifestAt(path: string): Read {
  let stamp: string;
  try {
    const s = statSync(path);
    if (!s.isFile()) return null;
    stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return null; // no manifest: not a store
  }
  const known = memo.get(path);
  if (known?.stamp === stamp) return known.read;
  let read: Read;
  try {
    read = readText(readFileSync(path, 'utf8'));
  } catch (err) {
    read = { problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, files: null };
  }
  memo.set(path, { stamp, read });
  return read;
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file); // a missing file: the read reports it
  }
}

/**
 * What the store around `file` records for it: its entry, `unusable` when the manifest is worksteal's but
 * cannot be used (and may record this file), or null when `file` is not a file of a store's manifest.
 */
export function storeRecord(file: string): StoreRecord | null {
  const abs = realPath(file);
  const folder = dirname(abs);
  const store = dirname(folder);
  const place: Place = {
    store,
    manifest: join(store, MANIFEST_FILE),
    key: `${basename(folder)}/${basename(abs)}`,
  };
  const read = manifestAt(place.manifest);
  if (read === null) return null;
  if ('problem' in read) {
    // Readable JSON whose files do not name this one records nothing about it, broken elsewhere or not.
    if (read.files !== null && !(place.key in read.files)) return null;
    return { ...place, kind: 'unusable', problem: read.problem };
  }
  const entry = read.manifest.files[place.key];
  if (!entry) return null;
  if (entry.file !== place.key) {
    return {
      ...place,
      kind: 'unusable',
      problem: `has an entry ${place.key} whose file says ${entry.file}`,
    };
  }
  return { ...place, kind: 'recorded', entry };
}

/** What the store around `file` records for it, or null when nothing usable records it. */
export function recordedClass(file: string): RecordedClass | null {
  const r = storeRecord(file);
  return r?.kind === 'recorded'
    ? { assetClass: r.entry.assetClass, symbol: r.entry.symbol, manifest: r.manifest }
    : null;
}

/**
 * The loader's refusal of a file whose store manifest is worksteal's but unusable: the class the store records
 * for it is unknown, and a guess from the symbol may trade SOL as a stock.
 */
export function unusableStoreError(file: string, r: StoreRecord & { kind: 'unusable' }): DataError {
  return new DataError(
    file,
    `lies in the data store ${r.store}, whose ${r.manifest} ${r.problem}; the asset class the store records for ${r.key} is unknown, and guessing it from the symbol could trade it as the wrong class.`,
    `\`worksteal data list --dir ${r.store}\` says why and what to do. To read the files as plain CSV files instead (each class inferred from its symbol), move ${r.manifest} away; or name the symbol's class in the config's symbols map.`,
  );
}
