import { DEFAULT_CONFIG } from './presets.js';
import type { WorkstealConfig } from './schema.js';
import type { ConfigWarning } from './config-warning.js';
import { simWarnings } from './sim-warnings.js';

export type { ConfigWarning } from './config-warning.js';

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
  // At 0 the dead zones are the whole of every tolerance; stealEntryToleranceWarnings says so once.
  for (const [key, value] of tolerances) {
    if (c.stealingEnabled && c.stealEntryTolerance > 0 && c.stealEntryTolerance < value) {
      out.push({
        keys: ['stealEntryTolerance', key],
        message:
          `dead zone: stealEntryTolerance ${pct(c.stealEntryTolerance)} is below ${key} ${pct(value)}; ` +
          `a watcher between the two may rest its order but can never steal capacity for it`,
      });
    }
  }
  // Orders rest under the entry tolerances, so those are what protection is compared with. stealEntryTolerance
  // is no tolerance an order rests under: it bounds the requester, and a protectionPct above it only means a
  // stealer is closer to filling than any order it may cancel, which is the point of stealing.
  for (const [key, value] of tolerances) {
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
  out.push(...stealEntryToleranceWarnings(c), ...fractionWarnings(c), ...marginWarnings(c));
  if (c.sim.feesBps !== null) {
    out.push({
      keys: ['sim.feesBps', 'sim.fees'],
      message: `sim.feesBps ${c.sim.feesBps} (deprecated) replaces sim.fees: every fill of every asset class pays ${c.sim.feesBps} bps, maker or taker; remove sim.feesBps to use sim.fees`,
    });
  }
  out.push(...valueWarnings(c), ...barWarnings(c), ...simWarnings(c), ...researchWarnings(c));
  return out;
}

/** Keys of the value rankings that do nothing under `victimRanking: distance`. */
const VALUE_KEYS = [
  'stealHysteresis',
  'stealCostPerNotional',
  'stealerCostPct',
  'protectionFillProbability',
  'forceImmediateMinFillProbability',
] as const;

function valueWarnings(c: WorkstealConfig): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  if (c.victimRanking === 'distance') {
    const changed = VALUE_KEYS.filter((k) => c[k] !== DEFAULT_CONFIG[k]);
    if (changed.length > 0) {
      out.push({
        keys: ['victimRanking', ...changed],
        message:
          `${changed.join(', ')} ${changed.length === 1 ? 'is' : 'are'} set but victimRanking is 'distance', ` +
          `which ignores ${changed.length === 1 ? 'it' : 'them'}; set victimRanking to 'fillProbability' or 'expectedValue'`,
      });
    }
    return out;
  }
  if (c.stealingEnabled && c.stealHysteresis >= 1e6) {
    out.push({
      keys: ['stealHysteresis'],
      message: `stealHysteresis ${c.stealHysteresis} asks a stealer to be worth a million times its victims: stealing is effectively off; say so with stealingEnabled: false`,
    });
  }
  if (c.protectionFillProbability === 0) {
    out.push({
      keys: ['protectionFillProbability'],
      message: `protectionFillProbability 0 protects every order (any chance to fill is ≥ 0), so nothing can ever be a victim`,
    });
  }
  if (c.forceImmediateMinFillProbability >= 1) {
    out.push({
      keys: ['forceImmediateMinFillProbability'],
      message: `forceImmediateMinFillProbability ${c.forceImmediateMinFillProbability} lets only marketable force-immediate orders rest; cryptoOutOfHoursForceCount then does nothing`,
    });
  }
  return out;
}

/** `*Bars` keys: they replace their seconds twins, and the seconds-based checks above do not see them. */
/** Each key in bars and the key in seconds it replaces wherever the bar length is known (simulate, run). */
export const BARS_REPLACE_SECONDS = [
  ['cooldownBars', 'cooldownSec'],
  ['fightWindowBars', 'fightWindowSec'],
  ['fightCooldownBars', 'fightCooldownSec'],
] as const;

function barWarnings(c: WorkstealConfig): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  for (const [bars, sec] of BARS_REPLACE_SECONDS) {
    if (c[bars] > 0 && c[sec] !== DEFAULT_CONFIG[sec]) {
      out.push({
        keys: [bars, sec],
        message: `${bars} ${c[bars]} replaces ${sec} ${c[sec]}s wherever the bar length is known (simulate, run); remove one of them`,
      });
    }
  }
  if (c.cooldownBars > 0 && c.fightWindowBars > 0 && c.fightWindowBars < c.cooldownBars) {
    out.push({
      keys: ['fightWindowBars', 'cooldownBars'],
      message: `fightWindowBars ${c.fightWindowBars} is shorter than cooldownBars ${c.cooldownBars}; repeated steals cannot accumulate within the window, so fights are never detected`,
    });
  }
  return out;
}

