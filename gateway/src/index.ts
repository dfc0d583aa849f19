import { writeAudit } from "./audit";
import { ConfigError, loadConfig, type Route } from "./config";
import type { Env } from "./env";
import { errorResponse, GatewayError } from "./errors";
import { callUpstream } from "./proxy";
import { enforceRateLimit } from "./rate-limit";
import { authorize, matchRoute, upstreamUrl } from "./routes";
import { hasBody, limitedBody, responseHeaders, upstreamHeaders } from "./shaping";
import { authenticate, bearerToken, type Identity } from "./token";
import { upstreamAuthorization } from "./upstream-auth";

export type { Env } from "./env";

/** What one request decided, filled in as the request proceeds; becomes the audit record. */
interface Trace {
  route: Route | null;
  identity: Identity | null;
  groupsUsed: string[];
  upstreamLatencyMs: number | null;
  /** Requests sent upstream: 2 when a rotated credential was rejected and the other value tried (never more). */
  upstreamAttempts: number;
  /** Why an allowed request did not succeed upstream, for the audit `reason` (default "ok"). */
  outcome: string;
}

export default {
  async fetch(request: Request, env: Env, ctx?: ExecutionContext): Promise<Response> {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    const url = new URL(request.url);
    const trace: Trace = { route: null, identity: null, groupsUsed: [], upstreamLatencyMs: null, upstreamAttempts: 0, outcome: "ok" };
    let response: Response;
    let denied: GatewayError | undefined;
    try {
      response = await handle(request, env, url, requestId, trace);
    } catch (err) {
      denied = toGatewayError(err);
      response = errorResponse(denied, { "x-request-id": requestId });
    }
    const ended = performance.now();
    const now = Date.now();
    const status = response.status;
    const audit = (): void =>
      writeAudit({
        type: "gateway.audit",
        time: new Date(now).toISOString(),
        requestId,
        method: request.method,
        path: url.pathname,
        route: trace.route?.prefix ?? null,
        subject: trace.identity?.subject ?? null,
        tenant: trace.identity?.tenant ?? null,
        clientId: trace.identity?.clientId ?? null,
        principalType: trace.identity?.kind ?? null,
        groupsUsed: trace.groupsUsed,
        decision: denied ? "deny" : "allow",
        reason: denied ? denied.reason : trace.outcome,
        status,
        upstreamAttempts: trace.upstreamAttempts,
        upstreamLatencyMs: trace.upstreamLatencyMs,
        handlerMs: ended - started - (trace.upstreamLatencyMs ?? 0),
      });
    // Off the response path, never lost: the record is written on the next turn of the event loop, after the runtime
    // took the response, and `waitUntil` keeps the invocation alive until it is written ("extends the lifetime of your
    // Worker … even after a response has been returned": https://developers.cloudflare.com/workers/runtime-apis/context/).
    // Its trace event (Logpush, Tail Workers) is captured "after the producer has finished executing", waitUntil work
    // included (https://developers.cloudflare.com/workers/observability/tail-workers/).
    // Without an execution context (the benchmark's in-process run) it is written at once.
    if (ctx) ctx.waitUntil(new Promise<void>((resolve) => setTimeout(() => resolve(audit()), 0)));
    else audit();
    return response;
  },
} satisfies ExportedHandler<Env>;

async function handle(request: Request, env: Env, url: URL, requestId: string, trace: Trace): Promise<Response> {
  if (url.pathname === "/healthz" && (request.method === "GET" || request.method === "HEAD")) return health(env, requestId);
  const config = loadConfig(env);
  // Encoded separators or dot segments could make the upstream see a different path than the one authorized.
  if (SUSPICIOUS_PATH.test(url.pathname)) {
    throw new GatewayError("invalid_request", "The path contains encoded separators or dot segments.", "suspicious_path");
  }
  const identity = await authenticate(bearerToken(request, config), config);
  trace.identity = identity;
  if (env.RATE_LIMITER) await enforceRateLimit(env.RATE_LIMITER, identity);
  const route = matchRoute(config.routes, url.pathname);
  trace.route = route;
  trace.groupsUsed = authorize(route, request.method, identity);
  const body = hasBody(request) ? await limitedBody(request, config.maxBodyBytes) : undefined;

  // Warm path: the cached upstream credential comes back synchronously, no extra turn of the event loop.
  const pending = upstreamAuthorization(route.upstreamAuth, config);
  const authorization = typeof pending === "string" ? pending : await pending;
  const headers = upstreamHeaders(request.headers, requestId, identity, trace.groupsUsed, config, authorization);
  const target = upstreamUrl(route, url);
  const sent = performance.now();
  trace.upstreamAttempts = 1;
  let upstream = await callUpstream(route.fetcher, target, { method: request.method, headers, body }, config.upstreamTimeoutMs);
  const auth = route.upstreamAuth;
  // Rotation overlap (docs/gateway.md#rotation): Prefect's server accepts exactly one auth string and answers 401 from
  // its auth middleware before any handler runs (PrefectHQ/prefect src/prefect/server/api/server.py, token_validation),
  // so a 401 means the request was not processed and replaying it is safe. The body is replayable: limitedBody()
  // buffered it (at most MAX_BODY_BYTES) — the runtime streams bodies and never buffers them itself
  // (https://developers.cloudflare.com/workers/runtime-apis/context/). Exactly one retry, with the other value.
  if (upstream.status === 401 && auth.type === "basic" && auth.headers.values.length > 1 && isReplayable(body)) {
    await upstream.body?.cancel();
    const other = 1 - auth.headers.preferred;
    headers["authorization"] = auth.headers.values[other]!;
    upstream = await callUpstream(route.fetcher, target, { method: request.method, headers, body }, config.upstreamTimeoutMs);
    trace.upstreamAttempts = 2;
    if (upstream.status !== 401) auth.headers.preferred = other;
    else trace.outcome = "upstream_credentials_rejected";
  }
  trace.upstreamLatencyMs = performance.now() - sent;
  // One construction, its headers from a record read in one pass over the upstream's.
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders(upstream.headers, requestId) });
}

/** A body that can be sent again: none, or bytes already in memory (never a stream, which is read once). */
const isReplayable = (body: ArrayBuffer | undefined): boolean => body === undefined || body instanceof ArrayBuffer;

/**
 * Paths rejected rather than rewritten: encoded `/`, `\`, `.` or `;`, a backslash, an empty segment (`//`), and dot
 * segments, including ones with path parameters (`..;/`) that servlet-style upstreams resolve as `..`. The runtime
 * resolves plain and `%2e` dot segments before the Worker runs; this catches whatever survives that.
 */
const SUSPICIOUS_PATH = /%2f|%5c|%2e|%3b|\\|\/\/|\/\.\.?(?:;|\/|$)/i;

function health(env: Env, requestId: string): Response {
  let ok = true;
  try {
    loadConfig(env);
  } catch {
    ok = false;
  }
  return new Response(JSON.stringify({ status: ok ? "ok" : "misconfigured" }), {
    status: ok ? 200 : 503,
    headers: { "content-type": "application/json", "cache-control": "no-store", "x-request-id": requestId },
  });
}

function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof ConfigError) return new GatewayError("misconfigured", "The gateway is misconfigured.", `config: ${err.message}`);
  // A bug in the gateway is not an upstream failure: 500 internal_error, so the audit log tells them apart.
  return new GatewayError("internal_error", "The gateway failed to process the request.", `internal: ${(err as Error)?.message ?? String(err)}`);
}
