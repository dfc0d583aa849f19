import { tryParseResourceId } from "../../lib/resource-id";

/** A private endpoint connection on an approval target, as read from the target (no Pulumi types: pure). */
export interface Connection {
  readonly name: string;
  readonly privateEndpointId?: string;
  /** `Pending`, `Approved`, `Rejected` or `Disconnected`, when the target reports it. */
  readonly status?: string;
}

/** The connection whose private endpoint is named `endpoint` (case-insensitive, as ARM compares names), if any. */
export function findConnection(connections: readonly Connection[], endpoint: string): Connection | undefined {
  const wanted = endpoint.toLowerCase();
  return connections.find((c) => tryParseResourceId(c.privateEndpointId ?? "")?.name.toLowerCase() === wanted);
}

/** The connection whose private endpoint is named `endpoint`; throws, naming what it found, when there is none. */
export function pickConnection(connections: Connection[], endpoint: string, kind: string): string {
  const match = findConnection(connections, endpoint);
  if (!match) {
    throw new Error(
      `no private endpoint connection from ${endpoint} on the ${kind} target yet (found ${listed(connections)}); ` +
        "the managed private endpoint may still be provisioning: run `pulumi up` again",
    );
  }
  return match.name;
}

/**
 * How long the approval waits for Azure to create the pending connection. A managed private endpoint's PUT returns
 * before the connection exists on the target: the managed endpoint provisions asynchronously (its
 * `provisioningState` moves on after the PUT) and only then does "a private endpoint connection [get] created in a
 * 'Pending' state" on the target (https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint,
 * MicrosoftDocs/azure-docs articles/data-factory/managed-virtual-network-private-endpoint.md). The default reads the
 * target 8 times, 5 s after the first read and then doubling up to 60 s apart: 255 s of waiting in all.
 */
export interface RetryPolicy {
  /** Reads of the target in all, the first one included (at least 1). */
  readonly attempts: number;
  /** Wait after the first read that finds nothing. */
  readonly initialDelayMs: number;
  /** Each later wait is the previous one times this factor... */
  readonly factor: number;
  /** ...but never longer than this. */
  readonly maxDelayMs: number;
}

export const APPROVAL_RETRY: RetryPolicy = { attempts: 8, initialDelayMs: 5_000, factor: 2, maxDelayMs: 60_000 };

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The waits between reads that `policy` allows: `attempts - 1` of them. */
export function backoffDelays(policy: RetryPolicy): number[] {
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw new Error(`retry attempts must be a whole number >= 1, not ${policy.attempts}`);
  const delays: number[] = [];
  let delay = policy.initialDelayMs;
  for (let i = 1; i < policy.attempts; i++) {
    delays.push(Math.min(delay, policy.maxDelayMs));
    delay *= policy.factor;
  }
  return delays;
}

/** The approval gave up: the pending connection never appeared (or every read failed). */
export class ConnectionNotFoundError extends Error {
  override name = "ConnectionNotFoundError";
}

export interface AwaitedConnection {
  readonly connection: Connection;
  /** How many reads of the target it took. */
  readonly reads: number;
}

/**
 * Reads the target's connections until one from `endpoint` appears, waiting `backoffDelays(policy)` between reads.
 * A failing read (an ARM hiccup) counts as a read that found nothing; its error is kept for the final message.
 * Gives up with a ConnectionNotFoundError that names the endpoint, the target, the reads and the time waited.
 */
export async function awaitConnection(
  read: () => Promise<readonly Connection[]>,
  endpoint: string,
  target: string,
  policy: RetryPolicy = APPROVAL_RETRY,
  sleep: Sleep = realSleep,
): Promise<AwaitedConnection> {
  const delays = backoffDelays(policy);
  let last: readonly Connection[] = [];
  let lastError: unknown;
  for (let reads = 1; ; reads++) {
    try {
      last = await read();
      lastError = undefined;
      const connection = findConnection(last, endpoint);
      if (connection) return { connection, reads };
    } catch (error) {
      lastError = error;
    }
    const delay = delays[reads - 1];
    if (delay === undefined) break;
    await sleep(delay);
  }
  const waited = delays.reduce((a, b) => a + b, 0) / 1000;
  const cause = lastError === undefined ? `found ${listed(last)}` : `the last read failed: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
  throw new ConnectionNotFoundError(
    `no private endpoint connection from managed private endpoint ${endpoint} appeared on ${target} after ${policy.attempts} reads over ${waited} s (${cause}). ` +
      "Check the managed private endpoint's provisioningState (Failed means Azure refused it, e.g. a wrong groupId); " +
      "if it is still Provisioning, run `pulumi up` again",
  );
}

function listed(connections: readonly Connection[]): string {
  return connections.map((c) => c.name).join(", ") || "none";
}
