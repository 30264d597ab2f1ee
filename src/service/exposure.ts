import type { Logger } from '../ports/log.js';

/** Addresses that only this machine can reach. */
const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

/** Shorter bearer tokens are warned about at start (not refused): a few characters are guessed quickly. */
export const MIN_TOKEN_LENGTH = 16;

/** What to do about a short token, as the warning says it. */
const NEW_TOKEN = 'WORKSTEAL_TOKEN=$(openssl rand -hex 24)';

/**
 * Who can reach `worksteal serve` and act through it, said at start (docs/service.md, "Security"): a bind
 * beyond loopback (`http-exposed`, saying whether a token guards /v1), and a token shorter than
 * MIN_TOKEN_LENGTH (`short-token`, its length and how to make a better one; never the token itself).
 * Before, `--no-auth --host 0.0.0.0` warned only "reachable beyond this machine", and a 2-character token
 * was taken silently.
 */
export function warnExposure(log: Logger, o: { host: string; url: string; token: string | undefined }): void {
  if (!LOOPBACK.includes(o.host)) {
    const port = new URL(o.url).port;
    log.warn('http-exposed', {
      host: o.host,
      url: o.url,
      auth: o.token === undefined ? 'OFF (--no-auth)' : 'bearer token',
      detail:
        o.token === undefined
          ? 'the service is reachable beyond this machine and authentication is off (--no-auth): anyone who ' +
            `can reach port ${port} of this machine can decide, place and cancel. Bind 127.0.0.1 (--host 127.0.0.1), or set ` +
            `WORKSTEAL_TOKEN (e.g. ${NEW_TOKEN}) and drop --no-auth`
          : 'the service is reachable beyond this machine; every /v1 request needs the bearer token ' +
            '(/metrics and /openapi.json are open)',
    });
  }
  if (o.token !== undefined && o.token.length < MIN_TOKEN_LENGTH) {
    log.warn('short-token', {
      length: o.token.length,
      detail:
        `WORKSTEAL_TOKEN is ${o.token.length} character${o.token.length === 1 ? '' : 's'} long; anyone who ` +
        'can reach the port could guess it and decide, place and cancel. Use at least ' +
        `${MIN_TOKEN_LENGTH} random characters, e.g. ${NEW_TOKEN}, and give the bots the same value`,
    });
  }
}
