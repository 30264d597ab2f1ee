/**
 * The local data folder (default ./data): canonical files at `<source>/<SYMBOL>_<timeframe>.csv` plus
 * manifest.json. This module maps keys to paths, describes a file for the manifest by loading it through the
 * simulator's own loader (so the manifest states what a simulation will see), and reconciles the manifest
 * with the files after anything unexpected (a crash between the two writes, a hand edit).
 */
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { printable } from '../core/errors.js';
import { DataError, loadBars, type LoadResult } from '../marketdata/index.js';
import { shellWord } from '../io/shell-word.js';
import { symbolKey } from '../marketdata/symbols.js';
import { formatTime } from './canonical.js';
import { StoreError } from './errors.js';
import {
  LIST_CAP,
  MANIFEST_FILE,
  readManifest,
  writeManifest,
  type Manifest,
  type ManifestEntry,
} from './manifest.js';

/** The local data folder: --dir, else WORKSTEAL_DATA_DIR, else ./data (relative to the current folder). */
export function defaultDataDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
): string {
  return resolve(cwd, env.WORKSTEAL_DATA_DIR || 'data');
}

/** A store file that changed and no longer loads: its key and the loader's finding (`file:row: problem`). */
export interface BrokenFile {
  key: string;
  problem: string;
}

/**
 * The loader's finding without its advice: that speaks of `simulate --repair`, while a store file is mended by
 * fixing the row or importing it again.
 */
export function loadProblem(err: DataError): string {
  return `${printable(err.row === undefined ? err.file : `${err.file}:${err.row}`)}: ${printable(err.problem)}`;
}

/** A manifest entry whose `file` is not its key (a hand edit): nothing reads either path through it. */
export interface MisfiledEntry {
  key: string;
  file: string;
}

/** Entries whose `file` differs from their key; `file` could point anywhere, even outside the store. */
export function misfiledEntries(manifest: Manifest): MisfiledEntry[] {
  return Object.entries(manifest.files)
    .filter(([key, e]) => e.file !== key)
    .map(([key, e]) => ({ key, file: e.file }));
}

export interface Reconciled {
  manifest: Manifest;
  /** Entries recomputed because their file changed; `before` holds each one as it was. */
  refreshed: string[];
  before: Record<string, ManifestEntry>;
  missing: string[];
  untracked: string[];
  broken: BrokenFile[];
  misfiled: MisfiledEntry[];
}

async function folderProblem(path: string): Promise<string | null> {
  try {
    return (await stat(path)).isDirectory() ? null : 'is a file, not a folder';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return code === 'ENOTDIR' ? 'lies under a file, not a folder' : `cannot be used (${code ?? String(err)})`;
  }
}

/** What the caller knows about a file that the file itself does not say. */
export type EntryMeta = Pick<ManifestEntry, 'source' | 'symbol' | 'assetClass' | 'timeframe'> &
  Partial<
    Pick<ManifestEntry, 'duplicates' | 'badRows' | 'problems' | 'coveredFrom' | 'origin' | 'editedAfterWrite'>
  >;

const LARGEST_GAPS = 10;

export class DataStore {
  constructor(readonly dir: string) {}

  pathOf(key: string): string {
    return join(this.dir, ...key.split('/'));
  }

  read(): Promise<Manifest> {
    return readManifest(this.dir);
  }

  write(manifest: Manifest): Promise<void> {
    return writeManifest(this.dir, manifest);
  }

  /** Loads the file as the simulator would and builds its manifest entry. */
  async describe(key: string, meta: EntryMeta): Promise<{ entry: ManifestEntry; load: LoadResult }> {
    const load = await loadBars(this.pathOf(key), {
      symbol: meta.symbol,
      assetClass: meta.assetClass,
      cacheDir: null,
    });
    const r = load.report;
    const gaps = [...r.gaps].sort((a, b) => b.missingBars - a.missingBars || a.after - b.after);
    const entry: ManifestEntry = {
      file: key,
      source: meta.source,
      symbol: meta.symbol,
      assetClass: meta.assetClass,
      timeframe: meta.timeframe,
      first: r.first === null ? null : formatTime(r.first),
      last: r.last === null ? null : formatTime(r.last),
      rows: r.bars,
      gaps: r.gapCount,
      missingBars: r.gaps.reduce((a, g) => a + g.missingBars, 0),
      largestGaps: gaps.slice(0, LARGEST_GAPS).map((g) => ({
        after: formatTime(g.after),
        before: formatTime(g.before),
        missingBars: g.missingBars,
      })),
      duplicates: meta.duplicates ?? 0,
      badRows: meta.badRows ?? 0,
      problems: (meta.problems ?? []).slice(0, LIST_CAP),
      sha256: load.series.source.sha256,
      updatedAt: new Date().toISOString(),
      ...(meta.coveredFrom !== undefined ? { coveredFrom: meta.coveredFrom } : {}),
      ...(meta.origin !== undefined ? { origin: meta.origin } : {}),
      ...(meta.editedAfterWrite !== undefined ? { editedAfterWrite: meta.editedAfterWrite } : {}),
    };
    return { entry, load };
  }

