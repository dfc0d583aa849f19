import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { policyConfigFor } from "../../../policy/config";
import { publicReachability } from "../../../policy/rules/exposure";
import { runPoliciesOnGraph } from "../../../policy/run-on-graph";
import type { Graph, GraphResource } from "../../../tools/graph";
import { graphOf, STACKS } from "../../support/graphs";
import { res } from "../../policy/fixtures";
import { configFor } from "./helpers";

const RULE = "tunnel-hostname-behind-gateway-or-access";
const tunnelCname = (name: string) =>
  res("cloudflare:index/dnsRecord:DnsRecord", `dns-${name}`, { zoneId: "z", name, type: "CNAME", content: "6f1c0b5e-0000-4000-8000-000000000001.cfargotunnel.com", proxied: true, ttl: 1 });
const access = (domain: string, policies: unknown[]) =>
  res("cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication", `access-${domain}`, { accountId: "a", type: "self_hosted", domain, policies });
const reachability = (resources: GraphResource[]) => publicReachability(resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs })));

describe("no way around the gateway: what the stacks make publicly reachable", () => {
  const graphs = new Map<string, Graph>();
  beforeAll(async () => {
    for (const stack of STACKS) graphs.set(stack, await graphOf(stack));
  });
  const violations = async (stack: string, resources: GraphResource[]) =>
    (await runPoliciesOnGraph(resources, { config: policyConfigFor(configFor(stack).environment) })).filter((v) => v.policy === RULE);

  it("in tunnel mode the only public Cloudflare host name is the gateway's own (a Workers custom domain), and the rule passes", async () => {
    for (const stack of STACKS) {
      const graph = graphs.get(stack)!;
      const cloudflare = reachability(graph.resources).filter((l) => !l.startsWith("azure-native:"));
      assert.deepEqual(cloudflare, [`${configFor(stack).domains.gateway}: Worker dataplatform-gateway-${stack} (custom domain dataplatform-${stack}-gateway-domain)`]);
      assert.deepEqual(await violations(stack, graph.resources), [], stack);
    }
  });

  it("a proxied CNAME or an ingress host name to the tunnel fails the rule unless a Cloudflare Access application with a policy covers it", async () => {
    const dev = graphs.get("dev")!.resources;
    const open = await violations("dev", [...dev, tunnelCname("data-dev-prefect.contoso.com")]);
    assert.deepEqual(open.map((v) => v.message), ["data-dev-prefect.contoso.com (DNS record dns-data-dev-prefect.contoso.com) reaches a tunnel with neither the gateway Worker nor Cloudflare Access in front"]);
    assert.match(reachability([tunnelCname("data-dev-prefect.contoso.com")])[0]!, /NOT GUARDED$/);

    // Access in front, with a service-token policy: allowed, and the plan says so.
    const guarded = [tunnelCname("data-dev-prefect.contoso.com"), access("data-dev-prefect.contoso.com", [{ id: "policy-service-token-only" }])];
    assert.deepEqual(await violations("dev", [...dev, ...guarded]), []);
    assert.match(reachability(guarded)[0]!, /behind Cloudflare Access$/);
    // An Access application without any policy does not count, nor one for another host.
    assert.equal((await violations("dev", [...dev, tunnelCname("x.contoso.com"), access("x.contoso.com", [])])).length, 1);
    assert.equal((await violations("dev", [...dev, tunnelCname("x.contoso.com"), access("y.contoso.com", [{ id: "p" }])])).length, 1);

    // A host name in the tunnel's own ingress rules is public too (the pre-Workers-VPC configuration).
    const ingress = res("cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig", "cfg", {
      accountId: "a",
      tunnelId: "t",
      config: { ingresses: [{ hostname: "data-dev-synapse.contoso.com", service: "https://synw.dev.azuresynapse.net" }, { service: "http_status:404" }] },
    });
    assert.deepEqual((await violations("dev", [...dev, ingress])).map((v) => v.message), ["data-dev-synapse.contoso.com (ingress of cfg) reaches a tunnel with neither the gateway Worker nor Cloudflare Access in front"]);
  });
});
