import assert from "node:assert/strict";
import type { Readable } from "node:stream";
import { Miniflare, type WorkerOptions } from "miniflare";
import type { Graph, GraphResource } from "../../tools/graph";
import { jose, type JWK, type JWTPayload, type PrivateKey } from "./jose";
import { json, LoopbackServer } from "./loopback";

/**
 * The gateway exactly as a stack deploys it: the WorkersScript of an evaluated stack graph — its content (the bundle),
 * main module, compatibility date and every binding — run in workerd. Its outbound requests (OIDC discovery at the
 * configured issuer, JWKS, the client-credentials token endpoint) leave through miniflare's outboundService to a
 * loopback stand-in for the identity provider; the `vpc_service` bindings are answered by stand-ins for the private
 * origins. Any other outbound request fails the test: the deployed configuration must need nothing else.
 */
export interface Deployed {
  /** The WorkersScript resource of the graph. */
  script: GraphResource;
  /** Bindings by name, as the stack sets them (secret values unwrapped by the capture). */
  text: (name: string) => string;
  fetch(path: string, token?: string, init?: RequestInit): Promise<Response>;
  /** What reached each origin (VPC binding name → requests). */
  origins: Map<string, { url: string; method: string; headers: Record<string, string> }[]>;
  /** Requests the IdP stand-in answered, by path. */
  idp: LoopbackServer;
  /** Outbound requests nobody should have made (host not the IdP's). */
  unexpected: string[];
  close(): Promise<void>;
}

type Binding = { type: string; name: string; text?: string; namespaceId?: string; simple?: { limit: number; period: number }; serviceId?: string };

export interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await jose.generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await jose.exportJWK(publicKey)), kid, alg: "RS256", use: "sig", kty: "RSA" } };
}

export async function sign(key: SigningKey, claims: JWTPayload): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ iat: now, nbf: now, exp: now + 3600, ...claims })
    .setProtectedHeader({ typ: "JWT", alg: "RS256", kid: key.kid })
    .sign(key.privateKey);
}

/**
 * The identity provider's side as the Worker sees it: discovery at `<issuer>/.well-known/openid-configuration`
 * naming a JWKS URI, the JWKS, and (Entra) `<authority>/<tenant>/oauth2/v2.0/token` for client credentials.
 */
export interface IdpStandIn {
  issuer: string;
  jwksUri: string;
  keys: SigningKey[];
  /** Checks a client-credentials request and answers the upstream token (Entra only). */
  token?: (form: URLSearchParams, path: string) => { status: number; body: unknown };
}

export async function runDeployed(graph: Graph, idp: IdpStandIn): Promise<Deployed> {
  const scripts = graph.resources.filter((r) => r.type === "cloudflare:index/workersScript:WorkersScript");
  assert.equal(scripts.length, 1, `${graph.stack}: one Worker`);
  const script = scripts[0]!;
  const inputs = script.inputs as { content: string; mainModule: string; compatibilityDate: string; bindings: Binding[] };
  const byName = new Map(inputs.bindings.map((b) => [b.name, b]));
  const text = (name: string) => {
    const b = byName.get(name);
    assert.ok(b && typeof b.text === "string", `${graph.stack}: binding ${name}`);
    return b.text;
  };

  const idpServer = await new LoopbackServer((req, res, body) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const issuerPath = new URL(idp.issuer).pathname.replace(/\/+$/, "");
    if (req.method === "GET" && path === `${issuerPath}/.well-known/openid-configuration`) {
      return json(res, 200, { issuer: idp.issuer, jwks_uri: idp.jwksUri, token_endpoint: `${idp.issuer}/token` });
    }
    if (req.method === "GET" && path === new URL(idp.jwksUri).pathname) return json(res, 200, { keys: idp.keys.map((k) => k.publicJwk) });
    if (req.method === "POST" && idp.token && path.endsWith("/oauth2/v2.0/token")) {
      const answer = idp.token(new URLSearchParams(body), path);
      return json(res, answer.status, answer.body);
    }
    json(res, 404, { error: "not_found" });
  }).listen();
  // The issuer's host and the authority the Worker gets upstream tokens from (both Entra, or Okta + Entra).
  const idpHosts = new Set([new URL(idp.issuer).host, new URL(idp.jwksUri).host, new URL(text("AZURE_AUTHORITY_HOST")).host]);
  const unexpected: string[] = [];

  const bindings: Record<string, string> = {};
  const serviceBindings: Record<string, (req: Request) => Promise<Response>> = {};
  const ratelimits: Record<string, { namespace_id: string; simple: { limit: number; period: number } }> = {};
  const origins = new Map<string, { url: string; method: string; headers: Record<string, string> }[]>();
  for (const b of inputs.bindings) {
    if (b.type === "plain_text" || b.type === "secret_text") bindings[b.name] = b.text!;
    else if (b.type === "ratelimit") ratelimits[b.name] = { namespace_id: b.namespaceId!, simple: b.simple! };
    else if (b.type === "vpc_service") {
      assert.ok(b.serviceId, `${graph.stack}: ${b.name} names its VPC service`);
      const seen: { url: string; method: string; headers: Record<string, string> }[] = [];
      origins.set(b.name, seen);
      serviceBindings[b.name] = async (req: Request) => {
        seen.push({ url: req.url, method: req.method, headers: Object.fromEntries(req.headers) });
        return Response.json({ origin: b.name, url: req.url });
      };
    } else assert.fail(`${graph.stack}: binding ${b.name} of type ${b.type} has no stand-in: extend test/gateway/as-deployed.ts`);
  }

  const worker: WorkerOptions = {
    name: "deployed",
    modules: [{ type: "ESModule", path: inputs.mainModule, contents: inputs.content }],
    compatibilityDate: inputs.compatibilityDate,
    bindings,
    serviceBindings,
    ratelimits,
    // Every fetch() the Worker makes to the internet: only the identity provider may be asked anything.
    outboundService: async (req: Request) => {
      const url = new URL(req.url);
      if (!idpHosts.has(url.host) || url.protocol !== "https:") {
        unexpected.push(`${req.method} ${req.url}`);
        return new Response("unexpected outbound request", { status: 599 });
      }
      return fetch(`${idpServer.origin}${url.pathname}${url.search}`, {
        method: req.method,
        headers: req.headers,
        ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: await req.text() }),
      });
    },
  };
  const mf = new Miniflare({
    workers: [worker],
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.resume();
      stderr.resume();
    },
  });
  await mf.ready;

  return {
    script,
    text,
    origins,
    idp: idpServer,
    unexpected,
    async fetch(path, token, init = {}) {
      const headers = new Headers(init.headers);
      if (token) headers.set("authorization", `Bearer ${token}`);
      const w = await mf.getWorker("deployed");
      return (await w.fetch(`https://gateway.example.com${path}`, { ...init, headers } as never)) as unknown as Response;
    },
    async close() {
      await mf.dispose();
      await idpServer.close();
    },
  };
}
