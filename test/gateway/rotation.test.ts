import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, beforeEach, describe, test } from "vitest";
import { GATEWAY_COMPATIBILITY_DATE } from "../../contracts/gateway";
import { type AuditLine, BUNDLE, collectAuditLines, GATEWAY_TENANT, SYNAPSE_SCOPE, userClaims } from "./harness";
import { AUDIENCE, TestIdp } from "./idp";
import { json, LoopbackServer } from "./loopback";

/**
 * Rotation with an overlap (issue 10, point 3), in real workerd: the Worker holds two values of each rotated credential
 * (Prefect: the current auth string and the next one; Entra: the current client secret, the app's older password, and
 * the next one) and, when the upstream rejects the one it tried, tries the other once.
 *
 * - Prefect: a loopback stand-in for the Prefect server's auth middleware — it accepts exactly ONE auth string, as
 *   Prefect does (PrefectHQ/prefect src/prefect/server/api/server.py: `if decoded != auth_string:` → 401
 *   `{"exception_message": "Unauthorized"}`), and the test switches which one mid-run, as a revision roll does.
 * - Entra: a loopback client-credentials endpoint that accepts a set of client secrets and answers `invalid_client`
 *   (RFC 6749 §5.2; Entra's AADSTS7000215) for any other.
 */
/** PREFECT_AUTH: the value the serving revision had before the rotation (outgoing). */
const CURRENT = "prefect:outgoing-current-password";
/** PREFECT_AUTH_NEXT: the value the rotation rolls the server to (incoming), announced to the Worker ahead. */
const NEXT = "prefect:incoming-next-password";
const basic = (v: string) => `Basic ${Buffer.from(v).toString("base64")}`;

