import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { GATEWAY_COMPATIBILITY_DATE } from "../../contracts/gateway";
import { GATEWAY_BUNDLE_PATH } from "../../contracts/gateway-bundle";
import { closedPort, json, LoopbackServer } from "./loopback";
import { AUDIENCE, TENANT, TestIdp } from "./idp";

export const BUNDLE = join(__dirname, "..", "..", GATEWAY_BUNDLE_PATH);
export const GATEWAY_TENANT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
export const SYNAPSE_SCOPE = "https://dev.azuresynapse.net/.default";
export const PREFECT_AUTH = "admin:prefect-basic-secret";
export const SHARED_SECRET = "edge-to-origin-shared-secret";
/** The token endpoint answers this tenant with tokens that live SHORT_TOKEN_SECONDS (the "short-tokens" worker). */
export const SHORT_TOKEN_TENANT = "5e5e5e5e-bbbb-4ccc-8ddd-eeeeeeeeeeee";
export const SHORT_TOKEN_SECONDS = 2;

export interface AuditLine {
  type: string;
  requestId: string;
  [k: string]: unknown;
}

/**
 * Everything a gateway test needs on loopback: the real OIDC provider, a fake upstream (echoes what it received),
 * a fake Entra token endpoint, and the BUILT Worker bundle in workerd (miniflare) under several binding sets.
 */
export class GatewayHarness {
  readonly audit: AuditLine[] = [];
  /** Requests that reached the VPC_SYNAPSE binding (Workers VPC stand-in): URL as the Worker passed it, and headers. */
  readonly vpcRequests: { url: string; method: string; headers: Record<string, string> }[] = [];
  private constructor(
    readonly idp: TestIdp,
    readonly upstream: LoopbackServer,
    readonly tokenEndpoint: LoopbackServer,
    readonly hangingIdp: LoopbackServer,
    readonly mf: Miniflare,
  ) {}

