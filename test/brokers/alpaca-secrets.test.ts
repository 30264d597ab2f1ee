import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlpacaError } from '../../src/brokers/alpaca/rest.js';
import { postWebhook } from '../../src/live/alerts.js';
import { Logger, MemorySink, redact } from '../../src/ports/log.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { RunChild } from '../support/fake-alpaca.js';
import { KEY, realSeries, rig } from './alpaca-rig.js';

/** Secrets never reach output: the logger and the CLI's error printer redact through one function. */
let series: BarSeries[];
const dir = mkdtempSync(join(tmpdir(), 'worksteal-secrets-'));
beforeAll(async () => {
  series = await realSeries();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alert = {
  kind: 'block-rate-high' as const,
  value: 0.9,
  threshold: 0.8,
  decisions: 60,
  at: 0,
  message: 'block rate high',
};

describe('redaction where text becomes output', () => {
  it('a webhook URL with credentials: the alert error path logs neither user nor password', async () => {
    const sink = new MemorySink();
    const log = new Logger([sink]);
    const url = 'https://hook-user:hook-pass-8c1f0e@127.0.0.1:9/services/alert';
    const error = await postWebhook(url, alert, 500).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    log.warn('alert-webhook-failed', { message: error!.message });
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]).not.toContain('hook-pass-8c1f0e');
    expect(sink.lines[0]).not.toContain('hook-user');
  });

  it('an AlpacaError whose body echoes the request headers logs no key and no secret', async () => {
    const r = await rig(series);
    r.fake.faults = { echoHeaders: true, failWith: (m, p) => (p === '/v2/account' ? 403 : null) };
    const error = await r.broker.account().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AlpacaError);
    expect((error as Error).message).toContain(KEY.secret); // the venue did echo it
    const sink = new MemorySink();
    new Logger([sink]).error('account-failed', { message: (error as Error).message, error });
    expect(sink.lines[0]).toMatch(/apca-api-secret-key.*\[redacted\]/);
    expect(sink.lines[0]).not.toContain(KEY.secret);
    expect(sink.lines[0]).not.toContain(KEY.keyId);
  });

  it('header shapes: JSON, escaped JSON, "Name: value" and bearer tokens', () => {
    const secret = 'z9-unregistered-secret';
    for (const text of [
      `{"apca-api-secret-key":"${secret}"}`,
      JSON.stringify({ message: `{"APCA-API-SECRET-KEY":"${secret}"}` }),
      `APCA-API-SECRET-KEY: ${secret}`,
      `authorization: Bearer ${secret}`,
      `proxy at http://admin:${secret}@10.0.0.1:3128 refused`,
    ]) {
      expect(redact(text)).not.toContain(secret);
      expect(redact(text)).toContain('[redacted]');
    }
    expect(redact('nothing secret here: http://127.0.0.1:8787/status')).toBe(
      'nothing secret here: http://127.0.0.1:8787/status',
    );
  });

  it('the CLI error printer: a start-up AlpacaError echoing the headers prints neither key nor secret', async () => {
    const r = await rig(series);
    r.fake.faults = { echoHeaders: true, failWith: (m, p) => (p === '/v2/clock' ? 403 : null) };
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        live: { symbols: ['SOL/USD'], stateDb: join(dir, 'state.sqlite'), http: { port: 0 } },
      }),
    );
    const child = new RunChild(['--broker', 'alpaca', '--config', join(dir, 'config.json')], {
      ALPACA_API_KEY_ID: KEY.keyId,
      ALPACA_API_SECRET_KEY: KEY.secret,
      WORKSTEAL_ALPACA_URL: r.fake.url,
      WORKSTEAL_ALPACA_DATA_URL: r.fake.url,
      WORKSTEAL_ALPACA_STREAM_URL: r.fake.streamUrl,
    });
    expect((await child.exited).code).toBe(1);
    const stderr = child.stderr.join('\n');
    expect(stderr).toMatch(/Alpaca GET \/v2\/clock answered 403/);
    expect(stderr).toContain('[redacted]');
    for (const text of [stderr, ...child.lines]) {
      expect(text).not.toContain(KEY.secret);
      expect(text).not.toContain(KEY.keyId);
    }
  });
});