  /**
   * Brings the manifest in line with the files: an entry whose file changed (sha256) is recomputed from the
   * file, an entry whose file is gone is reported as missing (and kept, so the user sees it), and CSV files
   * in source folders that no entry describes are reported as untracked. A changed file the loader refuses
   * (a row with close 0 appended by hand) is reported as broken with the loader's message, its entry kept as
   * it was: one bad file must not hide the rest of the store. A recomputed entry keeps the mark that its file
   * was edited after worksteal wrote it (`editedAfterWrite`, the first such change). Writes the manifest when
   * it changed.
   */
  async reconcile(): Promise<Reconciled> {
    const manifest = await this.read();
    const refreshed: string[] = [];
    const before: Record<string, ManifestEntry> = {};
    const missing: string[] = [];
    const broken: BrokenFile[] = [];
    const misfiled = misfiledEntries(manifest);
    for (const [key, entry] of Object.entries(manifest.files)) {
      if (entry.file !== key) continue; // misfiled: its description cannot be trusted, nor its path followed
      let bytes: Buffer;
      try {
        bytes = await readFile(this.pathOf(key));
      } catch {
        missing.push(key);
        continue;
      }
      if (createHash('sha256').update(bytes).digest('hex') === entry.sha256) continue;
      try {
        const editedAfterWrite = entry.editedAfterWrite ?? {
          writtenAt: entry.updatedAt,
          writtenSha256: entry.sha256,
          noticedAt: new Date().toISOString(),
        };
        manifest.files[key] = (await this.describe(key, { ...entry, editedAfterWrite })).entry;
        refreshed.push(key);
        before[key] = entry;
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        broken.push({ key, problem: loadProblem(err) });
      }
    }
    if (refreshed.length > 0) await this.write(manifest);
    const untracked = (await this.csvFiles()).filter((k) => !(k in manifest.files));
    return { manifest, refreshed, before, missing, untracked, broken, misfiled };
  }

  /**
   * Refuses, before anything is written, a data folder or store sub-folder that is a file (or lies under one):
   * mkdir would fail deep inside a write with EEXIST or ENOTDIR. A folder that does not exist yet is fine.
   */
  async checkFolders(sources: readonly string[]): Promise<void> {
    for (const path of [this.dir, ...sources.map((s) => join(this.dir, s))]) {
      const problem = await folderProblem(path);
      if (problem === null) continue;
      throw new StoreError(
        path === this.dir
          ? `the data folder ${path} ${problem}: pass --dir a folder that exists, or move that file away. Nothing was written.`
          : `${path}, the store's folder for these files, ${problem}: move that file away. Nothing was written.`,
        2,
      );
    }
  }

  /**
   * `<source>/<name>.csv` keys of the CSV files one folder down (temp files start with a dot); with `top`,
   * also the CSV files in the folder itself (never store files: a folder of plain bar files has them).
   */
  async csvFiles(options: { top?: boolean } = {}): Promise<string[]> {
    const out: string[] = [];
    let sources;
    try {
      sources = await readdir(this.dir, { withFileTypes: true });
    } catch {
      return out;
    }
    const csv = (f: Dirent): boolean =>
      f.isFile() && !f.name.startsWith('.') && f.name.toLowerCase().endsWith('.csv');
    for (const s of sources) {
      if (options.top && csv(s)) out.push(s.name);
      if (!s.isDirectory() || s.name.startsWith('.')) continue;
      for (const f of await readdir(join(this.dir, s.name), { withFileTypes: true })) {
        if (csv(f)) out.push(`${s.name}/${f.name}`);
      }
    }
    return out.sort();
  }
}

