import type { LiveConfig } from '../core/config/live-schema.js';

export type AlertKind = 'steal-success-low' | 'block-rate-high';

export interface Alert {
  kind: AlertKind;
  /** The rate that crossed the threshold, over the last `decisions` decisions. */
  value: number;
  threshold: number;
  decisions: number;
  at: number;
  message: string;
}

interface Entry {
  block: boolean;
  attempt: boolean;
  stole: boolean;
}

/**
 * Watches the recent decisions and raises an alert when the steal success rate falls below, or the block
 * rate rises above, its threshold (edge-triggered: once per crossing, and a note when it recovers).
 *   steal success = completed steals / steal attempts;   block rate = blocks / decisions.
 */
export class AlertMonitor {
  private readonly entries: Entry[] = [];
  private readonly active = new Set<AlertKind>();
  readonly raised: Alert[] = [];

  constructor(
    private readonly config: LiveConfig['alerts'],
    private readonly sink: { raise(alert: Alert): void; resolve(kind: AlertKind, at: number): void },
  ) {}

  /** One coordinator decision (waits excluded: they hold no capacity). */
  observeDecision(block: boolean, stealAttempt: boolean): void {
    this.entries.push({ block, attempt: stealAttempt, stole: false });
    if (this.entries.length > this.config.window) this.entries.shift();
  }

  /** The last decision's request ended in a completed steal. */
  observeSteal(): void {
    const last = this.entries.at(-1);
    if (last) last.stole = true;
  }

  rates(): { decisions: number; blockRate: number | null; stealSuccess: number | null } {
    const n = this.entries.length;
    let blocks = 0;
    let attempts = 0;
    let stole = 0;
    for (const e of this.entries) {
      if (e.block) blocks++;
      if (e.attempt) attempts++;
      if (e.stole) stole++;
    }
    return {
      decisions: n,
      blockRate: n ? blocks / n : null,
      stealSuccess: attempts ? stole / attempts : null,
    };
  }

  /** Compare the rates with the thresholds; call after each request's outcome. */
  evaluate(at: number): void {
    const { decisions, blockRate, stealSuccess } = this.rates();
    if (decisions < this.config.minDecisions) return;
    this.check(
      'block-rate-high',
      blockRate !== null && blockRate > this.config.blockRateAbove,
      blockRate ?? 0,
      this.config.blockRateAbove,
      decisions,
      at,
      `block rate ${pct(blockRate)} over the last ${decisions} decisions is above ${pct(this.config.blockRateAbove)}`,
    );
    this.check(
      'steal-success-low',
      stealSuccess !== null && stealSuccess < this.config.stealSuccessBelow,
      stealSuccess ?? 0,
      this.config.stealSuccessBelow,
      decisions,
      at,
      `steal success ${pct(stealSuccess)} over the last ${decisions} decisions is below ${pct(this.config.stealSuccessBelow)}`,
    );
  }

  isActive(kind: AlertKind): boolean {
    return this.active.has(kind);
  }

  private check(
    kind: AlertKind,
    crossed: boolean,
    value: number,
    threshold: number,
    decisions: number,
    at: number,
    message: string,
  ): void {
    if (crossed && !this.active.has(kind)) {
      this.active.add(kind);
      const alert = { kind, value, threshold, decisions, at, message };
      this.raised.push(alert);
      this.sink.raise(alert);
    } else if (!crossed && this.active.has(kind)) {
      this.active.delete(kind);
      this.sink.resolve(kind, at);
    }
  }
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/**
 * POST an alert as JSON. A failure is reported to the caller, naming only the host: a webhook URL often
 * carries a token in its path.
 */
export async function postWebhook(url: string, alert: Alert, timeoutMs = 5000): Promise<void> {
  let host = 'the webhook';
  try {
    host = new URL(url).host;
  } catch {
    // keep the generic name
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'worksteal', ...alert, at: new Date(alert.at).toISOString() }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new Error(`alert webhook at ${host} is unreachable (${(error as Error).message})`);
  }
  if (!response.ok) throw new Error(`alert webhook at ${host} answered ${response.status}`);
}
