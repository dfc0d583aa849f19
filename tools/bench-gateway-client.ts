/**
 * The client of `npm run bench:gateway`, in a process of its own (forked by tools/bench-gateway.ts): it sends the
 * requests and times them, and nothing else. The harness process serves the IdP, the token endpoint and the upstream
 * and drains workerd's stdout (the audit lines); none of that work lands on the client's event loop or in its timings.
 * Plain node:http with one keep-alive agent per Worker socket, so every request reuses a warm connection.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";

/** A Worker under test: "gateway", "reference", "pass", or a variant bundle's name (BENCH_VARIANTS). */
export type Target = string;
/** The three every run measures; throughput is measured for these only. */
export const TARGETS: readonly Target[] = ["gateway", "reference", "pass"];

export interface ClientPlan {
  type: "plan";
  /** Each Worker's own socket (miniflare `unsafeDirectSockets`): no routing Worker in front of any of them. */
  /** Every Worker measured, in a fixed order: TARGETS first, then variants. */
  targets: Target[];
  urls: Record<Target, string>;
  path: string;
  /** The token every warm request carries, already verified once by each gateway during the warm-up. */
  warmToken: string;
  /** Tokens never sent before, one per cold request and gateway: each forces a full verification. */
  coldTokens: Record<Target, string[]>;
  warmup: number;
  sequential: number;
  throughput: number;
  concurrency: number;
}

export type Latencies = Record<Target, number[]>;

export type ClientMessage =
  | { type: "warmed" }
  | { type: "result"; warm: Latencies; cold: Latencies; requestsPerSecond: Record<Target, number> };


/** The order of round i: the targets rotated by i, reversed every other cycle, so drift and connection state favour none. */
function order(targets: readonly Target[], i: number): Target[] {
  const n = targets.length;
  const rotated = targets.map((_, k) => targets[(k + i) % n]!);
  return Math.floor(i / n) % 2 ? rotated.reverse() : rotated;
}

function requester(url: string, path: string, concurrency: number): (token: string) => Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const { hostname, port } = new URL(url);
  return (token) =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const req = http.request({ agent, hostname, port, path, method: "GET", headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.on("end", () => {
          const elapsed = performance.now() - started;
          if (res.statusCode === 200) resolve(elapsed);
          else reject(new Error(`${url} answered ${res.statusCode}`));
        });
      });
      req.on("error", reject);
      req.end();
    });
}

async function run(plan: ClientPlan, go: Promise<void>): Promise<ClientMessage> {
  const call = Object.fromEntries(plan.targets.map((t) => [t, requester(plan.urls[t]!, plan.path, plan.concurrency)])) as Record<Target, (token: string) => Promise<number>>;
  for (let i = 0; i < plan.warmup; i++) for (const t of plan.targets) await call[t]!(plan.warmToken);
  process.send!({ type: "warmed" } satisfies ClientMessage);
  await go;

  const empty = (): Latencies => Object.fromEntries(plan.targets.map((t) => [t, []]));
  const warm = empty();
  for (let i = 0; i < plan.sequential; i++) for (const t of order(plan.targets, i)) warm[t]!.push(await call[t]!(plan.warmToken));
  const cold = empty();
  for (let i = 0; i < plan.coldTokens["gateway"]!.length; i++) {
    for (const t of order(plan.targets, i)) cold[t]!.push(await call[t]!(plan.coldTokens[t]![i]!));
  }
  const requestsPerSecond = {} as Record<Target, number>;
  for (const t of TARGETS) {
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: plan.concurrency }, async () => {
      while (next++ < plan.throughput) await call[t]!(plan.warmToken);
    }));
    requestsPerSecond[t] = plan.throughput / ((performance.now() - started) / 1000);
  }
  return { type: "result", warm, cold, requestsPerSecond };
}

if (require.main === module) {
  let start: () => void;
  const go = new Promise<void>((resolve) => (start = resolve));
  process.on("message", (message: ClientPlan | { type: "go" }) => {
    if (message.type === "go") return start();
    run(message, go).then(
      (result) => process.send!(result, () => process.disconnect()),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
