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
  "AZURE_CLIENT_SECRET_NEXT",
  "UPSTREAM_SHARED_SECRET",
  "UPSTREAM_SHARED_SECRET_HEADER",
  "MAX_BODY_BYTES",
  "MAX_TOKEN_BYTES",
  "UPSTREAM_TIMEOUT_MS",
  "IDP_TIMEOUT_MS",
  "JWKS_REFETCH_COOLDOWN_SECONDS",
  "RATE_LIMITER",
  "PREFECT_AUTH",
  "PREFECT_AUTH_NEXT",
  "VPC_SYNAPSE",
  "VPC_PREFECT",
] as const;

export type GatewayBinding = (typeof GATEWAY_BINDINGS)[number];

/**
 * The Workers compatibility date the bundle is deployed with (the default of `dataplatform:gateway.compatibilityDate`)
 * and run with in workerd by the gateway tests and benchmark: deployed semantics = tested semantics.
 */
export const GATEWAY_COMPATIBILITY_DATE = "2025-09-01";

/**
 * The app role app-only callers hold (the gateway-<env> app's `appRoles`, components/identity): it arrives in the
 * token's `roles` claim, and the read-only `/synapse` route admits it besides the people groups.
 */
export const GATEWAY_APP_ROLE = "Gateway.Access";

/** The secret binding the `/prefect` route names: Prefect's basic-auth string (`user:password`). */
export const PREFECT_AUTH_BINDING = "PREFECT_AUTH";

/** The secret bindings a `basic` route may name (the Worker's Env declares each; nothing is looked up by arbitrary name). */
export const BASIC_AUTH_BINDINGS = ["PREFECT_AUTH"] as const;
export type BasicAuthBinding = (typeof BASIC_AUTH_BINDINGS)[number];

/**
 * Rotation overlap: next to a rotated secret binding, the other value that may be the one the upstream accepts — the
 * NEXT one, from the newer of two rotation slots, which becomes current at the older slot's rotation: for Prefect the
 * auth string the server switches to then, for Entra the newer client secret (the current one is the password Entra
 * has had longest). The Worker tries the value that last worked and, on a credential rejection, the other one once
 * (docs/gateway.md#rotation).
 */
export const OVERLAP_BINDINGS = { PREFECT_AUTH: "PREFECT_AUTH_NEXT", AZURE_CLIENT_SECRET: "AZURE_CLIENT_SECRET_NEXT" } as const;

/** Workers VPC service bindings (`vpc_service`), one per tunnel-connected origin, that a route may name in `binding`. */
export const VPC_BINDINGS = { synapse: "VPC_SYNAPSE", prefect: "VPC_PREFECT" } as const;
export type VpcBinding = (typeof VPC_BINDINGS)[keyof typeof VPC_BINDINGS];

/** How the Worker authenticates upstream: a client-credentials token for `scope`, or basic auth from a secret binding. */
export type UpstreamAuth = { type: "entra"; scope: string } | { type: "basic"; secret: string };

/**
 * One element of the ROUTES binding (a JSON array). `Value` is `string` on the wire; the program may hold values
 * known only at deploy time (upstream URLs, group object IDs) until it serialises them.
 */
export interface RouteEntry<Value = string> {
  /** Path prefix the route owns, e.g. `/synapse`. */
  prefix: string;
  /**
   * Base URL the Worker forwards to. With `binding`, its host is the origin's own (private) name: it sets the Host
   * header and SNI, while the request travels through the binding, never over the public internet.
   */
  upstream: Value;
  /**
   * A Workers VPC service binding (`vpc_service`) the request is sent through (`env[binding].fetch(url, init)`),
   * reaching a tunnel-connected origin with no public DNS record. Absent: a plain `fetch` to `upstream` (allowlist mode).
   * https://developers.cloudflare.com/workers-vpc/api/
   */
  binding?: string;
  methods: string[];
  /** Any one of these, found in the token's `groups` or `roles` claim, grants access. */
  groups: Value[];
  upstreamAuth: UpstreamAuth;
}
