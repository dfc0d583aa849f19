/**
 * The floor for `npm run bench:gateway`: a minimal jose gateway doing the same per-request work the real one must do —
 * JWKS verification (issuer, audience, RS256/ES256, exp), one group check, and a cached client-credentials upstream
 * token — and nothing else (no audit, no header shaping, no body limit, no rate limit). Never deployed.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";

interface Env {
  OIDC_ISSUER: string;
  OIDC_AUDIENCE: string;
  OIDC_JWKS_URI: string;
  UPSTREAM: string;
  GROUP: string;
  TOKEN_URL: string;
  AZURE_CLIENT_ID: string;
  AZURE_CLIENT_SECRET: string;
  SCOPE: string;
}

let jwks: JWTVerifyGetKey | undefined;
let cached: { header: string; refreshAt: number } | undefined;

async function upstreamToken(env: Env): Promise<string> {
  if (cached && Date.now() < cached.refreshAt) return cached.header;
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: env.AZURE_CLIENT_ID, client_secret: env.AZURE_CLIENT_SECRET, scope: env.SCOPE });
  const json = (await (await fetch(env.TOKEN_URL, { method: "POST", body })).json()) as { access_token: string; expires_in: number };
  cached = { header: `Bearer ${json.access_token}`, refreshAt: Date.now() + (json.expires_in - 300) * 1000 };
  return cached.header;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    jwks ??= createRemoteJWKSet(new URL(env.OIDC_JWKS_URI));
    const auth = request.headers.get("authorization");
    if (!auth?.startsWith("Bearer ")) return new Response("unauthorized", { status: 401 });
    let groups: unknown;
    try {
      ({ payload: { groups } } = await jwtVerify(auth.slice(7), jwks, { issuer: env.OIDC_ISSUER, audience: env.OIDC_AUDIENCE, algorithms: ["RS256", "ES256"] }));
    } catch {
      return new Response("unauthorized", { status: 401 });
    }
    if (!Array.isArray(groups) || !groups.includes(env.GROUP)) return new Response("forbidden", { status: 403 });
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set("authorization", await upstreamToken(env));
    const upstream = await fetch(`${env.UPSTREAM}${url.pathname.slice("/synapse".length)}${url.search}`, { method: request.method, headers });
    return new Response(upstream.body, upstream);
  },
};
