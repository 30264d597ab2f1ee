import type { WorkstealConfig } from './schema.js';

export interface ConfigWarning {
  keys: string[];
  message: string;
}

/**
 * Soft problems: legal values whose combination behaves in a way the user probably did not intend.
 * They are reported, never silently accepted and never fatal.
 */
export function configWarnings(c: WorkstealConfig): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const tolerances: [string, number][] = [
    ['normalTolerance', c.normalTolerance],
    ['cryptoNormalTolerance', c.cryptoNormalTolerance],
    ['cryptoOutOfHoursTolerance', c.cryptoOutOfHoursTolerance],
  ];
  for (const [key, value] of tolerances) {
    if (c.stealingEnabled && c.stealEntryTolerance < value) {
      out.push({
        keys: ['stealEntryTolerance', key],
        message:
          `dead zone: stealEntryTolerance ${pct(c.stealEntryTolerance)} is below ${key} ${pct(value)}; ` +
          `a watcher between the two may rest its order but can never steal capacity for it`,
      });
    }
  }
  for (const [key, value] of [
    ...tolerances,
    ['stealEntryTolerance', c.stealEntryTolerance] as [string, number],
  ]) {
    if (c.protectionPct >= value) {
      out.push({
        keys: ['protectionPct', key],
        message:
          `protectionPct ${pct(c.protectionPct)} is not below ${key} ${pct(value)}; every order resting under ` +
          `that tolerance is protected, so none of them can ever be a victim`,
      });
    }
  }
  if (c.fightCooldownSec <= c.cooldownSec) {
    out.push({
      keys: ['fightCooldownSec', 'cooldownSec'],
      message: `fightCooldownSec ${c.fightCooldownSec}s is not longer than cooldownSec ${c.cooldownSec}s; a detected fight cools no longer than an ordinary steal`,
    });
  }
  if (c.fightWindowSec < c.cooldownSec) {
    out.push({
      keys: ['fightWindowSec', 'cooldownSec'],
      message: `fightWindowSec ${c.fightWindowSec}s is shorter than cooldownSec ${c.cooldownSec}s; repeated steals cannot accumulate within the window, so fights are never detected`,
    });
  }
  return out;
}

const pct = (x: number): string => `${+(x * 100).toFixed(4)}%`;
