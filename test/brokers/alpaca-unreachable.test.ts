/**
 * An Alpaca endpoint that cannot be reached is named with its URL and the variable that set it (or the fact
 * that it is the default). The stream URL follows WORKSTEAL_ALPACA_URL unless WORKSTEAL_ALPACA_STREAM_URL is
 * set, so an unreachable WORKSTEAL_ALPACA_URL must not be blamed on WORKSTEAL_ALPACA_STREAM_URL.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { alpacaUnreachableChecks } from '../../src/brokers/alpaca/env.js';
import { launchWithKey, realSeries, rig } from './alpaca-rig.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A port nothing listens on (taken from the system, then released): a connection to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** A TCP server that accepts every connection and never answers (a hung venue). */
async function silentServer(): Promise<string> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = server.close.bind(server);
  server.close = (cb) => {
    sockets.forEach((s) => s.destroy());
    return close(cb);
  };
  servers.push(server);
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failure(env: Record<string, string>): Promise<string> {
  const outcome = await launchWithKey(env).then(
    async (session) => {
      await session.close();
      throw new Error('the session started');
    },
    (error: unknown) => error,
  );
  return (outcome as Error).message;
}

describe('an unreachable Alpaca URL is named with the variable that set it', () => {
  it('WORKSTEAL_ALPACA_URL unreachable, no stream URL set: blamed on WORKSTEAL_ALPACA_URL', async () => {
    const port = await closedPort();
    const message = await failure({ WORKSTEAL_ALPACA_URL: `http://127.0.0.1:${port}` });
    expect(message).toContain(`Alpaca stream ws://127.0.0.1:${port}/stream: cannot be opened (`);
    expect(message).toContain(
      `this stream URL follows WORKSTEAL_ALPACA_URL (http://127.0.0.1:${port}), as WORKSTEAL_ALPACA_STREAM_URL ` +
        `is not set: check WORKSTEAL_ALPACA_URL and the network`,
    );
    expect(message).not.toContain('check WORKSTEAL_ALPACA_STREAM_URL');
  });

  it('WORKSTEAL_ALPACA_STREAM_URL set and unreachable: blamed on it', async () => {
    const port = await closedPort();
    const message = await failure({
      WORKSTEAL_ALPACA_URL: 'http://127.0.0.1:1',
      WORKSTEAL_ALPACA_STREAM_URL: `ws://127.0.0.1:${port}/stream`,
    });
    expect(message).toMatch(
      new RegExp(
        `^Alpaca stream ws://127\\.0\\.0\\.1:${port}/stream: cannot be opened \\(.*\\); ` +
          `check WORKSTEAL_ALPACA_STREAM_URL and the network$`,
      ),
    );
  });

  it('a hung trading URL: the REST error names WORKSTEAL_ALPACA_URL with its value', async () => {
    const r = await rig(await realSeries());
    const silent = await silentServer();
    const message = await failure({
      WORKSTEAL_ALPACA_URL: `http://${silent}`,
      WORKSTEAL_ALPACA_STREAM_URL: r.fake.streamUrl,
      WORKSTEAL_ALPACA_TIMEOUT_MS: '300',
    });
    expect(message).toBe(
      `Alpaca GET /v2/clock: no answer within 0.3 s; check WORKSTEAL_ALPACA_URL (http://${silent}) and the ` +
        `network (WORKSTEAL_ALPACA_TIMEOUT_MS sets the timeout)`,
    );
  });

  it('what to check for each endpoint, set or default', () => {
    expect(alpacaUnreachableChecks({})).toEqual({
      trading:
        "check the network (https://paper-api.alpaca.markets is Alpaca's paper trading API, the default; " +
        'WORKSTEAL_ALPACA_URL sets another)',
      data:
        "check the network (https://data.alpaca.markets is Alpaca's market data API, the default; " +
        'WORKSTEAL_ALPACA_DATA_URL sets another)',
      stream:
        "check the network (wss://paper-api.alpaca.markets/stream is Alpaca's paper trading stream, the " +
        'default; WORKSTEAL_ALPACA_STREAM_URL sets another)',
    });
    expect(
      alpacaUnreachableChecks({
        WORKSTEAL_ALPACA_URL: 'https://api.alpaca.markets/',
        WORKSTEAL_ALPACA_DATA_URL: 'http://data.test',
      }),
    ).toEqual({
      trading: 'check WORKSTEAL_ALPACA_URL (https://api.alpaca.markets) and the network',
      data: 'check WORKSTEAL_ALPACA_DATA_URL (http://data.test) and the network',
      stream:
        'this stream URL follows WORKSTEAL_ALPACA_URL (https://api.alpaca.markets), as ' +
        'WORKSTEAL_ALPACA_STREAM_URL is not set: check WORKSTEAL_ALPACA_URL and the network',
    });
  });
});
