import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Coordinator, nyseCalendar, resolveConfig } from '../../src/index.js';
import { refusalOf as refusal } from '../support/refusal.js';

/**
 * A configuration edited after resolveConfig() is checked when the coordinator is built, by the schema
 * resolveConfig() uses: a bufferPct of -3 was taken and let 37,200 of margin be held on 10,000 of equity.
 */
const { config } = resolveConfig();
const now = Date.parse('2025-06-07T12:00:00Z');
const account = { equity: 10_000, patternDayTrader: false };
const base = { clock: { now: () => now }, calendar: nyseCalendar(), account, idPrefix: 't' };

describe('the coordinator checks its configuration values', () => {
  it('refuses bufferPct -3 naming the key and the value', () => {
    const cfg = structuredClone(config);
    cfg.bufferPct = -3;
    const error = refusal(() => new Coordinator({ ...base, config: cfg }));
    expect(error).not.toBeNull();
    expect(error!.issues).toEqual([
      expect.objectContaining({ where: 'options.config.bufferPct', value: -3 }),
    ]);
    expect(error!.message).toContain('resolveConfig()');
  });

  it('refuses NaN, a negative tolerance, a bad margin tier and an unknown key, each by its path', () => {
    const cfg = structuredClone(config) as unknown as Record<string, unknown>;
    cfg.protectionPct = -1;
    cfg.cooldownSec = Number.NaN;
    (cfg.margin as Record<string, unknown>).crypto = 'one';
    cfg.protectionPc = 0.1;
    const error = refusal(() => new Coordinator({ ...base, config: cfg as never }));
    const where = error!.issues.map((i) => i.where).sort();
    expect(where).toEqual(
      expect.arrayContaining([
        'options.config.cooldownSec',
        'options.config.protectionPc',
        'options.config.protectionPct',
      ]),
    );
    expect(where.some((w) => w.startsWith('options.config.margin'))).toBe(true);
    // An unknown key is named at its own path, with the closest known key (as resolveConfig() does).
    expect(error!.issues.find((i) => i.where === 'options.config.protectionPc')!.message).toContain(
      'did you mean "protectionPct"',
    );
  });

  it('accepts what resolveConfig() returns, and refuses exactly what resolveConfig() refuses', () => {
    const numericKeys = Object.keys(config).filter(
      (k) => typeof (config as unknown as Record<string, unknown>)[k] === 'number',
    );
    const value = fc.oneof(
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, 1, 0.99, 1e16),
      fc.integer({ min: -3, max: 30 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...numericKeys), value, (key, v) => {
        let resolved = true;
        try {
          resolveConfig({ layers: [{ source: 'test', values: { [key]: v } }] });
        } catch {
          resolved = false;
        }
        const cfg = { ...config, [key]: v };
        // With a bar length, so that keys in bars are judged by their values alone (bar-keys-need-bar-length).
        const error = refusal(() => new Coordinator({ ...base, config: cfg, barMs: 3_600_000 }));
        expect(error === null).toBe(resolved);
        if (error) expect(error.issues.map((i) => i.where)).toContain(`options.config.${key}`);
      }),
      { seed: 2929, numRuns: 400 },
    );
  });
});
