import type { GatewayBinding } from "../../contracts/gateway";

/** The Worker's bindings as Cloudflare passes them (docs/gateway.md#bindings). Everything is a string unless noted. */
export interface Env {
  OIDC_ISSUER?: string;
  OIDC_AUDIENCE?: string;
  OIDC_JWKS_URI?: string;
  OIDC_ALLOWED_TENANTS?: string;
  ROUTES?: string;
  AZURE_AUTHORITY_HOST?: string;
  AZURE_TENANT_ID?: string;
  AZURE_CLIENT_ID?: string;
  AZURE_CLIENT_SECRET?: string;
  /** The gateway app's other client secret, current after the next rotation (rotation overlap, docs/gateway.md#rotation). */
  AZURE_CLIENT_SECRET_NEXT?: string;
  /** Allowlist mode: sent to every upstream in `UPSTREAM_SHARED_SECRET_HEADER` (default `X-Gateway-Secret`). */
  UPSTREAM_SHARED_SECRET?: string;
  UPSTREAM_SHARED_SECRET_HEADER?: string;
  /** Tuning knobs with secure defaults (see config.ts). */
  MAX_BODY_BYTES?: string;
  MAX_TOKEN_BYTES?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  IDP_TIMEOUT_MS?: string;
  JWKS_REFETCH_COOLDOWN_SECONDS?: string;
  /** Workers rate-limit binding; absent → no rate limit. */
  RATE_LIMITER?: RateLimit;
  /** Prefect's basic-auth string (`user:password`), named by the `/prefect` route's `upstreamAuth.secret`. */
  PREFECT_AUTH?: string;
  /** The basic-auth string the Prefect server switches to at the next rotation (docs/gateway.md#rotation). */
  PREFECT_AUTH_NEXT?: string;
  /** Workers VPC service bindings to the tunnel-connected origins (https://developers.cloudflare.com/workers-vpc/api/). */
  VPC_SYNAPSE?: Fetcher;
  VPC_PREFECT?: Fetcher;
}

type DeclaredBinding = keyof Env;

// The contract and the Worker name the same bindings: a name added on one side only fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type BindingsMatchContract = Assert<Same<DeclaredBinding, GatewayBinding>>;
