import { createRemoteJWKSet, errors, jwksCache, type ExportedJWKSCache, type JWTVerifyGetKey, type RemoteJWKSet } from "jose";
import type { GatewayConfig } from "./config";

/** The IdP (discovery or JWKS endpoint) could not be reached or answered garbage: not the caller's fault. */
export class IdpUnavailable extends Error {}

/** A remote key set and what tells its versions apart. */
interface KeySet {
  readonly resolve: JWTVerifyGetKey;
  readonly remote: RemoteJWKSet;
  /** jose writes the JWKS document it applied into this object on every reload: a new document, a new version. */
  readonly applied: Partial<ExportedJWKSCache>;
}

// Module scope on purpose: a JWKS created per request would throw its cache away and fetch keys on every request.
const keySets = new Map<string, KeySet>();
const discovered = new Map<string, Promise<string>>();
const DISCOVERY_FAILURE_BACKOFF_MS = 5_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;

// The key set last handed out per config: warm requests get it without awaiting discovery again.
const resolved = new WeakMap<GatewayConfig, KeySet>();

/**
 * The key resolver for this config: JWKS from `OIDC_JWKS_URI` or discovered from the issuer, cached per URI. Returns
 * the resolver itself once known (no promise, no extra turn of the event loop on warm requests).
 */
export function keyResolver(config: GatewayConfig): JWTVerifyGetKey | Promise<JWTVerifyGetKey> {
  return resolved.get(config)?.resolve ?? resolveKeys(config).then((set) => set.resolve);
}

/**
 * The version of the key set a verification would use now: the JWKS document last applied, while it is fresh (younger
 * than the 10-minute maximum age); undefined before the first load or once stale, when verifying reloads it. A token
 * verified under a version stays verified only while the version is the same (gateway/src/verified.ts).
 */
export function keySetVersion(config: GatewayConfig): object | undefined {
  const set = resolved.get(config);
  return set?.remote.fresh ? set.applied.jwks : undefined;
}

async function resolveKeys(config: GatewayConfig): Promise<KeySet> {
  const uri = config.jwksUri ?? (await discoverJwksUri(config));
  let set = keySets.get(uri);
  if (!set) {
    const applied: Partial<ExportedJWKSCache> = {};
    const remote = createRemoteJWKSet(new URL(uri), {
      timeoutDuration: config.idpTimeoutMs,
      // An unknown `kid` triggers a refetch at most once per cooldown: rotation is picked up, floods are not.
      cooldownDuration: config.jwksRefetchCooldownMs,
      cacheMaxAge: JWKS_MAX_AGE_MS,
      // Starts empty (nothing preloaded); jose records each applied reload in it (jose src/jwks/remote.ts).
      [jwksCache]: applied as Record<string, never>,
    });
    const resolve: JWTVerifyGetKey = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (err) {
        if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
        throw new IdpUnavailable(`JWKS fetch failed: ${(err as Error).message}`);
      }
    };
    set = { resolve, remote, applied };
    keySets.set(uri, set);
  }
  resolved.set(config, set);
  return set;
}

function discoverJwksUri(config: GatewayConfig): Promise<string> {
  const issuer = config.issuer.replace(/\/+$/, "");
  let pending = discovered.get(issuer);
  if (!pending) {
    pending = fetchDiscovery(config.issuer, issuer, config.idpTimeoutMs);
    discovered.set(issuer, pending);
    // A failed discovery is retried after a short backoff, so an IdP outage is not hammered by every request.
    pending.catch(() => setTimeout(() => discovered.delete(issuer), DISCOVERY_FAILURE_BACKOFF_MS));
  }
  return pending;
}

async function fetchDiscovery(configuredIssuer: string, issuer: string, timeoutMs: number): Promise<string> {
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "application/json" },
    });
    if (!res.ok) throw new Error(`status ${res.status}`);
    doc = await res.json();
  } catch (err) {
    throw new IdpUnavailable(`OIDC discovery failed: ${(err as Error).message}`);
  }
  // The discovery document must be the issuer's own (OpenID Connect Discovery §4.3).
  if (doc.issuer !== configuredIssuer || typeof doc.jwks_uri !== "string" || !/^https?:\/\//.test(doc.jwks_uri)) {
    throw new IdpUnavailable("OIDC discovery document does not match the issuer");
  }
  return doc.jwks_uri;
}
