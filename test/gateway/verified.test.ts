import assert from "node:assert/strict";
import { afterAll, afterEach, beforeAll, describe, test, vi } from "vitest";
import { parseConfig, type GatewayConfig } from "../../gateway/src/config";
import { GatewayError } from "../../gateway/src/errors";
import { authenticate } from "../../gateway/src/token";
import { MAX_VERIFIED_TOKENS } from "../../gateway/src/verified";
import { userClaims } from "./harness";
import { AUDIENCE, TestIdp } from "./idp";

/**
 * The verified-token cache (gateway/src/verified.ts), in Node against the real OIDC provider: what it skips (the
 * signature check of a token seen before) and everything it must not skip. Node's WebCrypto stands in for workerd's
 * here only to count signature checks; the Worker's behaviour with the cache is also covered in workerd by auth.test.ts
 * ("key rotation at the IdP …": the old token there was verified, hence cached, before the rotation).
 */
describe("verified-token cache", () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await TestIdp.start();
  });
  afterAll(async () => {
    await idp?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  // A fresh config per test: the cache lives per parsed config, as bindings do per isolate. Its key set is loaded by
  // one throwaway token first: a token verified while the set (re)loads is not remembered (verified.ts).
  const config = async (extra: Record<string, string> = {}): Promise<GatewayConfig> => {
    const cfg = parsed(extra);
    await authenticate(await idp.sign(userClaims(["g"], { jti: "load-the-key-set" })), cfg).catch(() => undefined);
    return cfg;
  };
  // Key sets live per JWKS URI for the whole module: a URI of its own keeps one test's reloads (and fake clock) from
  // another's.
  let configs = 0;
  const parsed = (extra: Record<string, string>): GatewayConfig =>
    parseConfig({
      OIDC_ISSUER: idp.issuer,
      OIDC_JWKS_URI: `${idp.jwksUri}?config=${++configs}`,
      OIDC_AUDIENCE: AUDIENCE,
      JWKS_REFETCH_COOLDOWN_SECONDS: "1",
      ROUTES: JSON.stringify([{ prefix: "/p", upstream: "http://127.0.0.1:1", methods: ["GET"], groups: ["g"], upstreamAuth: { type: "basic", secret: "PREFECT_AUTH" } }]),
      PREFECT_AUTH: "u:p",
      ...extra,
    });
  const signatureChecks = () => vi.spyOn(crypto.subtle, "verify");
  const reason = async (pending: Promise<unknown>): Promise<string> => {
    const err = await pending.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof GatewayError, `expected a GatewayError, got ${String(err)}`);
    return err.reason;
  };
  // Date only (jose reads `new Date()`, the cache and the key set Date.now()); timers and I/O stay real.
  const clockAt = (ms: number) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(ms);
  };

  test("a repeated token's signature is checked once; the identity is the same", async () => {
    const cfg = await config();
    const token = await idp.sign(userClaims(["g"]));
    const checks = signatureChecks();
    const first = await authenticate(token, cfg);
    const second = await authenticate(token, cfg);
    assert.equal(checks.mock.calls.length, 1);
    assert.deepEqual(second, first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.groups), "the shared identity cannot be changed by a request");
  });

  test("keyed by the exact token: the same claims with another signature are verified, and refused", async () => {
    const cfg = await config();
    const token = await idp.sign(userClaims(["g"]));
    await authenticate(token, cfg);
    const [head, body, sig] = token.split(".") as [string, string, string];
    const forged = `${head}.${body}.${sig.slice(0, -4)}${sig.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    assert.match(await reason(authenticate(forged, cfg)), /bad_signature|ERR_JWS/);
  });

  test("exp is checked again on every request: a cached token past exp + 60 s skew is refused as expired", async () => {
    const cfg = await config();
    const now = Date.now();
    const token = await idp.sign(userClaims(["g"], { exp: Math.floor(now / 1000) + 30 }));
    await authenticate(token, cfg);
    clockAt(now + 31_000); // past exp, within the skew
    await authenticate(token, cfg);
    clockAt(now + 91_000); // past exp + skew
    assert.equal(await reason(authenticate(token, cfg)), "expired");
  });

  test("nbf is checked again too: after the clock steps back, a cached token not yet valid is refused", async () => {
    const cfg = await config();
    const now = Date.now();
    const token = await idp.sign(userClaims(["g"], { nbf: Math.floor(now / 1000) + 50 })); // within the skew now
    await authenticate(token, cfg);
    clockAt(now - 20_000); // nbf - 60 s is now in the future
    assert.match(await reason(authenticate(token, cfg)), /claim_nbf/);
  });

  test("a stale key set is reloaded for a cached token too: a key removed at the IdP refuses its tokens", async () => {
    const cfg = await config();
    const now = Date.now();
    const token = await idp.sign(userClaims(["g"], { exp: Math.floor(now / 1000) + 3600 }));
    await authenticate(token, cfg);
    await idp.rotate(); // the token's key leaves the JWKS; no request names the new kid
    const jwksBefore = idp.fetchesOf("/jwks");
    clockAt(now + 10 * 60_000 + 1_000); // the key set's 10-minute freshness has passed
    assert.equal(await reason(authenticate(token, cfg)), "unknown_kid");
    assert.ok(idp.fetchesOf("/jwks") > jwksBefore, "the stale key set was fetched again");
  });

  test("a reload for a new kid verifies cached tokens again: one whose key left the set is refused", async () => {
    const cfg = await config();
    const token = await idp.sign(userClaims(["g"]));
    await authenticate(token, cfg);
    await idp.rotate();
    await new Promise((r) => setTimeout(r, 1_100)); // this config's refetch cooldown (1 s)
    await authenticate(await idp.sign(userClaims(["g"])), cfg); // names the new kid: the set reloads
    assert.equal(await reason(authenticate(token, cfg)), "unknown_kid");
  });

  test("entries belong to one configuration: another audience does not accept a token cached for this one", async () => {
    const token = await idp.sign(userClaims(["g"]));
    await authenticate(token, await config());
    assert.match(await reason(authenticate(token, await config({ OIDC_AUDIENCE: "api://another" }))), /claim_aud/);
  });

  test(`bounded: after ${MAX_VERIFIED_TOKENS} other tokens the first one is verified again`, async () => {
    const cfg = await config();
    const first = await idp.sign(userClaims(["g"], { jti: "first" }));
    await authenticate(first, cfg);
    for (let i = 0; i < MAX_VERIFIED_TOKENS; i++) await authenticate(await idp.sign(userClaims(["g"], { jti: `t${i}` }), { alg: "ES256" }), cfg);
    const checks = signatureChecks();
    await authenticate(first, cfg);
    assert.equal(checks.mock.calls.length, 1);
  });
});
