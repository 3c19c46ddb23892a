import { Agent, get } from "node:http";

export interface OpenLoopOptions {
  /** Requests a second the visitors ask for, whatever the server's speed. */
  rate: number;
  /** At most this many requests at once, over keep-alive connections. */
  connections: number;
  seconds: number;
  /** Requests in the first seconds warm the server and are not counted. */
  warmupSeconds?: number;
}

export interface OpenLoopResult {
  offered: number;
  /**
   * Requests a second that arrived in the counted period. Poisson arrivals
   * stray from the offered rate: at 100 a second for 6 s, fewer than 95% of
   * the offered requests arrive about one time in nine. Whether the server
   * kept up is judged against what arrived.
   */
  arrived: number;
  /** Responses a second over the counted period. */
  served: number;
  ok: number;
  failed: number;
  /** Latencies in ms, each from the moment the request was due. */
  p50: number;
  p99: number;
  max: number;
}

/**
 * Visitors who arrive on their own schedule: Poisson arrivals at a fixed
 * rate, as independent people visit a site, spread over at most
 * `connections` keep-alive connections. A closed-loop tool (autocannon's
 * default) waits for each answer before asking again, so a slow server is
 * asked less and its queueing is hidden; autocannon's own rate option sends
 * each second's budget in a burst. Here every latency counts from when the
 * request was due, waits for a free connection included (as wrk2 does), so
 * a server that cannot keep up shows it in the percentiles.
 */
export async function openLoop(base: string, path: () => string, o: OpenLoopOptions): Promise<OpenLoopResult> {
  const { hostname, port } = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const warmup = (o.warmupSeconds ?? 2) * 1000;
  const start = performance.now();
  const countFrom = start + warmup;
  const end = countFrom + o.seconds * 1000;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let arrivals = 0;
  let pending = 0;
  let lastDone = countFrom;
  let allSent!: () => void;
  const finished = new Promise<void>((r) => (allSent = r));
  let sending = true;
  const settle = (): void => {
    if (!sending && pending === 0) allSent();
  };
  const fire = (due: number): void => {
    pending++;
    const counted = due >= countFrom;
    if (counted) arrivals++;
    const done = (good: boolean): void => {
      pending--;
      const now = performance.now();
      if (counted) {
        if (good) ok++;
        else failed++;
        latencies.push(now - due);
        lastDone = Math.max(lastDone, now);
      }
      settle();
    };
    get({ agent, host: hostname, port, path: path() }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode === 200));
      res.on("error", () => done(false));
    }).on("error", () => done(false));
  };
  let next = start;
  const gap = (): number => (-Math.log(1 - Math.random()) * 1000) / o.rate;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (next <= now && next < end) {
        fire(next);
        next += gap();
      }
      if (next >= end) return resolve();
      setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  });
  sending = false;
  settle();
  await finished;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { offered: o.rate, arrived: arrivals / o.seconds, served: (ok + failed) / ((lastDone - countFrom) / 1000), ok, failed, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? NaN };
}

/**
 * The highest offered rate (to within about a tenth) whose p99 stays under a
 * bound with every request served: doubling from `from`, then halving the gap.
 */
export async function highestRateWithin(base: string, path: () => string, o: { p99: number; connections: number; seconds: number; from?: number }): Promise<{ rate: number; at: OpenLoopResult | undefined }> {
  const meets = (r: OpenLoopResult): boolean => r.failed === 0 && r.p99 < o.p99 && r.served > 0.95 * r.arrived;
  let good = 0;
  let at: OpenLoopResult | undefined;
  let bad = 0;
  for (let rate = o.from ?? 100; !bad; rate *= 2) {
    const r = await openLoop(base, path, { rate, connections: o.connections, seconds: o.seconds, warmupSeconds: 1 });
    if (meets(r)) [good, at] = [rate, r];
    else bad = rate;
  }
  while (bad - good > Math.max(10, good / 10)) {
    const rate = Math.round((good + bad) / 2);
    const r = await openLoop(base, path, { rate, connections: o.connections, seconds: o.seconds, warmupSeconds: 1 });
    if (meets(r)) [good, at] = [rate, r];
    else bad = rate;
  }
  return { rate: good, at };
}
