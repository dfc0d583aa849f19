import { BASIC_AUTH_BINDINGS, OVERLAP_BINDINGS, VPC_BINDINGS, type BasicAuthBinding, type RouteEntry, type VpcBinding } from "../../contracts/gateway";
import type { Env } from "./env";

/**
 * A rotated credential: the bound value and, during a rotation overlap, the other one the upstream may accept instead
 * (Prefect's next auth string, Entra's next client secret: docs/gateway.md#rotation). `preferred` is the index
 * tried first: the bound value until the other one is seen to work. It lives in the parsed config, i.e. per isolate,
 * so warm requests take one hop to the value that works.
 */
export interface Credentials {
  readonly values: readonly string[];
  preferred: number;
}

/** How the Worker authenticates upstream, resolved once: the basic-auth headers are built at parse time, not per request. */
export type ResolvedUpstreamAuth = { type: "entra"; scope: string } | { type: "basic"; secret: BasicAuthBinding; headers: Credentials };

/**
 * A ROUTES entry after parsing: prefix and upstream without trailing slashes, methods upper-case, the VPC binding
 * resolved to its Fetcher (undefined: plain fetch over the internet, allowlist mode).
 */
export interface Route extends Omit<RouteEntry, "upstreamAuth"> {
  upstreamAuth: ResolvedUpstreamAuth;
  fetcher: Fetcher | undefined;
}

export interface GatewayConfig {
  issuer: string;
  audiences: string[];
  jwksUri: string | undefined;
  /** Entra tenants whose tokens are accepted; empty = no tenant restriction beyond `issuer`. */
  allowedTenants: string[];
  routes: Route[];
  authorityHost: string;
  tenantId: string | undefined;
  clientId: string | undefined;
  /** AZURE_CLIENT_SECRET, then AZURE_CLIENT_SECRET_NEXT when set; empty without an `entra` route. */
  clientSecrets: Credentials;
  sharedSecret: { header: string; value: string } | undefined;
  maxBodyBytes: number;
  maxTokenBytes: number;
  upstreamTimeoutMs: number;
  idpTimeoutMs: number;
  jwksRefetchCooldownMs: number;
}

export class ConfigError extends Error {}

const DEFAULTS = {
  authorityHost: "https://login.microsoftonline.com",
  maxBodyBytes: 1024 * 1024,
  maxTokenBytes: 8 * 1024,
  upstreamTimeoutMs: 30_000,
  idpTimeoutMs: 3_000,
  jwksRefetchCooldownSeconds: 300,
} as const;

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

// Bindings are fixed for the life of an isolate: parse them once per env object, not per request.
const parsed = new WeakMap<object, GatewayConfig | ConfigError>();

export function loadConfig(env: Env): GatewayConfig {
  let cached = parsed.get(env);
  if (!cached) {
    try {
      cached = parseConfig(env);
    } catch (err) {
      cached = err instanceof ConfigError ? err : new ConfigError(String(err));
    }
    parsed.set(env, cached);
  }
  if (cached instanceof ConfigError) throw cached;
  return cached;
}

export function parseConfig(env: Env): GatewayConfig {
  const issuer = required(env, "OIDC_ISSUER");
  const allowedTenants = list(env.OIDC_ALLOWED_TENANTS);
  if (issuer.includes("{tenantid}") && allowedTenants.length === 0) {
    throw new ConfigError("OIDC_ISSUER with {tenantid} (multi-tenant) requires OIDC_ALLOWED_TENANTS");
  }
  if (issuer.includes("{tenantid}") && !env.OIDC_JWKS_URI) {
    throw new ConfigError("OIDC_ISSUER with {tenantid} cannot be discovered: set OIDC_JWKS_URI");
  }
  const audiences = list(required(env, "OIDC_AUDIENCE"));
  const routes = parseRoutes(required(env, "ROUTES"), env);
  const sharedSecret = str(env.UPSTREAM_SHARED_SECRET);
  return {
    issuer,
    audiences,
    jwksUri: str(env.OIDC_JWKS_URI),
    allowedTenants,
    routes,
    authorityHost: (str(env.AZURE_AUTHORITY_HOST) ?? DEFAULTS.authorityHost).replace(/\/+$/, ""),
    tenantId: str(env.AZURE_TENANT_ID),
    clientId: str(env.AZURE_CLIENT_ID),
    clientSecrets: credentials(str(env.AZURE_CLIENT_SECRET), str(env[OVERLAP_BINDINGS.AZURE_CLIENT_SECRET])),
    sharedSecret: sharedSecret
      ? { header: str(env.UPSTREAM_SHARED_SECRET_HEADER) ?? "X-Gateway-Secret", value: sharedSecret }
      : undefined,
    maxBodyBytes: int(env, "MAX_BODY_BYTES", DEFAULTS.maxBodyBytes),
    maxTokenBytes: int(env, "MAX_TOKEN_BYTES", DEFAULTS.maxTokenBytes),
    upstreamTimeoutMs: int(env, "UPSTREAM_TIMEOUT_MS", DEFAULTS.upstreamTimeoutMs),
    idpTimeoutMs: int(env, "IDP_TIMEOUT_MS", DEFAULTS.idpTimeoutMs),
    jwksRefetchCooldownMs: int(env, "JWKS_REFETCH_COOLDOWN_SECONDS", DEFAULTS.jwksRefetchCooldownSeconds) * 1000,
  };
}

