import { ValidationError } from '../../core/errors.js';
import type { AlpacaCredentials } from './rest.js';

/** Thrown when the environment lacks what an Alpaca session needs; the message names the variables only. */
export class MissingCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingCredentialsError';
  }
}

/**
 * API keys come from the environment only, never from a config file or the command line (where they would
 * land in shell history and process lists): ALPACA_API_KEY_ID / ALPACA_API_SECRET_KEY, or Alpaca's own
 * APCA_API_KEY_ID / APCA_API_SECRET_KEY.
 */
export function alpacaCredentials(env: Readonly<Record<string, string | undefined>>): AlpacaCredentials {
  const keyId = env.ALPACA_API_KEY_ID || env.APCA_API_KEY_ID;
  const secret = env.ALPACA_API_SECRET_KEY || env.APCA_API_SECRET_KEY;
  const missing = [
    ...(keyId ? [] : ['ALPACA_API_KEY_ID (or APCA_API_KEY_ID)']),
    ...(secret ? [] : ['ALPACA_API_SECRET_KEY (or APCA_API_SECRET_KEY)']),
  ];
  if (missing.length) {
    throw new MissingCredentialsError(
      `--broker alpaca needs API keys in the environment: set ${missing.join(' and ')} (paper keys from the Alpaca dashboard)`,
    );
  }
  return { keyId: keyId!, secret: secret! };
}

/**
 * Where to talk to: paper trading unless WORKSTEAL_ALPACA_URL says otherwise (live money needs that one
 * deliberate setting). The stream URL follows the trading URL unless WORKSTEAL_ALPACA_STREAM_URL is set;
 * market data comes from WORKSTEAL_ALPACA_DATA_URL, else Alpaca's data API.
 */
export function alpacaEndpoints(env: Readonly<Record<string, string | undefined>>): {
  trading: string;
  data: string;
  stream: string;
} {
  const trading = (env.WORKSTEAL_ALPACA_URL || 'https://paper-api.alpaca.markets').replace(/\/$/, '');
  const data = (env.WORKSTEAL_ALPACA_DATA_URL || 'https://data.alpaca.markets').replace(/\/$/, '');
  const stream = env.WORKSTEAL_ALPACA_STREAM_URL || `${trading.replace(/^http/, 'ws')}/stream`;
  return { trading, data, stream };
}

/**
 * What to check when an endpoint does not answer, naming the variable its URL came from, or saying it is the
 * default. The stream's URL follows WORKSTEAL_ALPACA_URL unless WORKSTEAL_ALPACA_STREAM_URL is set, so an
 * unreachable WORKSTEAL_ALPACA_URL is never blamed on a stream variable nobody set.
 */
export function alpacaUnreachableChecks(env: Readonly<Record<string, string | undefined>>): {
  trading: string;
  data: string;
  stream: string;
} {
  const urls = alpacaEndpoints(env);
  const check = (name: string, url: string, theDefault: string): string =>
    env[name]
      ? `check ${name} (${url}) and the network`
      : `check the network (${url} is ${theDefault}, the default; ${name} sets another)`;
  let stream: string;
  if (env.WORKSTEAL_ALPACA_STREAM_URL) stream = 'check WORKSTEAL_ALPACA_STREAM_URL and the network';
  else if (env.WORKSTEAL_ALPACA_URL) {
    stream =
      `this stream URL follows WORKSTEAL_ALPACA_URL (${urls.trading}), as WORKSTEAL_ALPACA_STREAM_URL is not ` +
      `set: check WORKSTEAL_ALPACA_URL and the network`;
  } else stream = check('WORKSTEAL_ALPACA_STREAM_URL', urls.stream, "Alpaca's paper trading stream");
  return {
    trading: check('WORKSTEAL_ALPACA_URL', urls.trading, "Alpaca's paper trading API"),
    data: check('WORKSTEAL_ALPACA_DATA_URL', urls.data, "Alpaca's market data API"),
    stream,
  };
}

/**
 * How long one REST request or the stream's connect may take (WORKSTEAL_ALPACA_TIMEOUT_MS, default 10 s),
 * and how long a cancel waits for the venue's confirmation (WORKSTEAL_ALPACA_CANCEL_TIMEOUT_MS, 60 s).
 */
export function alpacaTimeouts(env: Readonly<Record<string, string | undefined>>): {
  requestMs: number;
  cancelMs: number;
} {
  return {
    requestMs: positiveMs(env, 'WORKSTEAL_ALPACA_TIMEOUT_MS', 10_000),
    cancelMs: positiveMs(env, 'WORKSTEAL_ALPACA_CANCEL_TIMEOUT_MS', 60_000),
  };
}

function positiveMs(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 1 || ms > 3_600_000) {
    throw new ValidationError('Invalid Alpaca setting', [
      {
        where: name,
        message: `must be a whole number of milliseconds from 1 to 3600000; unset it for the default (${fallback})`,
        value: raw.slice(0, 40),
      },
    ]);
  }
  return ms;
}
