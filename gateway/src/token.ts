import { decodeProtectedHeader, jwtVerify, errors, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { GatewayConfig } from "./config";
import { GatewayError } from "./errors";
import { IdpUnavailable, keyResolver, keySetVersion } from "./jwks";
import { forget, recall, remember } from "./verified";

/** The authenticated caller, as derived from a verified token. Never from email/upn. */
export interface Identity {
  readonly subject: string;
  readonly tenant: string | undefined;
  readonly clientId: string | undefined;
  readonly kind: "user" | "app";
  readonly groups: readonly string[];
  readonly roles: readonly string[];
  /** The token had too many groups to carry them (Entra overage): `groups` is incomplete. */
  readonly groupsOverage: boolean;
}

const ALGORITHMS = ["RS256", "ES256"];
const CLOCK_SKEW_SECONDS = 60;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// Headers that would let a token name its own verification key: never honoured, rejected outright.
const KEY_CARRYING_HEADERS = ["jwk", "jku", "x5u", "x5c"];
const ENTRA_HOSTS = new Set(["login.microsoftonline.com", "sts.windows.net", "login.microsoftonline.us", "login.partner.microsoftonline.cn"]);

const invalid = (message: string, reason: string) => new GatewayError("invalid_token", message, reason);

export function bearerToken(request: Request, config: GatewayConfig): string {
  const header = request.headers.get("authorization");
  if (!header) throw invalid("A bearer token is required.", "missing_token");
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (!match) throw invalid("The Authorization header must be 'Bearer <token>'.", "malformed_authorization");
  const token = match[1]!;
  if (token.length > config.maxTokenBytes) throw invalid("The token is too large.", "token_too_large");
  return token;
}

export async function authenticate(token: string, config: GatewayConfig): Promise<Identity> {
  const known = recall(config, token, Date.now());
  if (known) {
    if (known.keySetVersion !== undefined && known.keySetVersion === keySetVersion(config)) return known.identity;
    forget(config, token);
  }
  if (!JWT_SHAPE.test(token)) throw invalid("The token is malformed.", "malformed_token");
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    throw invalid("The token is malformed.", "malformed_header");
  }
  if (typeof header["alg"] !== "string" || !ALGORITHMS.includes(header["alg"])) {
    throw invalid("The token's algorithm is not accepted.", `alg_not_allowed:${String(header["alg"])}`);
  }
  if (KEY_CARRYING_HEADERS.some((h) => h in header)) throw invalid("The token embeds key material.", "embedded_key");
  if (typeof header["kid"] !== "string") throw invalid("The token has no key id.", "missing_kid");

  let payload: JWTPayload;
  let version: object | undefined;
  try {
    const keys = await keysFor(config);
    ({ payload } = await jwtVerify(token, async (h, t) => {
      // The version the key came from; none if the set reloaded while it was being looked up.
      const before = keySetVersion(config);
      const key = await keys(h, t);
      version = keySetVersion(config) === before ? before : undefined;
      return key;
    }, {
      algorithms: ALGORITHMS,
      audience: config.audiences,
      clockTolerance: CLOCK_SKEW_SECONDS,
      // jose checks exp/nbf only when present: exp is required so a token can never live forever.
      requiredClaims: ["exp", "iss", "sub"],
    }));
  } catch (err) {
    throw classify(err);
  }
  const tenant = checkIssuer(payload, config);
  const identity = identityOf(payload, tenant);
  remember(config, token, {
    identity,
    keySetVersion: version,
    // The same bounds jose applied with the clock tolerance: accepted while now < exp + skew and now >= nbf - skew.
    expiresAt: (payload.exp! + CLOCK_SKEW_SECONDS) * 1000,
    notBefore: payload.nbf === undefined ? -Infinity : (payload.nbf - CLOCK_SKEW_SECONDS) * 1000,
  });
  return identity;
}

/** The key set: the resolver itself once known, so a warm request takes no extra turn of the event loop. */
async function keysFor(config: GatewayConfig): Promise<JWTVerifyGetKey> {
  const pending = keyResolver(config);
  return typeof pending === "function" ? pending : await pending;
}

function classify(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof IdpUnavailable) return new GatewayError("idp_unavailable", "The identity provider is unavailable.", err.message);
  if (err instanceof errors.JWTExpired) return invalid("The token has expired.", "expired");
  if (err instanceof errors.JWKSNoMatchingKey) return invalid("The token was not signed by a known key.", "unknown_kid");
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid("The token signature is invalid.", "bad_signature");
  if (err instanceof errors.JWTClaimValidationFailed) return invalid("The token is not valid for this gateway.", `claim_${err.claim}_${err.reason}`);
  if (err instanceof errors.JOSEError) return invalid("The token is invalid.", err.code);
  return invalid("The token is invalid.", "unverifiable");
}

