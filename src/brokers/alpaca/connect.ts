import type { LimiterClock } from './limiter.js';
import { RateLimiter } from './limiter.js';
import { AlpacaBroker } from './broker.js';
import { alpacaCredentials, alpacaEndpoints, alpacaTimeouts, alpacaUnreachableChecks } from './env.js';
import { AlpacaRest } from './rest.js';
import { AlpacaStream } from './stream.js';
import type { Logger } from '../../ports/log.js';

export interface AlpacaConnection {
  rest: AlpacaRest;
  stream: AlpacaStream;
  broker: AlpacaBroker;
}

/**
 * Everything that talks to Alpaca, from the environment (keys, endpoints, timeouts), registered with the
 * logger's redaction before anything can fail. The stream is not started here.
 */
export function alpacaConnection(o: {
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  clock: LimiterClock;
  /** Market time (the session of an extended-hours order depends on it). */
  now: () => number;
  extendedHours: boolean;
  onRateLimited?: () => void;
}): AlpacaConnection {
  const credentials = alpacaCredentials(o.env);
  o.log.addSecret(credentials.keyId);
  o.log.addSecret(credentials.secret);
  const urls = alpacaEndpoints(o.env);
  const timeouts = alpacaTimeouts(o.env);
  const unreachable = alpacaUnreachableChecks(o.env);
  const rest = new AlpacaRest({
    tradingUrl: urls.trading,
    dataUrl: urls.data,
    credentials,
    limiter: new RateLimiter(o.clock, 200, 60_000),
    now: () => o.clock.now(),
    timeoutMs: timeouts.requestMs,
    unreachable: { trading: unreachable.trading, data: unreachable.data },
    ...(o.onRateLimited ? { onRateLimited: o.onRateLimited } : {}),
  });
  const stream = new AlpacaStream({
    url: urls.stream,
    credentials,
    log: o.log,
    connectTimeoutMs: timeouts.requestMs,
    unreachable: unreachable.stream,
  });
  const broker = new AlpacaBroker({
    rest,
    stream,
    log: o.log,
    cancelTimeoutMs: timeouts.cancelMs,
    extendedHours: o.extendedHours,
    now: o.now,
  });
  return { rest, stream, broker };
}
