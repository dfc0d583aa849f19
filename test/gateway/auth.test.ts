import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, test } from "vitest";
import { jose } from "./jose";

const { base64url, exportJWK, generateKeyPair, SignJWT } = jose;
import { GatewayHarness, userClaims } from "./harness";
import { AUDIENCE, OTHER_TENANT, TENANT } from "./idp";

const ENTRA_V2 = (tid: string) => `http://127.0.0.1:1/${tid}/v2.0`;

describe("gateway in workerd: token validation against a real OIDC provider", () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await GatewayHarness.start();
    // Warm the generic worker's JWKS so the attack cases below are judged on the token, not on an IdP fetch.
    const warm = await h.fetch("gw", "/synapse/x", { token: await h.idp.sign(userClaims(["grp-analysts"])) });
    assert.equal(warm.status, 200);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Sends the token; asserts 401 invalid_token, the audit reason, and that neither upstream nor token endpoint saw it. */
  async function rejected(token: string | undefined, reason: RegExp, worker = "gw", headers: Record<string, string> = {}) {
    const upstreamBefore = h.upstream.count();
    const tokensBefore = h.tokenEndpoint.count();
    const res = await h.fetch(worker, "/synapse/x", { ...(token === undefined ? {} : { token }), headers });
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(res.status, 401, JSON.stringify(body));
    assert.deepEqual(Object.keys(body), ["error", "message"]);
    assert.equal(body.error, "invalid_token");
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.match(String((await h.auditFor(res))["reason"]), reason);
    assert.equal(h.upstream.count(), upstreamBefore, "no upstream call");
    assert.equal(h.tokenEndpoint.count(), tokensBefore, "no upstream token fetch");
  }

  const segments = (t: string) => t.split(".") as [string, string, string];
  const encode = (o: object) => base64url.encode(JSON.stringify(o));

  test("missing token and non-Bearer schemes → 401", async () => {
    await rejected(undefined, /missing_token/);
    await rejected(undefined, /malformed_authorization/, "gw", { authorization: "Basic dXNlcjpwYXNz" });
  });

  test("alg none (unsigned) → 401", async () => {
    const [, payload] = segments(await h.idp.sign(userClaims(["grp-analysts"])));
    await rejected(`${encode({ alg: "none", typ: "JWT", kid: "rsa-1" })}.${payload}.`, /malformed_token/);
    await rejected(`${encode({ alg: "none", typ: "JWT", kid: "rsa-1" })}.${payload}.AAAA`, /alg_not_allowed:none/);
  });

  test("HS256 signed with the IdP's public key as HMAC secret (key confusion) → 401", async () => {
    const publicJwk = h.idp.keys.find((k) => k.alg === "RS256")!.publicJwk;
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ ...userClaims(["grp-analysts"]), iss: h.idp.issuer, aud: AUDIENCE, exp: now + 600 })
      .setProtectedHeader({ alg: "HS256", kid: "rsa-1" })
      .sign(secret);
    await rejected(forged, /alg_not_allowed:HS256/);
  });

  test("unknown kid → 401, and the refetch it triggers is rate-limited (one JWKS fetch for many such tokens)", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const now = Math.floor(Date.now() / 1000);
    const forge = () =>
      new SignJWT({ ...userClaims(["grp-analysts"]), iss: h.idp.issuer, aud: AUDIENCE, exp: now + 600 })
        .setProtectedHeader({ alg: "RS256", kid: `attacker-${Math.random()}` })
        .sign(privateKey);
    const jwksBefore = h.idp.fetchesOf("/jwks");
    for (let i = 0; i < 10; i++) await rejected(await forge(), /unknown_kid/);
    assert.ok(h.idp.fetchesOf("/jwks") - jwksBefore <= 1, `JWKS fetched ${h.idp.fetchesOf("/jwks") - jwksBefore} times`);
  });

  test("embedded jwk / jku / x5c headers → 401 even when the signature matches the embedded key", async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const jwk = await exportJWK(publicKey);
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...userClaims(["grp-analysts"]), iss: h.idp.issuer, aud: AUDIENCE, exp: now + 600 };
    await rejected(await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "rsa-1", jwk }).sign(privateKey), /embedded_key/);
    await rejected(await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "rsa-1", jku: "https://attacker.example/jwks" }).sign(privateKey), /embedded_key/);
    // Even signed by the real key, a token carrying key material is refused.
    await rejected(await h.idp.sign(userClaims(["grp-analysts"]), { header: { x5c: ["MIIB"] } }), /embedded_key/);
  });

  test("expired, nbf in the future, missing exp → 401 (all signed by the real IdP key)", async () => {
    const now = Math.floor(Date.now() / 1000);
    await rejected(await h.idp.sign(userClaims(["grp-analysts"], { iat: now - 7200, nbf: now - 7200, exp: now - 3600 })), /expired/);
    await rejected(await h.idp.sign(userClaims(["grp-analysts"], { nbf: now + 3600 })), /claim_nbf/);
    await rejected(await h.idp.sign(userClaims(["grp-analysts"]), { omitExp: true }), /claim_exp_missing/);
  });

  test("small clock skew is tolerated (exp 30 s ago), a larger one is not", async () => {
    const now = Math.floor(Date.now() / 1000);
    const skewed = await h.idp.sign(userClaims(["grp-analysts"], { exp: now - 30 }));
    assert.equal((await h.fetch("gw", "/synapse/x", { token: skewed })).status, 200);
    await rejected(await h.idp.sign(userClaims(["grp-analysts"], { exp: now - 120 })), /expired/);
  });

  test("wrong issuer or audience → 401", async () => {
    await rejected(await h.idp.sign(userClaims(["grp-analysts"], { iss: "https://evil.example/" })), /wrong_issuer/);
    await rejected(await h.idp.sign(userClaims(["grp-analysts"], { aud: "api://some-other-api" })), /claim_aud/);
  });

  test("ES256 tokens from the IdP are accepted (algorithm allowlist RS256/ES256)", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]), { alg: "ES256" });
    assert.equal((await h.fetch("gw", "/synapse/x", { token })).status, 200);
  });

  test("oversized token → 401 before any parsing; malformed segments → 401", async () => {
    const big = await h.idp.sign(userClaims(["grp-analysts"], { padding: "p".repeat(9000) }));
    await rejected(big, /token_too_large/);
    await rejected("only.two", /malformed_token/);
    await rejected("a.b.c.d", /malformed_token/);
    await rejected("!!!.###.$$$", /malformed_token/);
    const [, payload, sig] = segments(await h.idp.sign(userClaims(["grp-analysts"])));
    await rejected(`bm90LWpzb24.${payload}.${sig}`, /malformed_header/);
    await rejected(`${encode({ alg: "RS256", kid: "rsa-1" })}.bm90LWpzb24.${sig}`, /bad_signature|JWT_INVALID|ERR_JW/);
  });

  describe("Entra issuer forms and tenants", () => {
    const entra = (extra: Record<string, unknown>, tid = TENANT) => h.idp.sign(userClaims(["grp-analysts"], { tid, iss: ENTRA_V2(tid), ...extra }));

    test("v2 issuer for an allowed tenant and v1 issuer (sts.windows.net, ver 1.0) are both accepted", async () => {
      assert.equal((await h.fetch("entra", "/synapse/x", { token: await entra({}) })).status, 200);
      const v1 = await entra({ ver: "1.0", iss: `https://sts.windows.net/${TENANT}/` });
      assert.equal((await h.fetch("entra", "/synapse/x", { token: v1 })).status, 200);
    });

    test("wrong tid, missing tid, tid/iss mismatch and a v1 issuer on a v2 token → 401", async () => {
      await rejected(await entra({}, OTHER_TENANT), /tenant_not_allowed/, "entra");
      await rejected(await entra({ tid: undefined }), /missing_tid/, "entra");
      await rejected(await entra({ iss: ENTRA_V2(OTHER_TENANT) }), /wrong_issuer/, "entra");
      await rejected(await entra({ iss: `https://sts.windows.net/${TENANT}/` }), /wrong_issuer/, "entra");
    });
  });

  test("key rotation at the IdP (new kid) is picked up without restart; old-key tokens then fail", async () => {
    const oldToken = await h.idp.appToken();
    assert.equal((await h.fetch("rotation", "/synapse/x", { token: oldToken })).status, 200);
    await h.idp.rotate();
    const newToken = await h.idp.appToken();
    assert.notEqual(newToken.split(".")[0], oldToken.split(".")[0]);
    await new Promise((r) => setTimeout(r, 1_100)); // the worker's refetch cooldown (1 s in this binding set)
    assert.equal((await h.fetch("rotation", "/synapse/x", { token: newToken })).status, 200);
    // The old key left the JWKS with the refetch: its tokens are no longer accepted.
    await rejected(oldToken, /unknown_kid/, "rotation");
  });

  test("IdP down (connection refused) → 503 quickly; IdP hanging → 503 within the IdP timeout; no upstream call", async () => {
    const token = await h.idp.sign(userClaims(["grp-analysts"]));
    for (const worker of ["idp-down", "idp-hang"]) {
      const upstreamBefore = h.upstream.count();
      const t = Date.now();
      const res = await h.fetch(worker, "/synapse/x", { token });
      assert.equal(res.status, 503, worker);
      assert.deepEqual(await res.json(), { error: "idp_unavailable", message: "The identity provider is unavailable." });
      assert.ok(Date.now() - t < 2_500, `${worker} answered after ${Date.now() - t} ms`);
      assert.equal(h.upstream.count(), upstreamBefore);
    }
    // Discovery failure: the generic worker, started fresh against an IdP that is down.
    h.idp.mode = "down";
    try {
      const res = await h.fetch("tokens", "/synapse/x", { token });
      assert.equal(res.status, 503);
    } finally {
      h.idp.mode = "up";
    }
  });
});
