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
  if (auth.type === "basic") return auth.headers.values[auth.headers.preferred]!;
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
  const secrets = config.clientSecrets;
  let json = await requestToken(scope, config, secrets.values[secrets.preferred] ?? "");
  // Rotation overlap: Entra rejects a client secret it does not (or no longer, or not yet) know with `invalid_client`
  // (RFC 6749 §5.2). With a second secret bound, try it once and remember it for this isolate.
  if (json === INVALID_CLIENT && secrets.values.length > 1) {
    const other = 1 - secrets.preferred;
    json = await requestToken(scope, config, secrets.values[other]!);
    if (json !== INVALID_CLIENT) secrets.preferred = other;
  }
  if (json === INVALID_CLIENT) {
    throw new GatewayError("bad_gateway", "The upstream credential could not be obtained.", "upstream_token: invalid_client");
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

const INVALID_CLIENT = Symbol("invalid_client");
type TokenJson = { access_token?: unknown; expires_in?: unknown };

/** One client-credentials request: the token response, INVALID_CLIENT for a rejected secret, or a 502 for anything else. */
async function requestToken(scope: string, config: GatewayConfig, secret: string): Promise<TokenJson | typeof INVALID_CLIENT> {
  const url = `${config.authorityHost}/${config.tenantId}/oauth2/v2.0/token`;
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: config.clientId ?? "", client_secret: secret, scope });
  try {
    const res = await fetch(url, { method: "POST", body, signal: AbortSignal.timeout(config.idpTimeoutMs) });
    if (res.status === 400 || res.status === 401) {
      const error = ((await res.json().catch(() => ({}))) as { error?: unknown }).error;
      if (error === "invalid_client") return INVALID_CLIENT;
    }
    if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
    return (await res.json()) as TokenJson;
  } catch (err) {
    throw new GatewayError("bad_gateway", "The upstream credential could not be obtained.", `upstream_token: ${(err as Error).message}`);
  }
}
