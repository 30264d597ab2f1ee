/**
 * The service bench's load from wrk (a C load generator, Debian package `wrk`), when it is on the PATH: 8
 * threads with one keep-alive connection each, closed loop, each thread a bot running a Lua script of
 * bench/wrk/. A Node process of 8 HTTP clients costs 0.3–0.9 ms of CPU per request on this machine, as much
 * as the service, and its own event loop's pauses land in the measured tail; wrk costs a small fraction of
 * that, so its rows show the service's latency rather than the clients'.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPTS = fileURLToPath(new URL('../bench/wrk/', import.meta.url));

export type WrkScript = 'decide' | 'place-cycle';

export interface WrkResult {
  requests: number;
  seconds: number;
  p50us: number;
  p99us: number;
  maxus: number;
  /** Answers other than 200. */
  failed: number;
  socketErrors: number;
}

/** Whether wrk can be run here (the bench then adds its rows). */
export function wrkAvailable(): boolean {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && /wrk/i.test(`${probe.stdout}${probe.stderr}`);
}

/**
 * Run one script against `url` for `seconds` with `connections` bots (one per thread). Asynchronous: the
 * service answering it runs on this process's event loop.
 */
export function runWrk(
  url: string,
  script: WrkScript,
  seconds: number,
  token: string,
  connections = 8,
): Promise<WrkResult> {
  const args = [
    `-t${connections}`,
    `-c${connections}`,
    `-d${seconds}s`,
    '-s',
    `${SCRIPTS}${script}.lua`,
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, {
      env: { ...process.env, LUA_PATH: `${SCRIPTS}?.lua;;`, WORKSTEAL_BENCH_TOKEN: token },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{'))
        return reject(new Error(`wrk ${args.join(' ')} exited with ${code}: ${err || out}`));
      resolve(JSON.parse(line) as WrkResult);
    });
  });
}
