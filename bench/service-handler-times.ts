/**
 * How long requests spend inside this process's HTTP handlers: from the server's `request` event (the
 * headers parsed) to the response's `finish` (the answer handed to the socket), through Node's own
 * diagnostics channels. Beside the clients' round trip it tells the time a request waits inside the service
 * (its decision, its turn's commit) from the time it waits before the event loop reads it and on the way back.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createHistogram } from 'node:perf_hooks';

interface HttpMessage {
  response: object;
}

export interface HandlerTimes {
  /** Stop recording; the p99 in milliseconds (NaN when no request finished). */
  stop(): number;
}

export function recordHandlerTimes(): HandlerTimes {
  const started = new WeakMap<object, bigint>();
  const micros = createHistogram();
  const onStart = (m: unknown): void =>
    void started.set((m as HttpMessage).response, process.hrtime.bigint());
  const onFinish = (m: unknown): void => {
    const t = started.get((m as HttpMessage).response);
    if (t !== undefined) micros.record(Math.max(1, Number((process.hrtime.bigint() - t) / 1000n)));
  };
  subscribe('http.server.request.start', onStart);
  subscribe('http.server.response.finish', onFinish);
  return {
    stop() {
      unsubscribe('http.server.request.start', onStart);
      unsubscribe('http.server.response.finish', onFinish);
      return micros.count === 0 ? Number.NaN : micros.percentile(99) / 1000;
    },
  };
}
