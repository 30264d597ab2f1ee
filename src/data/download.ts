/**
 * `data download`: bars from a source into the store, incrementally.
 *
 * Per symbol the store file covers one contiguous requested range, [coveredFrom, last bar]. A call fetches
 * only what is outside it: the head [from, first bar) when --from is earlier than anything asked before, and
 * the tail after the last stored bar. Only closed bars are stored (open + interval ≤ now), so the next call
 * picks up the bar that was still forming.
 *
 * Durability: tail bars are buffered and appended in batches that grow with the file (a quarter of its rows,
 * or every 15 s), each batch an atomic replace of the file followed by a manifest rewrite. A crash or a
 * kill therefore loses at most the unflushed batch and never damages what is stored; on network errors and
 * Ctrl-C the batch is flushed before the error is raised. A head fill is written in one replace at its end.
 */
import { readFile } from 'node:fs/promises';
import { appendFileAtomic, writeFileAtomic } from './atomic.js';
import {
  CANONICAL_HEADER,
  canonicalKey,
  checkBar,
  formatBars,
  formatTime,
  type BarProblem,
} from './canonical.js';
import { DownloadError, StoreError } from './errors.js';
import { lockStore } from './lock.js';
import { LIST_CAP, type Manifest, type ManifestEntry } from './manifest.js';
import type { DataStore, EntryMeta } from './store.js';
import { timeframeMs } from '../marketdata/timeframe.js';
import type { Bar, BarSource } from './types.js';

export interface DownloadEvents {
  /** The source answered and knows every symbol (as it spells them): downloading starts. */
  ready?(symbols: readonly string[]): void;
  /** A symbol starts: the span of open times it will ask for (`since` to `until`), and what was stored. */
  symbolStart?(symbol: string, span: { since: number; until: number; stored: ManifestEntry | null }): void;
  /** Progress within the current symbol, as time covered of the span, in ms. */
  progress?(symbol: string, doneMs: number, totalMs: number): void;
  symbolDone?(result: SymbolResult): void;
  /** Something the user should know that is not an error (a late first bar, a repaired bar). */
  notice?(message: string): void;
}

export interface DownloadRequest {
  source: BarSource;
  store: DataStore;
  symbols: readonly string[];
  timeframe: string;
  /** First bar open time wanted; optional when the store already holds the symbol (then: continue it). */
  from?: number;
  /** Exclusive end of bar open times; default: now. */
  to?: number;
  /** The clock, for tests. */
  now?: number;
  signal?: AbortSignal;
  events?: DownloadEvents;
  /** Forced flush interval for the tail buffer; default 15 s. */
  flushIntervalMs?: number;
}

export interface SymbolResult {
  symbol: string;
  key: string;
  path: string;
  /** Bars added by this call. */
  added: number;
  /** The manifest entry after the call; null when the source had no bars and nothing is stored. */
  entry: ManifestEntry | null;
  /** Bars dropped or repaired by this call (also recorded in the manifest). */
  problems: BarProblem[];
}

const LATE_START_MS = 7 * 86_400_000;

function interrupted(symbol: string, path: string): DownloadError {
  return new DownloadError(
    'interrupted',
    `interrupted while downloading ${symbol}; the bars received so far are in ${path}. Run the same command again to resume.`,
  );
}

class SymbolDownload {
  private pending: Bar[] = [];
  private lastFlush = Date.now();
  private entry: ManifestEntry | null;
  private readonly key: string;
  private readonly path: string;
  private readonly step: number;
  readonly newProblems: BarProblem[] = [];
  added = 0;

  constructor(
    private readonly req: DownloadRequest,
    private readonly manifest: Manifest,
    private readonly symbol: string,
  ) {
    this.key = canonicalKey(req.source.id, symbol, req.timeframe);
    this.path = req.store.pathOf(this.key);
    this.entry = manifest.files[this.key] ?? null;
    this.step = timeframeMs(req.timeframe) as number;
  }

