import type { GatewayConfig, ResolvedUpstreamAuth } from "./config";
import { GatewayError } from "./errors";

interface CachedToken {
  /** `Bearer <access token>`, built once per token. */
  header: string;
  refreshAt: number;
}

// Module scope: one client-credentials token per scope for the whole isolate, and at most one fetch in flight.
const tokens = new Map<string, CachedToken>();
const inFlight = new Map<string, Promise<CachedToken>>();
const REFRESH_MARGIN_MS = 5 * 60_000;

/** The Authorization header value the route's upstream expects. */
export function upstreamAuthorization(auth: ResolvedUpstreamAuth, config: GatewayConfig): string | Promise<string> {
  if (auth.type === "basic") return auth.header;
  // Warm path without an await: the cached header is returned synchronously.
  const cached = tokens.get(auth.scope);
  if (cached && Date.now() < cached.refreshAt) return cached.header;
  return entraToken(auth.scope, config);
}

async function entraToken(scope: string, config: GatewayConfig): Promise<string> {
  let pending = inFlight.get(scope);
  if (!pending) {
    pending = fetchToken(scope, config).finally(() => inFlight.delete(scope));
    inFlight.set(scope, pending);
  }
  return (await pending).header;
}

async function fetchToken(scope: string, config: GatewayConfig): Promise<CachedToken> {
  const url = `${config.authorityHost}/${config.tenantId}/oauth2/v2.0/token`;
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: config.clientId ?? "",
    client_secret: config.clientSecret ?? "",
    scope,
  });
  let json: { access_token?: unknown; expires_in?: unknown };
  try {
    const res = await fetch(url, { method: "POST", body, signal: AbortSignal.timeout(config.idpTimeoutMs) });
    if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
    json = await res.json();
  } catch (err) {
    throw new GatewayError("bad_gateway", "The upstream credential could not be obtained.", `upstream_token: ${(err as Error).message}`);
  }
  const expiresIn = Number(json.expires_in);
  if (typeof json.access_token !== "string" || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new GatewayError("bad_gateway", "The upstream credential could not be obtained.", "upstream_token: malformed response");
  }
  // Refresh shortly before expiry: 5 minutes early, or at half-life for short-lived tokens.
  const margin = Math.min(REFRESH_MARGIN_MS, (expiresIn * 1000) / 2);
  const token = { header: `Bearer ${json.access_token}`, refreshAt: Date.now() + expiresIn * 1000 - margin };
  tokens.set(scope, token);
  return token;
}