function parseRoutes(json: string, env: Env): Route[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigError("ROUTES is not valid JSON");
  }
  if (!Array.isArray(raw)) throw new ConfigError("ROUTES must be a JSON array");
  return raw.map((r, i) => parseRoute(r, i, env));
}

function parseRoute(raw: unknown, i: number, env: Env): Route {
  const where = `ROUTES[${i}]`;
  if (typeof raw !== "object" || raw === null) throw new ConfigError(`${where} must be an object`);
  const r = raw as Record<string, unknown>;
  const prefix = r["prefix"];
  if (typeof prefix !== "string" || !/^\/[A-Za-z0-9._~\-/]*$/.test(prefix)) throw new ConfigError(`${where}.prefix must be a path`);
  const upstream = r["upstream"];
  if (typeof upstream !== "string" || !/^https?:\/\//.test(upstream)) throw new ConfigError(`${where}.upstream must be an http(s) URL`);
  const binding = r["binding"];
  let fetcher: Fetcher | undefined;
  if (binding !== undefined) {
    if (typeof binding !== "string" || !VPC_NAMES.includes(binding)) {
      throw new ConfigError(`${where}.binding must be one of ${VPC_NAMES.join(", ")}`);
    }
    fetcher = env[binding as VpcBinding];
    if (typeof fetcher?.fetch !== "function") throw new ConfigError(`${where}.binding: VPC service binding ${binding} missing`);
  }
  const methods = stringArray(r["methods"], `${where}.methods`).map((m) => m.toUpperCase());
  for (const m of methods) if (!METHODS.has(m)) throw new ConfigError(`${where}.methods: unknown method ${m}`);
  // Least privilege: a route without groups would admit every authenticated caller, which must never be implicit.
  const groups = stringArray(r["groups"], `${where}.groups`);
  if (groups.length === 0) throw new ConfigError(`${where}.groups must name at least one group or role`);
  return {
    prefix: prefix.length > 1 ? prefix.replace(/\/+$/, "") : prefix,
    upstream: upstream.replace(/\/+$/, ""),
    methods,
    groups,
    ...(typeof binding === "string" ? { binding } : {}),
    upstreamAuth: parseUpstreamAuth(r["upstreamAuth"], where, env),
    fetcher,
  };
}

const VPC_NAMES: readonly string[] = Object.values(VPC_BINDINGS);
const BASIC_NAMES: readonly string[] = BASIC_AUTH_BINDINGS;

function parseUpstreamAuth(raw: unknown, where: string, env: Env): ResolvedUpstreamAuth {
  const a = (raw ?? {}) as Record<string, unknown>;
  if (a["type"] === "entra" && typeof a["scope"] === "string" && a["scope"]) {
    for (const key of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"] as const) required(env, key);
    return { type: "entra", scope: a["scope"] };
  }
  if (a["type"] === "basic" && typeof a["secret"] === "string" && a["secret"]) {
    if (!BASIC_NAMES.includes(a["secret"])) throw new ConfigError(`${where}.upstreamAuth.secret must be one of ${BASIC_NAMES.join(", ")}`);
    const secret = a["secret"] as BasicAuthBinding;
    const value = env[secret];
    if (typeof value !== "string") throw new ConfigError(`${where}.upstreamAuth.secret: binding ${secret} missing`);
    const other = env[OVERLAP_BINDINGS[secret]];
    const basic = (v: string | undefined) => (v === undefined ? undefined : `Basic ${btoa(v)}`);
    return { type: "basic", secret, headers: credentials(basic(value), basic(typeof other === "string" && other !== "" ? other : undefined)) };
  }
  throw new ConfigError(`${where}.upstreamAuth must be {type:"entra",scope} or {type:"basic",secret}`);
}

/** The bound value first; the other only when set and different (an unchanged value needs no second try). */
function credentials(current: string | undefined, other: string | undefined): Credentials {
  const values = current === undefined ? [] : other === undefined || other === current ? [current] : [current, other];
  return { values, preferred: 0 };
}

function stringArray(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string" && x.length > 0)) {
    throw new ConfigError(`${where} must be an array of non-empty strings`);
  }
  return v as string[];
}

function required(env: Env, key: keyof Env): string {
  const v = str(env[key]);
  if (!v) throw new ConfigError(`binding ${key} is required`);
  return v;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function list(v: string | undefined): string[] {
  return (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

function int(env: Env, key: keyof Env, fallback: number): number {
  const v = str(env[key]);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`binding ${key} must be a non-negative integer`);
  return n;
}
