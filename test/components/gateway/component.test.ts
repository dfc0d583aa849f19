import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, test } from "vitest";
import { CLOUDFLARE_IP_RANGES } from "../../../tools/graph/mock-state";
import { type Graph, type GraphResource, PROJECT_ROOT, stackGraph } from "../../../tools/graph";
import { cidrRange } from "../../../lib/ipv4";
import { cidrSlug } from "../../../components/gateway";
import { GATEWAY_COMPATIBILITY_DATE } from "../../../contracts/gateway";
import { ofType, one } from "../../support/graphs";


/** Evaluates test/components/gateway/fixture.ts (only this component) under the mocks, through the same harness as the stacks. */
function evaluate(mode: "tunnel" | "allowlist"): Promise<Graph> {
  return stackGraph(`gw-${mode}`, { config: { "fixture:mode": mode }, project: { dir: ".", main: "test/components/gateway/fixture.ts" } });
}

type Binding = { type: string; name: string; text?: string; namespaceId?: string; simple?: { limit: number; period: number } };
const bindings = (g: Graph) => one(g, "cloudflare:index/workersScript:WorkersScript").inputs["bindings"] as Binding[];

describe("Gateway component (mock graph)", () => {
  let tunnel: Graph;
  let allowlist: Graph;
  beforeAll(async () => {
    [tunnel, allowlist] = await Promise.all([evaluate("tunnel"), evaluate("allowlist")]);
  });

  test("the Worker is the built bundle as main module with a fixed compatibility date, under the component", () => {
    const script = one(tunnel, "cloudflare:index/workersScript:WorkersScript");
    const component = one(tunnel, "dataplatform:gateway:Gateway");
    assert.equal(script.parent, component.urn);
    assert.equal(script.inputs["content"], readFileSync(join(PROJECT_ROOT, "gateway", "dist", "worker.js"), "utf8"));
    assert.equal(script.inputs["mainModule"], "worker.js");
    assert.equal(script.inputs["compatibilityDate"], GATEWAY_COMPATIBILITY_DATE);
    assert.equal(script.inputs["contentFile"], undefined, "no machine-specific path in the inputs");
    assert.equal(script.inputs["logpush"], true);
  });

  test("bindings: contract names as plain text, client secret and basic-auth secret as secret_text marked secret, rate limit", () => {
    const byName = new Map(bindings(tunnel).map((b) => [b.name, b]));
    for (const name of ["OIDC_ISSUER", "OIDC_AUDIENCE", "ROUTES", "AZURE_AUTHORITY_HOST", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "OIDC_ALLOWED_TENANTS"]) {
      assert.equal(byName.get(name)?.type, "plain_text", name);
    }
    assert.equal(byName.get("AZURE_CLIENT_SECRET")?.type, "secret_text");
    assert.equal(byName.get("AZURE_CLIENT_SECRET")?.text, "rotated-gateway-client-secret");
    assert.equal(byName.get("AZURE_CLIENT_SECRET_NEXT")?.type, "secret_text", "the overlap's other client secret");
    assert.equal(byName.get("AZURE_CLIENT_SECRET_NEXT")?.text, "next-gateway-client-secret");
    assert.ok(!bindings(allowlist).some((b) => b.name === "AZURE_CLIENT_SECRET_NEXT"), "no other client secret given: no binding");
    assert.equal(byName.get("PREFECT_AUTH")?.type, "secret_text");
    assert.equal(byName.get("AZURE_AUTHORITY_HOST")?.text, "https://login.microsoftonline.com");
    const routes = JSON.parse(byName.get("ROUTES")!.text!) as { prefix: string; groups: string[] }[];
    assert.deepEqual(routes.map((r) => r.prefix), ["/synapse", "/prefect"]);
    assert.deepEqual(routes[0]!.groups, ["aaaaaaaa-0000-4000-8000-000000000001"], "Output group IDs resolved into the JSON");
    assert.deepEqual(byName.get("RATE_LIMITER"), { type: "ratelimit", name: "RATE_LIMITER", namespaceId: "1001", simple: { limit: 600, period: 60 } });
    const script = one(tunnel, "cloudflare:index/workersScript:WorkersScript");
    const secretPaths = script.secretPaths.join(" ");
    assert.match(secretPaths, /bindings/, "secret bindings are secret in state");
    // No secret in any plain-text binding.
    for (const b of bindings(tunnel).filter((x) => x.type === "plain_text")) assert.doesNotMatch(String(b.text), /rotated-gateway|next-gateway|admin:prefect/);
  });

  test("an unchanged secret gives byte-identical Worker inputs across evaluations (no diff, no replacement)", async () => {
    const again = await evaluate("tunnel");
    const inputs = (g: Graph) => JSON.stringify(one(g, "cloudflare:index/workersScript:WorkersScript").inputs);
    assert.equal(inputs(again), inputs(tunnel));
  });

  test("custom domain on the zone points at the script", () => {
    const domain = one(tunnel, "cloudflare:index/workersCustomDomain:WorkersCustomDomain");
    assert.equal(domain.inputs["hostname"], "gateway.dev.example.com");
    assert.equal(domain.inputs["service"], "dataplatform-gateway-dev");
    assert.equal(domain.inputs["zoneId"], "fedcba9876543210fedcba9876543210");
  });

  test("audit: Logpush job for Workers Trace Events of this script, destination secret", () => {
    const job = one(tunnel, "cloudflare:index/logpushJob:LogpushJob");
    assert.equal(job.inputs["dataset"], "workers_trace_events");
    assert.match(String(job.inputs["filter"]), /"ScriptName".*"dataplatform-gateway-dev"/);
    assert.ok(job.secretPaths.some((p) => p.startsWith("destinationConf")));
  });

  test("tunnel mode: no public DNS record or ingress host name; each origin a Workers VPC service on the tunnel, bound to the Worker by ID", () => {
    const t = one(tunnel, "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared");
    assert.equal(t.inputs["configSrc"], "cloudflare");
    const cfg = one(tunnel, "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig");
    assert.ok(cfg.dependsOn.includes(t.urn) || Object.values(cfg.propertyDependencies).flat().includes(t.urn));
    // Only the catch-all: anything reaching the tunnel over a public host name is refused.
    const ingresses = (cfg.inputs["config"] as { ingresses: { hostname?: string; service: string }[] }).ingresses;
    assert.deepEqual(ingresses, [{ service: "http_status:404" }]);
    assert.equal(ofType(tunnel, "cloudflare:index/dnsRecord:DnsRecord").length, 0, "no public DNS record for any origin");
    const services = ofType(tunnel, "cloudflare:index/connectivityDirectoryService:ConnectivityDirectoryService");
    const byName = new Map(services.map((s) => [s.name, s]));
    assert.deepEqual([...byName.keys()].sort(), ["gw-vpc-prefect", "gw-vpc-synapse"], "named by binding, not list position");
    const hosts = { "VPC_SYNAPSE": "synw-dp-dev.dev.azuresynapse.net", "VPC_PREFECT": "ca-prefect-server.internal.example.azurecontainerapps.io" };
    for (const [binding, host] of Object.entries(hosts)) {
      const svc = byName.get(`gw-${binding.toLowerCase().replace("_", "-")}`)!;
      assert.equal(svc.inputs["type"], "http");
      assert.equal(svc.inputs["httpsPort"], 443);
      assert.deepEqual(svc.inputs["tlsSettings"], { certVerificationMode: "verify_full" });
      const h = svc.inputs["host"] as { hostname: string; resolverNetwork: { tunnelId: string } };
      assert.equal(h.hostname, host);
      assert.ok(Object.values(svc.propertyDependencies).flat().includes(t.urn), "resolved through this tunnel");
      const b = bindings(tunnel).find((x) => x.name === binding) as { type: string; serviceId?: string } | undefined;
      assert.equal(b?.type, "vpc_service");
      assert.equal(b?.serviceId, svc.outputs["id"] ?? svc.id, `${binding}: the Worker binds this service`);
    }
    const token = tunnel.invokes.find((i) => i.token === "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken");
    assert.ok(token, "tunnel token read from Cloudflare");
    const secret = one(tunnel, "azure-native:keyvault:Secret");
    assert.equal(secret.inputs["vaultName"], "kv-dp-dev");
    assert.equal(secret.inputs["resourceGroupName"], "rg-dp-dev");
    assert.equal(secret.inputs["secretName"], "cloudflared-tunnel-token");
    assert.match(String((secret.inputs["properties"] as { value: string }).value), /^mock-tunnel-token-/);
    assert.ok(secret.secretPaths.some((p) => p.includes("value")));
    assert.equal(ofType(tunnel, "azure-native:synapse:IpFirewallRule").length, 0, "no firewall opening in tunnel mode");
    assert.ok(!bindings(tunnel).some((b) => b.name === "UPSTREAM_SHARED_SECRET"));
  });

  test("allowlist mode: one Synapse firewall rule per Cloudflare IPv4 range plus a shared secret sent by the Worker and kept in Key Vault", () => {
    const rules = ofType(allowlist, "azure-native:synapse:IpFirewallRule");
    assert.equal(rules.length, CLOUDFLARE_IP_RANGES.ipv4Cidrs.length);
    const ranges = rules.map((r) => `${String(r.inputs["startIpAddress"])}-${String(r.inputs["endIpAddress"])}`).sort();
    const expected = CLOUDFLARE_IP_RANGES.ipv4Cidrs.map((c) => cidrRange(c)).map((r) => `${r.start}-${r.end}`).sort();
    assert.deepEqual(ranges, expected);
    assert.ok(rules.every((r) => r.inputs["workspaceName"] === "synw-dp-dev"));
    assert.deepEqual(cidrRange("173.245.48.0/20"), { start: "173.245.48.0", end: "173.245.63.255" });
    // Named by the range (issue 9f): a range added or reordered by Cloudflare never renames the others.
    assert.deepEqual(
      rules.map((r) => [r.name, r.inputs["ruleName"]]).sort(),
      CLOUDFLARE_IP_RANGES.ipv4Cidrs.map((c) => [`gw-cf-${cidrSlug(c)}`, `cloudflare-${cidrSlug(c)}`]).sort(),
    );
    assert.equal(cidrSlug("173.245.48.0/20"), "173-245-48-0-20");
    const shared = bindings(allowlist).find((b) => b.name === "UPSTREAM_SHARED_SECRET");
    assert.equal(shared?.type, "secret_text");
    const kv = one(allowlist, "azure-native:keyvault:Secret");
    assert.equal(kv.inputs["secretName"], "gateway-upstream-shared-secret");
    assert.equal((kv.inputs["properties"] as { value: string }).value, shared?.text, "the origin side can require the same value");
    assert.equal(ofType(allowlist, "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared").length, 0);
  });
});