describe("rotation overlap in workerd: the gateway holds both values and retries once on a credential rejection", () => {
  let idp: TestIdp;
  let prefect: LoopbackServer;
  let entra: LoopbackServer;
  let synapse: LoopbackServer;
  let mf: Miniflare;
  const audit: AuditLine[] = [];
  /** The auth string the Prefect stand-in accepts: the revision that serves right now. */
  let accepted = new Set<string>();
  let acceptedSecrets = new Set<string>();

  beforeAll(async () => {
    idp = await TestIdp.start();
    prefect = await new LoopbackServer((req, res, body) => {
      const auth = req.headers.authorization ?? "";
      const decoded = auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString("utf8") : "";
      if (!accepted.has(decoded)) return json(res, 401, { exception_message: "Unauthorized" });
      json(res, 200, { method: req.method, url: req.url, body, as: decoded });
    }).listen();
    entra = await new LoopbackServer((_req, res, body) => {
      const form = new URLSearchParams(body);
      if (!acceptedSecrets.has(form.get("client_secret") ?? "")) {
        return json(res, 401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
      }
      json(res, 200, { token_type: "Bearer", expires_in: 3599, access_token: `token-for-${form.get("client_secret")}` });
    }).listen();
    synapse = await new LoopbackServer((req, res) => json(res, 200, { authorization: req.headers.authorization })).listen();

    const routes = JSON.stringify([
      { prefix: "/prefect", upstream: `${prefect.origin}/api`, methods: ["GET", "POST"], groups: ["grp-engineers"], upstreamAuth: { type: "basic", secret: "PREFECT_AUTH" } },
      { prefix: "/synapse", upstream: synapse.origin, methods: ["GET"], groups: ["grp-engineers"], upstreamAuth: { type: "entra", scope: SYNAPSE_SCOPE } },
    ]);
    const worker = (name: string, bindings: Record<string, string>) => ({
      name,
      modules: true,
      scriptPath: BUNDLE,
      compatibilityDate: GATEWAY_COMPATIBILITY_DATE,
      bindings: {
        OIDC_ISSUER: idp.issuer,
        OIDC_AUDIENCE: AUDIENCE,
        ROUTES: routes,
        AZURE_AUTHORITY_HOST: entra.origin,
        AZURE_TENANT_ID: GATEWAY_TENANT,
        AZURE_CLIENT_ID: "gateway-client-id",
        AZURE_CLIENT_SECRET: "client-secret-current",
        PREFECT_AUTH: CURRENT,
        MAX_BODY_BYTES: "1024",
        ...bindings,
      },
    });
    mf = new Miniflare({
      workers: [
        // One isolate per scenario, so what one isolate learnt (which value works) does not leak into another.
        worker("roll-not-yet", { PREFECT_AUTH_NEXT: NEXT }),
        worker("roll-done", { PREFECT_AUTH_NEXT: NEXT }),
        worker("roll-both-wrong", { PREFECT_AUTH_NEXT: NEXT }),
        worker("roll-body", { PREFECT_AUTH_NEXT: NEXT }),
        worker("roll-back", { PREFECT_AUTH_NEXT: NEXT }),
        worker("no-next", {}),
        worker("entra-next", { AZURE_CLIENT_SECRET_NEXT: "client-secret-next" }),
        worker("entra-none", {}),
      ],
      handleRuntimeStdio: collectAuditLines(audit),
    });
    await mf.ready;
  });
  afterAll(async () => {
    await mf?.dispose();
    await Promise.all([idp?.close(), prefect?.close(), entra?.close(), synapse?.close()]);
  });
  beforeEach(() => {
    accepted = new Set([CURRENT]);
    acceptedSecrets = new Set(["client-secret-current"]);
  });

  let token: string;
  const call = async (worker: string, path: string, init: RequestInit = {}): Promise<Response> => {
    token ??= await idp.sign(userClaims(["grp-engineers"]));
    const w = await mf.getWorker(worker);
    const headers = { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) };
    return (await w.fetch(`https://gateway.example.com${path}`, { ...init, headers } as never)) as unknown as Response;
  };
  const auditFor = async (res: Response): Promise<AuditLine> => {
    const id = res.headers.get("x-request-id");
    for (let i = 0; i < 250; i++) {
      const hit = audit.find((a) => a.requestId === id);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no audit record for ${id}`);
  };
  /** Requests the Prefect stand-in received during `fn`, with the auth string each carried. */
  const sentDuring = async (fn: () => Promise<void>): Promise<string[]> => {
    const before = prefect.requests.length;
    await fn();
    return prefect.requests.slice(before).map((r) => Buffer.from(String(r.headers.authorization).slice(6), "base64").toString("utf8"));
  };

  test("server not rolled yet (old revision accepts the current value): 200 on the first try, no retry", async () => {
    let res!: Response;
    const sent = await sentDuring(async () => {
      res = await call("roll-not-yet", "/prefect/flows");
      assert.equal(res.status, 200);
    });
    assert.deepEqual(sent, [CURRENT]);
    assert.equal((await auditFor(res))["upstreamAttempts"], 1);
  });

  test("server rolled, Worker not yet updated (new revision accepts only the next value): 200 after one retry; then one hop per request", async () => {
    accepted = new Set([NEXT]);
    let res!: Response;
    const first = await sentDuring(async () => {
      res = await call("roll-done", "/prefect/flows");
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { as: string }).as, NEXT);
    });
    assert.deepEqual(first, [CURRENT, NEXT], "the bound value first, then the next value once");
    const record = await auditFor(res);
    assert.equal(record["upstreamAttempts"], 2);
    assert.equal(record["reason"], "ok");
    // Warm: the isolate remembers which value works.
    const warm = await sentDuring(async () => {
      for (let i = 0; i < 3; i++) assert.equal((await call("roll-done", "/prefect/flows")).status, 200);
    });
    assert.deepEqual(warm, [NEXT, NEXT, NEXT], "one request upstream each");
  });

  test("a roll that is undone (traffic back on the old revision) while an isolate prefers the next value: it switches back after one retry", async () => {
    accepted = new Set([NEXT]);
    assert.equal((await call("roll-back", "/prefect/a")).status, 200);
    accepted = new Set([CURRENT]);
    const sent = await sentDuring(async () => {
      assert.equal((await call("roll-back", "/prefect/b")).status, 200);
      assert.equal((await call("roll-back", "/prefect/c")).status, 200);
    });
    assert.deepEqual(sent, [NEXT, CURRENT, CURRENT]);
  });

  test("both values wrong: the upstream's 401 reaches the caller after exactly one retry, audited", async () => {
    accepted = new Set(["prefect:some-third-value"]);
    let res!: Response;
    const sent = await sentDuring(async () => {
      res = await call("roll-both-wrong", "/prefect/flows");
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { exception_message: "Unauthorized" }, "the upstream's own answer");
    });
    assert.deepEqual(sent, [CURRENT, NEXT], "no double retry");
    const record = await auditFor(res);
    assert.equal(record["status"], 401);
    assert.equal(record["decision"], "allow", "the gateway allowed it; the upstream refused the credential");
    assert.equal(record["reason"], "upstream_credentials_rejected");
    assert.equal(record["upstreamAttempts"], 2);
  });

  test("a POST body is replayed byte for byte on the retry (buffered, within MAX_BODY_BYTES)", async () => {
    accepted = new Set([NEXT]);
    const body = JSON.stringify({ flows: { name: { any_: ["etl"] } }, pad: "x".repeat(600) });
    const before = prefect.requests.length;
    const res = await call("roll-body", "/prefect/flows/filter", { method: "POST", body, headers: { "content-type": "application/json" } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { body: string }).body, body);
    const sent = prefect.requests.slice(before);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent.map((r) => r.body), [body, body], "both attempts carried the whole body");
    // Above the limit nothing is sent at all (413 before any upstream call), so no stream is ever retried.
    const big = await call("roll-body", "/prefect/flows/filter", { method: "POST", body: "y".repeat(2048) });
    assert.equal(big.status, 413);
    assert.equal(prefect.requests.length, before + 2);
  });

  test("without a next value bound, a 401 is final: no retry", async () => {
    accepted = new Set([NEXT]);
    const sent = await sentDuring(async () => {
      assert.equal((await call("no-next", "/prefect/flows")).status, 401);
    });
    assert.deepEqual(sent, [CURRENT]);
  });

  test("Entra client secret: a secret Entra rejects (invalid_client) is retried once with the other; without a second one the rejection is final", async () => {
    // An isolate of the previous script version after the `up` that rotated the older slot: its AZURE_CLIENT_SECRET
    // is the password that `up` deleted, its AZURE_CLIENT_SECRET_NEXT the password now current (or: a fresh password
    // Entra has not replicated yet). The gateway still obtains its upstream token.
    acceptedSecrets = new Set(["client-secret-next"]);
    const before = entra.requests.length;
    const res = await call("entra-next", "/synapse/x");
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { authorization: string }).authorization, "Bearer token-for-client-secret-next");
    const tried = entra.requests.slice(before).map((r) => new URLSearchParams(r.body).get("client_secret"));
    assert.deepEqual(tried, ["client-secret-current", "client-secret-next"]);

    // Without a second secret the rejection is final: 502, one request to Entra.
    const lone = entra.requests.length;
    const failed = await call("entra-none", "/synapse/x");
    assert.equal(failed.status, 502);
    assert.equal((await auditFor(failed))["reason"], "upstream_token: invalid_client");
    assert.equal(entra.requests.length, lone + 1);
  });
});
