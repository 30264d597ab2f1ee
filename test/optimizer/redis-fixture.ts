/**
 * A Redis for the distributed tests: CI's (WORKSTEAL_TEST_REDIS_URL), or a private redis-server on a free
 * loopback port, without persistence, stopped afterwards. Never anything but 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function testRedis(): Promise<TestRedis> {
  const given = process.env.WORKSTEAL_TEST_REDIS_URL;
  if (given) {
    const u = new URL(given);
    if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') {
      throw new Error(`WORKSTEAL_TEST_REDIS_URL must point at the loopback interface (got ${given})`);
    }
    return { url: given, stop: async () => undefined };
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined);
  for (let i = 0; i < 100 && !(await accepts(port)); i++) await sleep(50);
  if (!(await accepts(port))) {
    child.kill('SIGKILL');
    throw new Error(
      `redis-server did not start on 127.0.0.1:${port} (is it installed at /usr/bin/redis-server?)`,
    );
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A redis-server of the test's own on a free loopback port, whatever WORKSTEAL_TEST_REDIS_URL says: a test
 * that takes Redis away and brings it back (`stop`, then `start` on the same port) must not do it to CI's.
 */
export async function ownRedis(): Promise<{ url: string; start(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async (): Promise<void> => {
    const c = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = c;
    exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.once('error', () => undefined);
    for (let i = 0; i < 100 && !(await accepts(port)); i++) await sleep(50);
    if (!(await accepts(port))) throw new Error(`redis-server did not start on 127.0.0.1:${port}`);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop: async () => {
      child?.kill('SIGTERM');
      await exited;
    },
  };
}