  static async start(): Promise<GatewayHarness> {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} missing: run npm run build:gateway (npm test does)`);
    const idp = await TestIdp.start();
    const upstream = await new LoopbackServer((req, res, body) => {
      if (req.url?.includes("/slow")) return void setTimeout(() => !res.destroyed && json(res, 200, {}), 10_000).unref();
      if (req.url?.includes("/trickle")) return trickle(res);
      json(res, 200, { method: req.method, url: req.url, headers: req.headers, body }, {
        "set-cookie": "upstream_session=1",
        connection: "close",
        "x-upstream": "yes",
      });
    }).listen();
    let tokenSeq = 0;
    const tokenEndpoint = await new LoopbackServer((req, res) => {
      const expiresIn = req.url?.startsWith(`/${SHORT_TOKEN_TENANT}/`) ? SHORT_TOKEN_SECONDS : 3599;
      // Slow enough that concurrent requests overlap with the fetch in flight.
      setTimeout(() => json(res, 200, { token_type: "Bearer", expires_in: expiresIn, access_token: `upstream-token-${++tokenSeq}` }), 150);
    }).listen();
    const hangingIdp = await new LoopbackServer(() => undefined).listen();
    const deadPort = await closedPort();

    const routes = JSON.stringify([
      { prefix: "/synapse", upstream: `${upstream.origin}/synapse-api`, methods: ["GET", "POST"], groups: ["grp-analysts", "Pipelines.Run"], upstreamAuth: { type: "entra", scope: SYNAPSE_SCOPE } },
      { prefix: "/prefect", upstream: `${upstream.origin}/prefect-api`, methods: ["GET"], groups: ["grp-engineers"], upstreamAuth: { type: "basic", secret: "PREFECT_AUTH" } },
      { prefix: "/prefect/admin", upstream: `${upstream.origin}/prefect-admin`, methods: ["GET", "POST", "DELETE"], groups: ["grp-admins"], upstreamAuth: { type: "basic", secret: "PREFECT_AUTH" } },
      { prefix: "/down", upstream: `http://127.0.0.1:${deadPort}`, methods: ["GET"], groups: ["grp-analysts"], upstreamAuth: { type: "basic", secret: "PREFECT_AUTH" } },
    ]);
    const base = {
      OIDC_ISSUER: idp.issuer,
      OIDC_AUDIENCE: AUDIENCE,
      ROUTES: routes,
      AZURE_AUTHORITY_HOST: tokenEndpoint.origin,
      AZURE_TENANT_ID: GATEWAY_TENANT,
      AZURE_CLIENT_ID: "gateway-client-id",
      AZURE_CLIENT_SECRET: "gateway-client-secret",
      PREFECT_AUTH,
      UPSTREAM_SHARED_SECRET: SHARED_SECRET,
      MAX_BODY_BYTES: "1024",
      UPSTREAM_TIMEOUT_MS: "500",
      IDP_TIMEOUT_MS: "500",
    };
    const worker = (name: string, bindings: Record<string, string>, extra: object = {}) => ({
      name,
      modules: true,
      scriptPath: BUNDLE,
      compatibilityDate: GATEWAY_COMPATIBILITY_DATE,
      bindings: { ...base, ...bindings },
      ...extra,
    });
    const audit: AuditLine[] = [];
    const vpcRequests: GatewayHarness["vpcRequests"] = [];
    // Workers VPC: the binding's fetch() is answered by the private origin; the URL only names it (Host, SNI).
    const vpcSynapse = async (req: Request): Promise<Response> => {
      vpcRequests.push({ url: req.url, method: req.method, headers: Object.fromEntries(req.headers) });
      return Response.json({ via: "vpc", url: req.url });
    };
    const vpcRoutes = JSON.stringify([
      { prefix: "/synapse", upstream: "https://synw-private.dev.azuresynapse.net", binding: "VPC_SYNAPSE", methods: ["GET"], groups: ["grp-analysts"], upstreamAuth: { type: "entra", scope: SYNAPSE_SCOPE } },
    ]);
    const mf = new Miniflare({
      workers: [
        // Generic OIDC issuer (as Okta custom authorization servers): exact iss, JWKS discovered from the issuer.
        worker("gw", {}),
        // Entra multi-tenant form: {tenantid} issuer template, allowed tenants, v1 and v2 issuers.
        worker("entra", { OIDC_ISSUER: "http://127.0.0.1:1/{tenantid}/v2.0", OIDC_JWKS_URI: idp.jwksUri, OIDC_ALLOWED_TENANTS: TENANT }),
        worker("rotation", { JWKS_REFETCH_COOLDOWN_SECONDS: "1" }),
        worker("tokens", {}),
        worker("short-tokens", { AZURE_TENANT_ID: SHORT_TOKEN_TENANT }),
        worker("idp-down", { OIDC_JWKS_URI: `http://127.0.0.1:${deadPort}/jwks` }),
        worker("idp-hang", { OIDC_JWKS_URI: `${hangingIdp.origin}/jwks` }),
        worker("limited", {}, { ratelimits: { RATE_LIMITER: { namespace_id: "1001", simple: { limit: 3, period: 60 } } } }),
        worker("misconfigured", { ROUTES: "[{\"prefix\":\"/x\"}]" }),
        // Tunnel mode: the route names a Workers VPC service binding instead of reaching its upstream over the internet.
        worker("vpc", { ROUTES: vpcRoutes }, { serviceBindings: { VPC_SYNAPSE: vpcSynapse } }),
        worker("vpc-unbound", { ROUTES: vpcRoutes }),
        // A rate limiter that is not one: calling it throws a TypeError, i.e. a bug inside the gateway.
        worker("broken", {}, { bindings: { ...base, RATE_LIMITER: { limit: "not a function" } } }),
      ],
      handleRuntimeStdio: collectAuditLines(audit),
    });
    await mf.ready;
    const h = new GatewayHarness(idp, upstream, tokenEndpoint, hangingIdp, mf);
    (h as { audit: AuditLine[] }).audit = audit;
    (h as { vpcRequests: GatewayHarness["vpcRequests"] }).vpcRequests = vpcRequests;
    return h;
  }

  async fetch(worker: string, path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
    const { token, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
    const w = await this.mf.getWorker(worker);
    return (await w.fetch(`https://gateway.example.com${path}`, { ...rest, headers } as never)) as unknown as Response;
  }

  /**
   * A request written byte for byte to workerd's socket, for paths a fetch() client would normalise before sending
   * (dot segments, backslashes). Served by the first worker, "gw".
   */
  async rawFetch(path: string, token?: string): Promise<{ status: number; body: string }> {
    const entry = await this.mf.ready;
    const head = [`GET ${path} HTTP/1.1`, "Host: gateway.example.com", "Connection: close"];
    if (token !== undefined) head.push(`Authorization: Bearer ${token}`);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(entry.port), entry.hostname, () => socket.write(`${head.join("\r\n")}\r\n\r\n`));
      let received = "";
      const done = () => {
        socket.destroy();
        resolve(received);
      };
      // Resolve as soon as the response is complete: workerd may keep the connection open despite "close".
      socket.on("data", (c: Buffer) => {
        received += c.toString("latin1");
        const end = received.indexOf("\r\n\r\n");
        if (end < 0) return;
        const length = /\r\ncontent-length: *(\d+)/i.exec(received.slice(0, end));
        if (length ? received.length - end - 4 >= Number(length[1]) : received.endsWith("\r\n0\r\n\r\n")) done();
      });
      socket.on("end", done);
      socket.on("error", reject);
    });
    const status = /^HTTP\/1\.1 (\d{3})/.exec(raw);
    if (!status) throw new Error(`not an HTTP response: ${raw.slice(0, 80)}`);
    return { status: Number(status[1]), body: raw.slice(raw.indexOf("\r\n\r\n") + 4) };
  }

  /** The audit record for a response, waiting briefly for stdout to be flushed. */
  async auditFor(res: Response): Promise<AuditLine> {
    const id = res.headers.get("x-request-id");
    for (let i = 0; i < 250; i++) {
      const hit = this.audit.find((a) => a.requestId === id);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no audit record for ${id}`);
  }

  async close(): Promise<void> {
    await this.mf.dispose();
    await Promise.all([this.idp.close(), this.upstream.close(), this.tokenEndpoint.close(), this.hangingIdp.close()]);
  }
}

/** Claims of an Entra v2 user access token for the generic issuer worker. */
export function userClaims(groups: string[], extra: Record<string, unknown> = {}) {
  return { sub: "user-pairwise-sub", oid: "0b0b0b0b-0000-4000-8000-000000000001", tid: TENANT, ver: "2.0", scp: "access", groups, ...extra };
}

/** TRICKLE_CHUNKS lines, one every TRICKLE_INTERVAL_MS after the headers: a body that streams longer than the timeout. */
export const TRICKLE_CHUNKS = 8;
export const TRICKLE_INTERVAL_MS = 150;
function trickle(res: import("node:http").ServerResponse): void {
  res.writeHead(200, { "content-type": "text/plain" });
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(`chunk ${++sent}\n`);
    if (sent === TRICKLE_CHUNKS) {
      clearInterval(timer);
      res.end();
    }
  }, TRICKLE_INTERVAL_MS);
}

/** A miniflare `handleRuntimeStdio` that pushes every audit record the Worker writes to stdout onto `audit`. */
export function collectAuditLines(audit: AuditLine[]): (stdout: Readable, stderr: Readable) => void {
  return (stdout, stderr) => {
    let buffered = "";
    stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        try {
          const parsed = JSON.parse(line) as AuditLine;
          if (parsed.type === "gateway.audit") audit.push(parsed);
        } catch {
          /* not an audit line */
        }
      }
    });
    stderr.resume();
  };
}
