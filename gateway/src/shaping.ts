import type { GatewayConfig } from "./config";
import { GatewayError } from "./errors";
import type { Identity } from "./token";

const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"];
// Caller credentials and anything that could impersonate what the Worker itself asserts to the upstream.
const CALLER_ONLY = ["authorization", "cookie", "host", "content-length", "forwarded", "x-real-ip", "x-request-id"];
const CALLER_ONLY_PREFIXES = ["x-gateway-", "x-forwarded-", "cf-", "x-ms-client-"];

/** Removes hop-by-hop headers, including the ones the Connection header names. */
function stripHopByHop(headers: Headers): void {
  const named = (headers.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
  for (const h of [...HOP_BY_HOP, ...named]) headers.delete(h);
}

/** Headers for the upstream request: the caller's minus credentials and spoofable identity, plus the Worker's own. */
export function upstreamHeaders(
  incoming: Headers,
  requestId: string,
  identity: Identity,
  grantedGroups: string[],
  config: GatewayConfig,
): Headers {
  const headers = new Headers(incoming);
  stripHopByHop(headers);
  for (const name of [...headers.keys()]) {
    if (CALLER_ONLY.includes(name) || CALLER_ONLY_PREFIXES.some((p) => name.startsWith(p))) headers.delete(name);
  }
  headers.set("x-request-id", requestId);
  headers.set("x-gateway-subject", identity.subject);
  if (identity.tenant) headers.set("x-gateway-tenant", identity.tenant);
  if (identity.clientId) headers.set("x-gateway-client-id", identity.clientId);
  headers.set("x-gateway-principal-type", identity.kind);
  headers.set("x-gateway-groups", grantedGroups.join(","));
  if (config.sharedSecret) headers.set(config.sharedSecret.header, config.sharedSecret.value);
  return headers;
}

/** Response headers for the caller: hop-by-hop and upstream cookies removed, the request id added. */
export function responseHeaders(upstream: Headers, requestId: string): Headers {
  const headers = new Headers(upstream);
  stripHopByHop(headers);
  headers.delete("set-cookie");
  headers.set("x-request-id", requestId);
  return headers;
}

/** The request body, read up to the limit: 413 before anything is sent upstream when it is larger. */
export async function limitedBody(request: Request, maxBytes: number): Promise<ArrayBuffer | undefined> {
  if (request.method === "GET" || request.method === "HEAD" || !request.body) return undefined;
  const tooLarge = () => new GatewayError("payload_too_large", `The request body exceeds ${maxBytes} bytes.`, "body_too_large");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await request.body.cancel();
    throw tooLarge();
  }
  const reader = request.body.getReader();
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