  private meta(coveredFrom: string | undefined): EntryMeta {
    const problems = [...(this.entry?.problems ?? []), ...this.newProblems.map((p) => ({ ...p }))];
    return {
      source: this.req.source.id,
      symbol: this.symbol,
      assetClass: this.req.source.assetClass,
      timeframe: this.req.timeframe,
      badRows: (this.entry?.badRows ?? 0) + this.newProblems.length,
      problems: problems.slice(0, LIST_CAP),
      ...(coveredFrom !== undefined ? { coveredFrom } : {}),
      // Appended bars leave a hand edit of the older ones in the file: the mark stays.
      ...(this.entry?.editedAfterWrite ? { editedAfterWrite: this.entry.editedAfterWrite } : {}),
    };
  }

  private async record(coveredFrom: string | undefined): Promise<void> {
    const { entry } = await this.req.store.describe(this.key, this.meta(coveredFrom));
    this.entry = entry;
    this.manifest.files[this.key] = entry;
    await this.req.store.write(this.manifest);
  }

  /** Writes the buffered tail bars (atomic replace), then the manifest. */
  private async flush(coveredFrom: string): Promise<void> {
    if (this.pending.length === 0) return;
    const text = formatBars(this.pending);
    if (this.entry === null) await writeFileAtomic(this.path, CANONICAL_HEADER + text);
    else await appendFileAtomic(this.path, text);
    this.added += this.pending.length;
    this.pending = [];
    this.lastFlush = Date.now();
    await this.record(this.entry?.coveredFrom ?? coveredFrom);
  }

  private shouldFlush(): boolean {
    const stored = this.entry?.rows ?? 0;
    return (
      this.pending.length >= stored / 4 || Date.now() - this.lastFlush >= (this.req.flushIntervalMs ?? 15_000)
    );
  }

  /** Bars of one page that belong to [since, end) and come after `after`, checked like the loader checks rows. */
  private accept(page: readonly Bar[], since: number, end: number, after: number): Bar[] {
    const out: Bar[] = [];
    let last = after;
    for (const b of page) {
      if (b.time < since || b.time >= end || b.time <= last) continue;
      const checked = checkBar(b);
      if (checked.problem) {
        this.newProblems.push(checked.problem);
        this.req.events?.notice?.(
          `${this.symbol} ${checked.problem.time}: ${checked.problem.problem} (${checked.problem.action})`,
        );
      }
      if (checked.bar) {
        out.push(checked.bar);
        last = b.time;
      }
    }
    return out;
  }

  async run(from: number | undefined, end: number): Promise<SymbolResult> {
    const { source, events } = this.req;
    const stored = this.entry;
    const start = from ?? (stored ? Date.parse(stored.coveredFrom ?? (stored.first as string)) : undefined);
    if (start === undefined) {
      throw new DownloadError(
        'usage',
        `--from is needed for ${this.symbol}: the store has no ${this.req.timeframe} bars of it yet (e.g. --from 2023-01-01).`,
      );
    }
    if (stored && stored.first !== null) {
      const covered = Date.parse(stored.coveredFrom ?? stored.first);
      // Up to the first stored bar whatever --to says: a head that stopped short would leave a hole.
      if (start < covered) await this.fillHead(start, Date.parse(stored.first));
    }
    const since = this.entry?.last ? Date.parse(this.entry.last) + this.step : start;
    events?.symbolStart?.(this.symbol, { since, until: end, stored });
    if (since < end) await this.fillTail(since, end, formatTime(start));
    events?.progress?.(this.symbol, Math.max(0, end - since), Math.max(0, end - since));
    if (this.entry === null && !source.checksSymbols) {
      const hint = source.symbolHint ? ` (${source.symbolHint(this.symbol)})` : '';
      throw new DownloadError(
        'unknown-symbol',
        `${source.label} returned no ${this.req.timeframe} bars for ${this.symbol} from ${formatTime(start)} to ${formatTime(end)}: the symbol may not exist${hint}, or it did not trade in that range.`,
      );
    }
    if (this.entry === null) {
      events?.notice?.(
        `${source.label} has no ${this.req.timeframe} bars of ${this.symbol} from ${formatTime(start)} to ${formatTime(end)}.`,
      );
    }
    return {
      symbol: this.symbol,
      key: this.key,
      path: this.path,
      added: this.added,
      entry: this.entry,
      problems: this.newProblems,
    };
  }