/**
 * Keys given as fractions whose useful values are a few percent at most: a value of 20% or more is most
 * likely a percentage typed as a number (0.57 for 0.57%).
 */
const SMALL_FRACTIONS = [
  'protectionPct',
  'stealEntryTolerance',
  'normalTolerance',
  'cryptoNormalTolerance',
  'cryptoOutOfHoursTolerance',
] as const;

function fractionWarnings(c: WorkstealConfig): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  for (const key of SMALL_FRACTIONS) {
    if (c[key] >= 0.2) {
      out.push({
        keys: [key],
        message: `${key} ${c[key]} is ${pct(c[key])}: every *Pct and tolerance is a fraction; if you meant ${c[key]}%, write ${+(c[key] / 100).toPrecision(6)}`,
      });
    }
  }
  return out;
}

/**
 * A requester may steal only within stealEntryTolerance (README "The rules in one table", readiness); at 0
 * only a request whose limit is already at or through the price qualifies, and a resting-limit strategy never
 * sends one.
 */
function stealEntryToleranceWarnings(c: WorkstealConfig): ConfigWarning[] {
  if (!c.stealingEnabled || c.stealEntryTolerance > 0) return [];
  const force =
    c.cryptoOutOfHoursForceCount > 0
      ? `, or is one of the top ${c.cryptoOutOfHoursForceCount} cryptos out of hours (force-immediate, cryptoOutOfHoursForceCount)`
      : '';
  return [
    {
      keys: ['stealEntryTolerance', 'stealingEnabled'],
      message:
        `stealEntryTolerance 0: a requester may steal only when its limit is already at or through the price (distance ≤ 0)${force}; ` +
        `in effect no request waiting within its entry tolerance ever steals. To turn stealing off, say stealingEnabled: false; ` +
        `to steal, give the distance within which a requester may (${DEFAULT_CONFIG.stealEntryTolerance} by default)`,
    },
  ];
}

/** The stock margin table: the tiers are picked by equity, smallest account first (src/core/margin). */
function marginWarnings(c: WorkstealConfig): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const m = c.margin.stock;
  if (m.intradayPdt > m.overnight) {
    out.push({
      keys: ['margin.stock.intradayPdt', 'margin.stock.overnight'],
      message: `margin.stock.intradayPdt ${m.intradayPdt} is above margin.stock.overnight ${m.overnight}: a pattern day trader would get less leverage intraday than overnight; the intraday requirement is the smaller one (0.25 against 0.5 by default)`,
    });
  }
  if (m.pdtMinEquity < m.marginMinEquity) {
    out.push({
      keys: ['margin.stock.pdtMinEquity', 'margin.stock.marginMinEquity'],
      message: `margin.stock.pdtMinEquity ${m.pdtMinEquity} is below margin.stock.marginMinEquity ${m.marginMinEquity}: an account under marginMinEquity may not borrow at all, so a pattern day trader gets intraday leverage only from ${m.marginMinEquity}, not ${m.pdtMinEquity}; the PDT minimum is the larger one (25,000 against 2,000 by default)`,
    });
  }
  return out;
}

/** Research settings read the future on purpose: every check and run of such a config says so. */
function researchWarnings(c: WorkstealConfig): ConfigWarning[] {
  const { signalSkill, signalSkillSeed } = c.sim.research;
  if (signalSkill > 0) {
    return [
      {
        keys: ['sim.research.signalSkill'],
        message: `sim.research.signalSkill ${signalSkill}: research: look-ahead signals (a share ${signalSkill} of the signals enter where the price really went); the results measure the stealing policy at that skill, not a strategy anyone could trade`,
      },
    ];
  }
  if (signalSkillSeed !== DEFAULT_CONFIG.sim.research.signalSkillSeed) {
    return [
      {
        keys: ['sim.research.signalSkillSeed', 'sim.research.signalSkill'],
        message: `sim.research.signalSkillSeed ${signalSkillSeed} is set but sim.research.signalSkill is 0, which ignores it`,
      },
    ];
  }
  return [];
}

const pct = (x: number): string => `${+(x * 100).toFixed(4)}%`;