/**
 * Entries of one timeframe, one per instrument (the first by key when two files hold the same one, also
 * spelled differently: ccxt-binance/BTC-USDT_1h.csv's BTC/USDT shadows import/BTCUSDT_1h.csv's BTCUSDT).
 */
export function selectEntries(
  manifest: Manifest,
  timeframe?: string,
): { entries: ManifestEntry[]; timeframe: string | null; shadowed: ManifestEntry[] } {
  const [bad] = misfiledEntries(manifest);
  if (bad) {
    throw new StoreError(
      `the store's manifest entry ${bad.key} says its file is ${bad.file}; nothing is read through an entry that names another file (it could lie outside the store). \`worksteal data list\` (with --dir for another store) flags it: set its "file" back to "${bad.key}", or delete the entry and import the file again.`,
      2,
    );
  }
  const all = Object.values(manifest.files).sort((a, b) => (a.file < b.file ? -1 : 1));
  if (all.length === 0) return { entries: [], timeframe: null, shadowed: [] };
  let tf = timeframe;
  if (tf === undefined) {
    const counts = new Map<string, number>();
    for (const e of all) counts.set(e.timeframe, (counts.get(e.timeframe) ?? 0) + 1);
    // Hourly is what the simulator's defaults are tuned for; otherwise the most common timeframe.
    tf = counts.has('1h') ? '1h' : [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  }
  const entries: ManifestEntry[] = [];
  const shadowed: ManifestEntry[] = [];
  const seen = new Set<string>();
  for (const e of all) {
    if (e.timeframe !== tf || e.rows === 0) continue;
    if (seen.has(symbolKey(e.symbol))) shadowed.push(e);
    else {
      seen.add(symbolKey(e.symbol));
      entries.push(e);
    }
  }
  return { entries, timeframe: tf ?? null, shadowed };
}

/**
 * Entries that hold one market at one timeframe in different files (BTC/USDT from ccxt-binance, BTCUSDT
 * imported from a Binance dump): `simulate --data <store>` refuses them (selectSeries), so `data import` and
 * `data list` say so first. Each group is sorted by file.
 */
export function sameMarket(manifest: Manifest): ManifestEntry[][] {
  const groups = new Map<string, ManifestEntry[]>();
  for (const e of Object.values(manifest.files)) {
    const k = `${symbolKey(e.symbol)} ${e.timeframe}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort((a, b) => (a.file < b.file ? -1 : 1)));
}

/**
 * What `data import` and `data list` say about one sameMarket group of the store at `dir`, with a command that
 * simulates each file alone. `--symbols` picks by spelling, so it tells the files apart only where the
 * spellings differ (BTC/USDT, BTCUSDT); one spelling in two sub-folders is picked by reading that sub-folder.
 */
export function sameMarketWarning(group: readonly ManifestEntry[], dir: string): string {
  const files = group.map((e) => `${e.symbol} in ${e.file}`).join(' and ');
  const spelled = (e: ManifestEntry): number => group.filter((o) => o.symbol === e.symbol).length;
  const picks = [
    ...new Set(
      group.map((e) =>
        spelled(e) === 1
          ? `worksteal simulate --data ${shellWord(dir)} --symbols ${shellWord(e.symbol)}`
          : `worksteal simulate --data ${shellWord(join(dir, dirname(e.file)))}`,
      ),
    ),
  ].map((c) => `\`${c}\``);
  return `${files} are one market at ${group[0]!.timeframe}: \`worksteal simulate --data ${shellWord(dir)}\` refuses to trade it twice. Simulate one file with ${picks.join(' or ')}, or keep one file: delete the other and its entry in ${join(dir, MANIFEST_FILE)}.`;
}

/** Loads store entries for a simulation, with the symbol and asset class the manifest records. */
export async function loadEntries(
  store: DataStore,
  entries: readonly ManifestEntry[],
  options: { cacheDir?: string | null } = {},
): Promise<LoadResult[]> {
  const out: LoadResult[] = [];
  for (const e of entries) {
    out.push(
      await loadBars(store.pathOf(e.file), {
        symbol: e.symbol,
        assetClass: e.assetClass,
        ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
      }),
    );
  }
  return out;
}
