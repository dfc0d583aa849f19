import type { GatewayConfig } from "./config";
import { GatewayError } from "./errors";
import type { Identity } from "./token";

const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"];
// Caller credentials and anything that could impersonate what the Worker itself asserts to the upstream.
const CALLER_ONLY = ["authorization", "cookie", "host", "content-length", "forwarded", "x-real-ip", "x-request-id"];
const CALLER_ONLY_PREFIXES = ["x-gateway-", "x-forwarded-", "cf-", "x-ms-client-"];
const DROP_REQUEST = new Set([...HOP_BY_HOP, ...CALLER_ONLY]);
// Response: hop-by-hop, upstream cookies, and the request id the Worker sets itself.
const DROP_RESPONSE = new Set([...HOP_BY_HOP, "set-cookie", "x-request-id"]);

/** Removes from `kept` the header names a Connection header value declares hop-by-hop (RFC 9110 §7.6.1); usually none. */
function dropConnectionNamed(kept: Record<string, string>, connection: string | undefined): void {
  if (connection === undefined) return;
  for (const name of connection.split(",")) delete kept[name.trim().toLowerCase()];
}

const callerOnly = (name: string) => DROP_REQUEST.has(name) || CALLER_ONLY_PREFIXES.some((p) => name.startsWith(p));

/**
 * Headers for the upstream request: the caller's minus hop-by-hop headers, credentials and spoofable identity, plus the
 * Worker's own. Every Headers call crosses into the runtime, so the caller's headers are read in one `forEach` (names
 * arrive lower-case, repeated ones joined) into a plain record — the Connection header's value included, so it costs
 * no extra call — and the result is built in one construction: measured in workerd several times cheaper than copying
 * and deleting, or iterating `entries()`.
 */
export function upstreamHeaders(
  incoming: Headers,
  requestId: string,
  identity: Identity,
  grantedGroups: string[],
  config: GatewayConfig,
  authorization: string,
): Record<string, string> {
  const kept: Record<string, string> = {};
  let connection: string | undefined;
  incoming.forEach((value, name) => {
    if (name === "connection") connection = value;
    else if (!callerOnly(name)) kept[name] = value;
  });
  dropConnectionNamed(kept, connection);
  kept["authorization"] = authorization;
  kept["x-request-id"] = requestId;
  kept["x-gateway-subject"] = identity.subject;
  if (identity.tenant) kept["x-gateway-tenant"] = identity.tenant;
  if (identity.clientId) kept["x-gateway-client-id"] = identity.clientId;
  kept["x-gateway-principal-type"] = identity.kind;
  kept["x-gateway-groups"] = grantedGroups.join(",");
  if (config.sharedSecret) kept[config.sharedSecret.header.toLowerCase()] = config.sharedSecret.value;
  // A record, not a Headers object: fetch() builds its headers from it once.
  return kept;
}

/**
 * Response headers for the caller, read in one `forEach` into a record the new Response is built from (as for the
 * request: one crossing instead of a copy plus a delete per dropped name): hop-by-hop headers, the names `Connection`
 * declares and upstream cookies removed, the request id set. `forEach` joins repeated headers with ", ", which HTTP
 * allows for every field but Set-Cookie (RFC 9110 §5.3) — and Set-Cookie is dropped.
 */
export function responseHeaders(upstream: Headers, requestId: string): Record<string, string> {
  const kept: Record<string, string> = {};
  let connection: string | undefined;
  upstream.forEach((value, name) => {
    if (name === "connection") connection = value;
    else if (!DROP_RESPONSE.has(name)) kept[name] = value;
  });
  dropConnectionNamed(kept, connection);
  kept["x-request-id"] = requestId;
  return kept;
}

/** Whether the request carries a body to forward (GET and HEAD never do). */
export const hasBody = (request: Request): boolean => request.method !== "GET" && request.method !== "HEAD" && request.body !== null;

/** The request body, read up to the limit: 413 before anything is sent upstream when it is larger. */
export async function limitedBody(request: Request, maxBytes: number): Promise<ArrayBuffer | undefined> {
  if (!hasBody(request)) return undefined;
  const tooLarge = () => new GatewayError("payload_too_large", `The request body exceeds ${maxBytes} bytes.`, "body_too_large");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await request.body!.cancel();
    throw tooLarge();
  }
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await discardRest(reader, maxBytes);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body.buffer;
}

/**
 * Reads and drops up to `budget` more bytes before giving up on the stream. An HTTP/1.1 client still writing its body
 * when the 413 arrives sees the connection close mid-write (EPIPE) instead of the answer; draining a bounded amount
 * lets a slightly oversized upload get its 413, while a huge one is still cut off.
 */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> {
  let drained = 0;
  while (drained <= budget) {
    const { done, value } = await reader.read();
    if (done) return;
    drained += value.byteLength;
  }
  await reader.cancel();
}
