import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { jose, type JWK, type JWTPayload, type PrivateKey } from "./jose";

export const TENANT = "11111111-2222-4333-8444-555555555555";
export const OTHER_TENANT = "99999999-2222-4333-8444-555555555555";
export const AUDIENCE = "api://dataplatform-gateway";
export const APP_CLIENT = { id: "pipeline-app", secret: "pipeline-app-secret-which-is-long-enough" };

interface SigningKey {
  kid: string;
  alg: "RS256" | "ES256";
  privateKey: PrivateKey;
  privateJwk: JWK;
  publicJwk: JWK;
}

async function signingKey(kid: string, alg: "RS256" | "ES256"): Promise<SigningKey> {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
  const privateJwk = { ...(await jose.exportJWK(privateKey)), kid, alg, use: "sig" };
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, privateJwk, publicJwk };
}

/**
 * A real OpenID provider (the `oidc-provider` package) on loopback: discovery, JWKS and a client-credentials token
 * endpoint issuing JWT access tokens. Keys can be rotated (the provider is rebuilt with a new key on the same port)
 * and the whole IdP can be taken down or made to hang, while every request is counted per path.
 */
export class TestIdp {
  readonly hits: string[] = [];
  keys: SigningKey[] = [];
  mode: "up" | "down" | "hang" = "up";
  private server!: http.Server;
  private provider!: { callback(): http.RequestListener; issuer: string };
  private callback!: http.RequestListener;

  static async start(): Promise<TestIdp> {
    const idp = new TestIdp();
    idp.keys = [await signingKey("rsa-1", "RS256"), await signingKey("ec-1", "ES256")];
    idp.server = http.createServer((req, res) => {
      idp.hits.push(new URL(req.url ?? "/", "http://x").pathname);
      if (idp.mode === "down") return req.socket.destroy();
      if (idp.mode === "hang") return; // accepts, never answers
      idp.callback(req, res);
    });
    idp.server.listen(0, "127.0.0.1");
    await once(idp.server, "listening");
    await idp.buildProvider();
    return idp;
  }

  get issuer(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get jwksUri(): string {
    return `${this.issuer}/jwks`;
  }

  fetchesOf(path: string): number {
    return this.hits.filter((h) => h === path).length;
  }

  /** Rotation: a new RSA key replaces the old one; the provider signs with it from now on. */
  async rotate(): Promise<SigningKey> {
    const next = await signingKey(`rsa-${this.keys.length + 1}-${Date.now()}`, "RS256");
    this.keys = [next, ...this.keys.filter((k) => k.alg !== "RS256")];
    await this.buildProvider();
    return next;
  }

  private async buildProvider(): Promise<void> {
    // oidc-provider is ESM-only; this package is CommonJS.
    const specifier: string = "oidc-provider";
    const { default: Provider } = (await import(specifier)) as { default: new (issuer: string, config: object) => TestIdp["provider"] };
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: APP_CLIENT.id,
          client_secret: APP_CLIENT.secret,
          grant_types: ["client_credentials"],
          redirect_uris: [],
          response_types: [],
          token_endpoint_auth_method: "client_secret_post",
        },
      ],
      jwks: { keys: this.keys.map((k) => k.privateJwk) },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: "gateway.access",
            audience: AUDIENCE,
            accessTokenTTL: 600,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } },
          }),
        },
      },
      ttl: { ClientCredentials: 600 },
      // Entra-shaped app-only token claims.
      extraTokenClaims: () => ({ tid: TENANT, ver: "2.0", idtyp: "app", roles: ["Pipelines.Run"], azp: APP_CLIENT.id }),
    });
    this.provider = provider;
    this.callback = provider.callback();
  }

  /** A real app-only token from the provider's token endpoint (client credentials). */
  async appToken(): Promise<string> {
    const res = await fetch(`${this.issuer}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: APP_CLIENT.id,
        client_secret: APP_CLIENT.secret,
        resource: AUDIENCE,
        scope: "gateway.access",
      }),
    });
    const body = (await res.json()) as { access_token?: string };
    if (!res.ok || !body.access_token) throw new Error(`token endpoint: ${res.status} ${JSON.stringify(body)}`);
    return body.access_token;
  }

  /** A token signed with the provider's own published key, for user tokens and crafted attack cases. */
  async sign(claims: JWTPayload, opts: { kid?: string; alg?: "RS256" | "ES256"; header?: Record<string, unknown>; omitExp?: boolean } = {}): Promise<string> {
    const alg = opts.alg ?? "RS256";
    const key = this.keys.find((k) => k.alg === alg)!;
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = { iss: this.issuer, aud: AUDIENCE, iat: now, nbf: now, exp: now + 600, ...claims };
    if (opts.omitExp) delete payload.exp;
    return new jose.SignJWT(payload).setProtectedHeader({ alg, kid: opts.kid ?? key.kid, typ: "JWT", ...opts.header }).sign(key.privateKey);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