  private async fillHead(from: number, before: number): Promise<void> {
    const head: Bar[] = [];
    const { source, signal } = this.req;
    for await (const page of source.pages(this.symbol, this.req.timeframe, from, before)) {
      head.push(...this.accept(page, from, before, head[head.length - 1]?.time ?? -Infinity));
      if (signal?.aborted) throw interrupted(this.symbol, this.path);
      const lastTime = page[page.length - 1]?.time;
      if (lastTime === undefined || lastTime + this.step >= before) break;
    }
    if (head.length > 0) {
      const text = await readFile(this.path, 'utf8');
      const body = text.slice(text.indexOf('\n') + 1);
      await writeFileAtomic(this.path, CANONICAL_HEADER + formatBars(head) + body);
      this.added += head.length;
    }
    await this.record(formatTime(from));
  }

  private async fillTail(since: number, end: number, coveredFrom: string): Promise<void> {
    const { source, signal, events } = this.req;
    let last = this.entry?.last ? Date.parse(this.entry.last) : -Infinity;
    let firstSeen = this.entry !== null;
    try {
      for await (const page of source.pages(this.symbol, this.req.timeframe, since, end)) {
        const bars = this.accept(page, since, end, last);
        const first = bars[0];
        if (!firstSeen && first !== undefined) {
          firstSeen = true;
          if (first.time - since > LATE_START_MS) {
            events?.notice?.(
              `${source.label} has ${this.symbol} ${this.req.timeframe} bars only from ${formatTime(first.time)} (asked from ${formatTime(since)}).`,
            );
          }
        }
        for (const b of bars) this.pending.push(b);
        const lastBar = bars[bars.length - 1];
        if (lastBar) last = lastBar.time;
        const pageLast = page[page.length - 1]?.time;
        events?.progress?.(
          this.symbol,
          Math.min(end, Math.max(last, pageLast ?? last) + this.step) - since,
          end - since,
        );
        if (signal?.aborted) {
          await this.flush(coveredFrom);
          throw interrupted(this.symbol, this.path);
        }
        if (this.shouldFlush()) await this.flush(coveredFrom);
        if (pageLast === undefined || pageLast + this.step >= end) break;
      }
    } catch (err) {
      // Whatever arrived before the failure is good data: keep it, then report the failure.
      if (!(err instanceof DownloadError && err.kind === 'interrupted')) await this.flush(coveredFrom);
      throw err;
    }
    await this.flush(coveredFrom);
  }
}

/** Downloads each symbol in turn (one progress bar at a time, and one set of rate limits). */
export async function download(req: DownloadRequest): Promise<SymbolResult[]> {
  const step = timeframeMs(req.timeframe);
  if (step === null) {
    throw new DownloadError(
      'usage',
      `--timeframe ${req.timeframe}: expected a number and a unit m, h, d or w (e.g. 1h).`,
    );
  }
  req.source.checkTimeframe(req.timeframe);
  const now = req.now ?? Date.now();
  // Open times before `end` are closed bars: a bar that opened at t is complete at t + step.
  const end = Math.min(req.to ?? Infinity, now - step + 1);
  if (req.from !== undefined && req.from >= end) {
    throw new DownloadError(
      'usage',
      `--from ${formatTime(req.from)} is not before the end of the range (${formatTime(end)}${req.to === undefined ? ', the last closed bar' : ''}).`,
    );
  }
  const symbols = await req.source.resolveSymbols(req.symbols);
  req.events?.ready?.(symbols);
  await req.store.checkFolders([req.source.id]);
  const release = await lockStore(req.store.dir);
  try {
    const { manifest, missing, broken } = await req.store.reconcile();
    const results: SymbolResult[] = [];
    for (const symbol of symbols) {
      if (req.signal?.aborted) throw interrupted(symbol, req.store.dir);
      const key = canonicalKey(req.source.id, symbol, req.timeframe);
      // An entry whose file is gone describes nothing: start that symbol afresh.
      if (missing.includes(key)) delete manifest.files[key];
      // Appending to a file that no longer loads would store bars no simulation can read.
      const damaged = broken.find((b) => b.key === key);
      if (damaged) {
        throw new StoreError(
          `${req.store.pathOf(key)} was changed outside worksteal and no longer loads (${damaged.problem}): fix that row, or delete the file and run \`worksteal data list\`, then download again.`,
          2,
        );
      }
      const result = await new SymbolDownload(req, manifest, symbol).run(req.from, end);
      req.events?.symbolDone?.(result);
      results.push(result);
    }
    return results;
  } finally {
    await release();
  }
}
