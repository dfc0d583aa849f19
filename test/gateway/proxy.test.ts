import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, test } from "vitest";
import { GatewayHarness, PREFECT_AUTH, SHARED_SECRET, SHORT_TOKEN_SECONDS, SHORT_TOKEN_TENANT, TRICKLE_CHUNKS, userClaims } from "./harness";
import { TENANT } from "./idp";

type Echo = { method: string; url: string; headers: Record<string, string>; body: string };

describe("gateway in workerd: proxying, authorization, shaping, audit", () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await GatewayHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  test("GET /healthz answers without a token; a misconfigured gateway reports 503 and fails closed", async () => {
    const ok = await h.fetch("gw", "/healthz");
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { status: "ok" });
    const bad = await h.fetch("misconfigured", "/healthz");
    assert.equal(bad.status, 503);
    const denied = await h.fetch("misconfigured", "/x", { token: "a.b.c" });
    assert.equal(denied.status, 500);
    assert.equal(((await denied.json()) as { error: string }).error, "misconfigured");
  });

  test("user token: group grants the Synapse route; upstream gets the Worker's Entra token, identity headers and shared secret", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    const before = h.upstream.count();
    const res = await h.fetch("gw", "/synapse/sql/query?db=lake", { token });
    assert.equal(res.status, 200);
    const echo = (await res.json()) as Echo;
    assert.equal(h.upstream.count(), before + 1);
    assert.equal(echo.url, "/synapse-api/sql/query?db=lake");
    assert.match(echo.headers["authorization"]!, /^Bearer upstream-token-\d+$/);
    assert.equal(echo.headers["x-gateway-subject"], "0b0b0b0b-0000-4000-8000-000000000001", "oid, not the pairwise sub");
    assert.equal(echo.headers["x-gateway-tenant"], TENANT);
    assert.equal(echo.headers["x-gateway-principal-type"], "user");
    assert.equal(echo.headers["x-gateway-groups"], "grp-analysts");
    assert.equal(echo.headers["x-gateway-secret"], SHARED_SECRET);
    assert.match(res.headers.get("x-request-id")!, /^[0-9a-f-]{36}$/);
    assert.equal(echo.headers["x-request-id"], res.headers.get("x-request-id"));
    // Token endpoint was called with client credentials for the route's scope, at the configured authority.
    const call = h.tokenEndpoint.requests.at(-1)!;
    assert.match(call.url, /^\/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\/oauth2\/v2\.0\/token$/);
    const form = new URLSearchParams(call.body);
    assert.equal(form.get("grant_type"), "client_credentials");
    assert.equal(form.get("scope"), "https://dev.azuresynapse.net/.default");
  });

  test("app-only token issued by the real OIDC provider (idtyp=app) is granted through its app role", async () => {
    const token = await h.idp.appToken();
    const res = await h.fetch("gw", "/synapse/pipelines", { token, method: "POST", body: "{}" });
    assert.equal(res.status, 200);
    const echo = (await res.json()) as Echo;
    assert.equal(echo.headers["x-gateway-principal-type"], "app");
    assert.equal(echo.headers["x-gateway-groups"], "Pipelines.Run");
    assert.equal(echo.headers["x-gateway-client-id"], "pipeline-app");
    assert.equal(echo.body, "{}");
  });

  test("group → route mapping: engineers reach Prefect with basic auth, analysts do not; admins reach the longer prefix", async () => {
    const engineer = await h.idp.sign(userClaims(["grp-engineers"]));
    const ok = await h.fetch("gw", "/prefect/api/flows", { token: engineer });
    assert.equal(ok.status, 200);
    const echo = (await ok.json()) as Echo;
    assert.equal(echo.url, "/prefect-api/api/flows");
    assert.equal(echo.headers["authorization"], `Basic ${Buffer.from(PREFECT_AUTH).toString("base64")}`);

    const analyst = await h.idp.sign(userClaims(["grp-analysts"]));
    const denied = await h.fetch("gw", "/prefect/api/flows", { token: analyst });
    assert.equal(denied.status, 403);
    assert.deepEqual(Object.keys((await denied.json()) as object), ["error", "message"]);

    // Longest prefix wins: the engineer's group does not reach /prefect/admin.
    assert.equal((await h.fetch("gw", "/prefect/admin/x", { token: engineer })).status, 403);
    const admin = await h.idp.sign(userClaims(["grp-admins"]));
    const adminRes = await h.fetch("gw", "/prefect/admin/x", { token: admin });
    assert.equal(adminRes.status, 200);
    assert.equal(((await adminRes.json()) as Echo).url, "/prefect-admin/x");
    // Segment boundary: /prefectx is not /prefect.
    assert.equal((await h.fetch("gw", "/prefectx", { token: engineer })).status, 404);
  });

  test("no route → 404, method not allowed → 403, encoded separators → 400; none reach the upstream", async () => {
    const token = await h.idp.sign(userClaims(["grp-engineers", "grp-analysts"]));
    const before = h.upstream.count();
    const none = await h.fetch("gw", "/nothing/here", { token });
    assert.equal(none.status, 404);
    assert.equal(((await none.json()) as { error: string }).error, "not_found");
    const method = await h.fetch("gw", "/prefect/api/flows", { token, method: "DELETE" });
    assert.equal(method.status, 403);
    assert.equal(((await method.json()) as { error: string }).error, "method_not_allowed");
    const encoded = await h.fetch("gw", "/synapse/..%2Fprefect-admin", { token });
    assert.equal(encoded.status, 400);
    assert.equal(h.upstream.count(), before);
  });

  test("encoded separators, empty segments and dot segments with path parameters → 400, none reach the upstream", async () => {
    const token = await h.idp.sign(userClaims(["grp-engineers", "grp-analysts", "grp-admins"]));
    // Each would let an upstream resolve a path other than the one authorized (or is ambiguous between servers).
    const variants = [
      "/synapse/..%2Fprefect-admin",
      "/synapse/..%2fprefect-admin",
      "/synapse/%2e%2e%2Fprefect-admin",
      "/synapse/%2E%2E%2fprefect-admin",
      "/synapse/%2e%2e;/prefect-admin",
      "/synapse/%2E%2E;/prefect-admin",
      "/synapse/.%2e;/prefect-admin",
      "/synapse/..%5cprefect-admin",
      "/synapse/..%5Cprefect-admin",
      "/synapse/x%5c..%5c..%5cprefect-admin",
      "/synapse//prefect-admin",
      "//synapse/x",
      "/synapse/x//",
      "/synapse/..;/prefect-admin",
      "/synapse/..;jsessionid=1/prefect-admin",
      "/synapse/.;/x",
      "/synapse/x/..;",
      "/synapse/..%3b/prefect-admin",
      "/synapse/..%3B/prefect-admin",
    ];
    const before = h.upstream.count();
    for (const path of variants) {
      // Through a fetch() client and as raw bytes on workerd's socket: the Worker sees the same path either way.
      const res = await h.fetch("gw", path, { token });
      assert.equal(res.status, 400, path);
      assert.deepEqual(await res.json(), { error: "invalid_request", message: "The path contains encoded separators or dot segments." }, path);
      const raw = await h.rawFetch(path, token);
      assert.equal(raw.status, 400, `${path} (raw)`);
      assert.match(raw.body, /"error":"invalid_request"/, `${path} (raw)`);
    }
    // A raw backslash becomes "/" before the Worker runs (as in a browser): doubled, it is an empty segment.
    assert.equal((await h.rawFetch("/synapse\\\\x", token)).status, 400);
    assert.equal(h.upstream.count(), before);
    // Look-alikes that are ordinary segments still pass.
    for (const path of ["/synapse/..x", "/synapse/.well-known", "/synapse/a.b/c..d"]) {
      const res = await h.fetch("gw", path, { token });
      assert.equal(res.status, 200, path);
      assert.equal(((await res.json()) as Echo).url, `/synapse-api${path.slice("/synapse".length)}`);
    }
  });

  test("dot segments the runtime resolves before the Worker (.., %2e%2e, %2E%2E, .%2e, \\..\\) are authorized as the resolved path", async () => {
    // workerd (like Cloudflare's edge and any fetch() client) resolves these while parsing the URL, so the Worker
    // never sees them: it authorizes and forwards the resolved path, never one an upstream would resolve differently.
    const analyst = await h.idp.sign(userClaims(["grp-analysts"]));
    const before = h.upstream.count();
    for (const dots of ["..", "%2e%2e", "%2E%2E", ".%2e", "%2e."]) {
      const res = await h.rawFetch(`/synapse/${dots}/prefect/admin/x`, analyst);
      assert.equal(res.status, 403, `${dots}: /prefect/admin is not the analysts' route`);
    }
    assert.equal((await h.rawFetch("/synapse\\..\\prefect/admin/x", analyst)).status, 403);
    assert.equal((await h.rawFetch("/synapse/%2e%2e/nothing", analyst)).status, 404);
    assert.equal(h.upstream.count(), before);
    const resolved = await h.rawFetch("/prefect/%2e%2e/synapse/x", analyst);
    assert.equal(resolved.status, 200);
    assert.match(resolved.body, /"url":"\/synapse-api\/x"/);
  });

  test("groups overage (_claim_names) fails closed with 403 groups_overage", async () => {
    const token = await h.idp.sign(userClaims([], { groups: undefined, _claim_names: { groups: "src1" }, _claim_sources: { src1: { endpoint: "https://graph.microsoft.com/v1.0/users/x/getMemberObjects" } } }));
    const before = h.upstream.count();
    const res = await h.fetch("gw", "/synapse/x", { token });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: string }).error, "groups_overage");
    assert.equal(h.upstream.count(), before);
  });

  test("caller credentials, cookies, hop-by-hop and spoofed identity headers never reach the upstream; Set-Cookie is not returned", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    const res = await h.fetch("gw", "/synapse/x", {
      token,
      headers: {
        cookie: "session=caller",
        "x-gateway-subject": "admin",
        "x-gateway-groups": "grp-admins",
        "x-forwarded-for": "1.2.3.4",
        "x-request-id": "caller-chosen",
        "proxy-authorization": "Basic Zm9vOmJhcg==",
        te: "trailers",
        "x-keep-me": "kept",
      },
    });
    const echo = (await res.json()) as Echo;
    assert.equal(echo.headers["cookie"], undefined);
    assert.doesNotMatch(echo.headers["authorization"]!, new RegExp(token.slice(0, 20)));
    assert.equal(echo.headers["x-gateway-subject"], "0b0b0b0b-0000-4000-8000-000000000001");
    assert.equal(echo.headers["x-gateway-groups"], "grp-analysts");
    assert.equal(echo.headers["x-forwarded-for"], undefined);
    assert.equal(echo.headers["proxy-authorization"], undefined);
    assert.equal(echo.headers["te"], undefined);
    assert.equal(echo.headers["x-keep-me"], "kept");
    assert.notEqual(echo.headers["x-request-id"], "caller-chosen");
    assert.equal(res.headers.get("set-cookie"), null);
    assert.equal(res.headers.get("x-upstream"), "yes");
  });

  test("audit: one JSON record per request with identity, route, decision and latency, and never the token", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    const allowed = await h.fetch("gw", "/synapse/audit", { token });
    await allowed.arrayBuffer();
    const record = await h.auditFor(allowed);
    assert.deepEqual(Object.keys(record).sort(), [
      "clientId", "decision", "groupsUsed", "handlerMs", "method", "path", "principalType", "reason", "requestId", "route",
      "status", "subject", "tenant", "time", "type", "upstreamAttempts", "upstreamLatencyMs",
    ]);
    assert.equal(record["decision"], "allow");
    assert.equal(record["status"], 200);
    assert.equal(record["route"], "/synapse");
    assert.equal(record["subject"], "0b0b0b0b-0000-4000-8000-000000000001");
    assert.equal(record["tenant"], TENANT);
    assert.deepEqual(record["groupsUsed"], ["grp-analysts"]);
    assert.equal(typeof record["upstreamLatencyMs"], "number");
    assert.ok(!Number.isNaN(Date.parse(String(record["time"]))));

    const denied = await h.fetch("gw", "/prefect/x", { token });
    const deniedRecord = await h.auditFor(denied);
    assert.equal(deniedRecord["decision"], "deny");
    assert.equal(deniedRecord["reason"], "no_matching_group");
    assert.equal(deniedRecord["status"], 403);
    assert.equal(h.audit.filter((a) => a.requestId === denied.headers.get("x-request-id")).length, 1);
    assert.ok(!JSON.stringify(h.audit).includes(token.split(".")[2]!), "no token signature anywhere in the audit log");
  });

  test("body limit: declared or streamed bodies above MAX_BODY_BYTES → 413 without an upstream call", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    const before = h.upstream.count();
    const big = await h.fetch("gw", "/synapse/x", { token, method: "POST", body: "x".repeat(2048) });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { error: string }).error, "payload_too_large");
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode("y".repeat(400)));
        c.close();
      },
    });
    const streamed = await h.fetch("gw", "/synapse/x", { token, method: "POST", body: stream, duplex: "half" } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.equal(h.upstream.count(), before);
    const small = await h.fetch("gw", "/synapse/x", { token, method: "POST", body: "x".repeat(1000) });
    assert.equal(small.status, 200);
  });

  test("rate limit per subject via the ratelimit binding → 429; another subject is unaffected; no binding → no limit", async () => {
    const alice = await h.idp.sign(userClaims(["grp-analysts"], { oid: "0b0b0b0b-0000-4000-8000-0000000000a1" }));
    const bob = await h.idp.sign(userClaims(["grp-analysts"], { oid: "0b0b0b0b-0000-4000-8000-0000000000b0" }));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.fetch("limited", "/synapse/x", { token: alice })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const limited = await h.fetch("limited", "/synapse/x", { token: alice });
    assert.equal(((await limited.json()) as { error: string }).error, "rate_limited");
    assert.equal((await h.fetch("limited", "/synapse/x", { token: bob })).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await h.fetch("gw", "/synapse/x", { token: alice })).status, 200);
  });

  test("Workers VPC: a route naming a vpc_service binding is fetched through it (origin's own URL), never over the internet", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    const before = h.upstream.count();
    const res = await h.fetch("vpc", "/synapse/pipelines?api-version=2020-12-01", { token });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { via: "vpc", url: "https://synw-private.dev.azuresynapse.net/pipelines?api-version=2020-12-01" });
    const sent = h.vpcRequests.at(-1)!;
    assert.match(sent.headers["authorization"]!, /^Bearer upstream-token-\d+$/);
    assert.equal(sent.headers["x-gateway-groups"], "grp-analysts");
    assert.equal(h.upstream.count(), before, "nothing went to a public upstream");
    // Unauthorized callers never reach the binding.
    const n = h.vpcRequests.length;
    assert.equal((await h.fetch("vpc", "/synapse/pipelines", { token: await h.idp.sign(userClaims(["grp-other"])) })).status, 403);
    assert.equal(h.vpcRequests.length, n);
    // A route naming a binding the Worker does not have is a configuration error, not a silent internet fetch.
    const unbound = await h.fetch("vpc-unbound", "/synapse/pipelines", { token });
    assert.equal(unbound.status, 500);
    assert.equal(((await unbound.json()) as { error: string }).error, "misconfigured");
  });

  test("a bug inside the gateway answers 500 internal_error (not 502 bad_gateway) and is audited as internal", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    const res = await h.fetch("broken", "/synapse/x", { token });
    assert.equal(res.status, 500);
    assert.equal(((await res.json()) as { error: string }).error, "internal_error");
    const record = await h.auditFor(res);
    assert.match(String(record["reason"]), /^internal: /);
    assert.equal(record["status"], 500);
  });

  test("the timeout bounds the wait for the upstream's headers, not its body: a body streaming past it arrives whole", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    const t = Date.now();
    const res = await h.fetch("gw", "/synapse/trickle", { token });
    assert.equal(res.status, 200);
    const body = await res.text();
    const elapsed = Date.now() - t;
    assert.ok(elapsed > 500, `the body took ${elapsed} ms: longer than the gw worker's UPSTREAM_TIMEOUT_MS (500)`);
    assert.equal(body, Array.from({ length: TRICKLE_CHUNKS }, (_, i) => `chunk ${i + 1}\n`).join(""));
  });

  test("upstream slow → 504 and down → 502, each within a bounded time", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    let t = Date.now();
    const slow = await h.fetch("gw", "/synapse/slow", { token });
    assert.equal(slow.status, 504);
    assert.equal(((await slow.json()) as { error: string }).error, "gateway_timeout");
    assert.ok(Date.now() - t < 3_000, `504 after ${Date.now() - t} ms`);
    t = Date.now();
    const down = await h.fetch("gw", "/down", { token });
    assert.equal(down.status, 502);
    assert.equal(((await down.json()) as { error: string }).error, "bad_gateway");
    assert.ok(Date.now() - t < 3_000);
  });

  test("a cached upstream token is refreshed before it expires: a later request fetches again and carries the new token", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    const fetches = () => h.tokenEndpoint.count((r) => r.url.startsWith(`/${SHORT_TOKEN_TENANT}/`));
    const upstreamAuth = async () => {
      const res = await h.fetch("short-tokens", "/synapse/x", { token });
      assert.equal(res.status, 200);
      return ((await res.json()) as Echo).headers["authorization"]!;
    };
    const seq = (auth: string) => Number(/^Bearer upstream-token-(\d+)$/.exec(auth)?.[1]);
    const first = await upstreamAuth();
    assert.equal(fetches(), 1);
    assert.equal(await upstreamAuth(), first, "served from cache while fresh");
    assert.equal(fetches(), 1);
    // expires_in 2 s: refreshed at half-life (margin = min(5 min, half the lifetime)), i.e. 1 s after it was fetched.
    // Waiting 1.3 s stays well short of the expiry itself, so this fails if the margin is dropped as well.
    await new Promise((r) => setTimeout(r, (SHORT_TOKEN_SECONDS * 1000) / 2 + 300));
    const second = await upstreamAuth();
    assert.equal(fetches(), 2, "fetched again once the refresh time passed");
    assert.ok(seq(second) > seq(first), `a newer token reaches the upstream: ${first} then ${second}`);
    assert.equal(await upstreamAuth(), second, "and the new one is cached in turn");
    assert.equal(fetches(), 2);
  });

  test("the upstream token endpoint is called once for many concurrent requests, then served from cache", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    const before = h.tokenEndpoint.count();
    const results = await Promise.all(Array.from({ length: 25 }, () => h.fetch("tokens", "/synapse/x", { token })));
    assert.ok(results.every((r) => r.status === 200));
    const tokensSeen = new Set(await Promise.all(results.map(async (r) => ((await r.json()) as Echo).headers["authorization"])));
    assert.equal(h.tokenEndpoint.count() - before, 1);
    assert.equal(tokensSeen.size, 1);
    for (let i = 0; i < 5; i++) await h.fetch("tokens", "/synapse/x", { token });
    assert.equal(h.tokenEndpoint.count() - before, 1);
  });
});
