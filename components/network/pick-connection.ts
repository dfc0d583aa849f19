import { tryParseResourceId } from "../../lib/resource-id";

/** A private endpoint connection on an approval target, as read from the target (no Pulumi types: pure). */
export interface Connection {
  readonly name: string;
  readonly privateEndpointId?: string;
}

/** The connection whose private endpoint is named `endpoint` (case-insensitive, as ARM compares names). */
export function pickConnection(connections: Connection[], endpoint: string, kind: string): string {
  const wanted = endpoint.toLowerCase();
  const match = connections.find((c) => tryParseResourceId(c.privateEndpointId ?? "")?.name.toLowerCase() === wanted);
  if (!match) {
    throw new Error(
      `no private endpoint connection from ${endpoint} on the ${kind} target yet (found ${connections.map((c) => c.name).join(", ") || "none"}); ` +
        "the managed private endpoint may still be provisioning: run `pulumi up` again",
    );
  }
  return match.name;
}