/**
 * `iss` must equal OIDC_ISSUER (Okta custom authorization servers, any OIDC issuer). For Entra (allowed tenants set,
 * `{tenantid}` in the issuer, or an Entra host) the token's `tid` must be allowed and `iss` must be the issuer form for
 * its `ver`: v1 `https://sts.windows.net/{tid}/`, v2 OIDC_ISSUER with `{tenantid}` replaced by `tid`.
 */
function checkIssuer(p: JWTPayload, config: GatewayConfig): string | undefined {
  const tid = typeof p["tid"] === "string" ? p["tid"] : undefined;
  const { template, entra } = issuerKind(config);
  if (!entra) {
    if (p.iss !== config.issuer) throw invalid("The token is not valid for this gateway.", "wrong_issuer");
    return tid;
  }
  if (!tid || !/^[0-9a-f-]{36}$/i.test(tid)) throw invalid("The token has no valid tenant.", "missing_tid");
  if (config.allowedTenants.length > 0 && !config.allowedTenants.includes(tid)) {
    throw invalid("The token's tenant is not allowed.", "tenant_not_allowed");
  }
  if (!template && !config.issuer.includes(tid)) throw invalid("The token's tenant does not match the issuer.", "tenant_mismatch");
  const expected = p["ver"] === "1.0" ? `https://sts.windows.net/${tid}/` : config.issuer.replace("{tenantid}", tid);
  if (p.iss !== expected) throw invalid("The token is not valid for this gateway.", "wrong_issuer");
  return tid;
}

// Per config (bindings are fixed for the isolate): the issuer is parsed once, not on every request.
const kinds = new WeakMap<GatewayConfig, { template: boolean; entra: boolean }>();

function issuerKind(config: GatewayConfig): { template: boolean; entra: boolean } {
  let kind = kinds.get(config);
  if (!kind) {
    const template = config.issuer.includes("{tenantid}");
    kind = { template, entra: template || config.allowedTenants.length > 0 || isEntraHost(config.issuer) };
    kinds.set(config, kind);
  }
  return kind;
}

function isEntraHost(issuer: string): boolean {
  try {
    return ENTRA_HOSTS.has(new URL(issuer).hostname);
  } catch {
    return false;
  }
}

function identityOf(p: JWTPayload, tenant: string | undefined): Identity {
  const strings = (v: unknown) => Object.freeze(Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  const claimNames = p["_claim_names"] as Record<string, unknown> | undefined;
  // Entra: `oid` is the stable object id across applications; `sub` is pairwise per app. Okta: `uid` is the user's
  // stable ID, while `sub` is the (mutable) login.
  const subject = typeof p["oid"] === "string" && tenant ? p["oid"] : typeof p["uid"] === "string" ? p["uid"] : p.sub!;
  // Entra v2 `azp`, v1 `appid`, RFC 9068 `client_id`, Okta `cid`.
  const clientId = [p["azp"], p["appid"], p["client_id"], p["cid"]].find((v): v is string => typeof v === "string");
  return Object.freeze({
    subject,
    tenant,
    clientId,
    kind: principalKind(p, tenant),
    groups: strings(p["groups"]),
    roles: strings(p["roles"]),
    groupsOverage: Boolean(claimNames && typeof claimNames === "object" && "groups" in claimNames) || p["hasgroups"] === true,
  });
}

/**
 * App-only or user. Entra sends `idtyp` only when the API requests it as an optional claim; without it, `scp` tells them
 * apart ("only included for user tokens"; client credentials get `roles` instead): learn.microsoft.com/entra/
 * identity-platform/access-token-claims-reference. Okta: `uid` only in tokens issued for a user; a client-credentials
 * token's `sub` is its client ID (`cid`).
 */
function principalKind(p: JWTPayload, tenant: string | undefined): "user" | "app" {
  if (p["idtyp"] === "app") return "app";
  if (p["idtyp"] === "user") return "user";
  if (tenant) return p["scp"] === undefined ? "app" : "user";
  if (typeof p["uid"] === "string") return "user";
  return typeof p["cid"] === "string" && p.sub === p["cid"] ? "app" : "user";
}
