/**
 * What the program hands the gateway Worker: the names of its bindings and the shape of the ROUTES binding. The
 * Worker imports this module too, so it stays types and string constants (nothing that grows the bundle).
 */

/** Every binding the Worker reads (gateway/src/env.ts declares exactly these), besides the secrets routes name. */
export const GATEWAY_BINDINGS = [
  "OIDC_ISSUER",
  "OIDC_AUDIENCE",
  "OIDC_JWKS_URI",
  "OIDC_ALLOWED_TENANTS",
  "ROUTES",
  "AZURE_AUTHORITY_HOST",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_ID",
  "AZURE_CLIENT_SECRET",
  "UPSTREAM_SHARED_SECRET",
  "UPSTREAM_SHARED_SECRET_HEADER",
  "MAX_BODY_BYTES",
  "MAX_TOKEN_BYTES",
  "UPSTREAM_TIMEOUT_MS",
  "IDP_TIMEOUT_MS",
  "JWKS_REFETCH_COOLDOWN_SECONDS",
  "RATE_LIMITER",
] as const;

export type GatewayBinding = (typeof GATEWAY_BINDINGS)[number];

/**
 * The Workers compatibility date the bundle is deployed with (the default of `dataplatform:gateway.compatibilityDate`)
 * and run with in workerd by the gateway tests and benchmark: deployed semantics = tested semantics.
 */
export const GATEWAY_COMPATIBILITY_DATE = "2025-09-01";

/** The secret binding the `/prefect` route names: Prefect's basic-auth string (`user:password`). */
export const PREFECT_AUTH_BINDING = "PREFECT_AUTH";

/** How the Worker authenticates upstream: a client-credentials token for `scope`, or basic auth from a secret binding. */
export type UpstreamAuth = { type: "entra"; scope: string } | { type: "basic"; secret: string };

/**
 * One element of the ROUTES binding (a JSON array). `Value` is `string` on the wire; the program may hold values
 * known only at deploy time (upstream URLs, group object IDs) until it serialises them.
 */
export interface RouteEntry<Value = string> {
  /** Path prefix the route owns, e.g. `/synapse`. */
  prefix: string;
  /** Base URL the Worker forwards to. */
  upstream: Value;
  methods: string[];
  /** Any one of these, found in the token's `groups` or `roles` claim, grants access. */
  groups: Value[];
  upstreamAuth: UpstreamAuth;
}
