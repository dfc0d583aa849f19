import assert from "node:assert/strict";
import { mutate } from "../../policy/fixtures";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import type { PolicyPackConfig } from "@pulumi/policy";
import { cidrRange } from "../../../lib/ipv4";
import { runPoliciesOnGraph } from "../../../policy/run-on-graph";
import { PROJECT_ROOT, type Graph, stackGraph } from "../../../tools/graph";
import { CLOUDFLARE_IP_RANGES } from "../../../tools/graph/mock-state";
import { ofType } from "../../support/graphs";
import { binding, configFor, inputSources, one, routes, T, withCloudflareConnectivity } from "./helpers";

/** dev with the stack-config override `cloudflare.connectivity: allowlist`, evaluated as the real program. */
describe("gateway wiring in allowlist mode (config override on dev)", () => {
  const config = withCloudflareConnectivity("dev", "allowlist");
  let graph: Graph;
  beforeAll(async () => {
    graph = await stackGraph("dev", { config });
  });

  it("evaluates, with no tunnel, no tunnel DNS, no token secret and no cloudflared connector", () => {
    assert.equal(configFor("dev", config).cloudflare.connectivity, "allowlist");
    for (const type of [T.tunnel, T.tunnelConfig, T.dns, T.vpcService]) assert.equal(ofType(graph, type).length, 0, type);
    assert.equal(ofType(graph, T.secret).filter((s) => s.inputs["secretName"] === "cloudflared-tunnel-token").length, 0);
    assert.ok(!ofType(graph, T.app).some((a) => /cloudflared/.test(JSON.stringify(a.inputs["template"]))));
    assert.equal(graph.outputs["gatewayTunnelId"], undefined);
    assert.equal(graph.outputs["gatewayUrl"], `https://${configFor("dev").domains.gateway}`);
  });

  it("opens the Synapse workspace's firewall to exactly Cloudflare's published IPv4 ranges (from getIpRanges)", () => {
    assert.ok(graph.invokes.some((i) => i.token === "cloudflare:index/getIpRanges:getIpRanges"));
    const workspace = one(graph, T.workspace);
    assert.equal(workspace.inputs["publicNetworkAccess"], "Enabled", "allowlist mode needs the public endpoint");
    const rules = ofType(graph, T.firewallRule);
    const actual = rules.map((r) => `${String(r.inputs["startIpAddress"])}-${String(r.inputs["endIpAddress"])}`).sort();
    const expected = CLOUDFLARE_IP_RANGES.ipv4Cidrs.map(cidrRange).map((r) => `${r.start}-${r.end}`).sort();
    assert.deepEqual(actual, expected);
    for (const rule of rules) {
      assert.equal(rule.inputs["workspaceName"], workspace.inputs["workspaceName"]);
      assert.ok(inputSources(rule, "workspaceName").includes(workspace.urn), "the platform's workspace, by reference");
      assert.notEqual(rule.inputs["startIpAddress"], "0.0.0.0", "never the allow-Azure-services pseudo rule");
    }
  });

  it("the Worker sends a generated shared secret (secret_text), kept in the platform's Key Vault with an expiry", () => {
    const { binding: shared, index } = binding(graph, "UPSTREAM_SHARED_SECRET");
    assert.equal(shared.type, "secret_text");
    const worker = one(graph, T.script);
    assert.ok(worker.secretPaths.includes(`bindings[${index}].text`));
    const password = one(graph, T.randomPassword, (p) => p.name.endsWith("gateway-shared-secret"));
    assert.ok(inputSources(worker, "bindings").includes(password.urn));
    assert.ok(Number(password.inputs["length"]) >= 32);
    const kv = one(graph, T.secret, (s) => s.inputs["secretName"] === "gateway-upstream-shared-secret");
    assert.ok(inputSources(kv, "properties").includes(password.urn));
    assert.equal(kv.inputs["vaultName"], one(graph, T.vault).inputs["vaultName"]);
    assert.equal(typeof (kv.inputs["properties"] as { attributes: { expires: unknown } }).attributes.expires, "number");
  });

  it("routes: /synapse goes to the workspace's public dev endpoint; no Prefect route (the API stays VNet-internal)", () => {
    const all = routes(graph);
    assert.deepEqual(all.map((r) => r.prefix), ["/synapse"]);
    const workspace = one(graph, T.workspace);
    assert.equal(all[0]!.upstream, `https://${String(workspace.inputs["workspaceName"])}.dev.azuresynapse.net`);
    assert.ok(!(one(graph, T.script).inputs["bindings"] as { name: string }[]).some((b) => b.name === "PREFECT_AUTH"));
  });

  it("the plan's notices list the allowlist choice and its consequences", () => {
    const notices = graph.outputs["notices"] as string[];
    assert.ok(notices.some((n) => /^cloudflare\.connectivity=allowlist: Synapse's public endpoint admits Cloudflare's published IPv4 ranges/.test(n)), notices.join("\n"));
    assert.ok(notices.some((n) => /allowlist: the gateway has no route to the Prefect API/.test(n)));
    assert.ok(!(configFor("dev").notices.some((n) => n.includes("allowlist"))), "the tunnel stack files carry no such notice");
  });

  it("policy verdict on the allowlist graph: only the public Synapse workspace is flagged, and only the explicit pack opt-in admits it", async () => {
    const pack = JSON.parse(readFileSync(join(PROJECT_ROOT, "policy", "config", "dev.json"), "utf8")) as Record<string, Record<string, unknown>>;
    const mandatory = async (config: PolicyPackConfig) =>
      (await runPoliciesOnGraph(graph, { config })).filter((v) => v.level === "mandatory").map((v) => `${v.policy}: ${v.type}`);
    // With the CI pack config as committed, both exposure rules flag the workspace, and nothing else is flagged.
    assert.deepEqual((await mandatory(pack as PolicyPackConfig)).sort(), [
      `no-public-network-access: ${T.workspace}`,
      `synapse-no-public-access: ${T.workspace}`,
    ]);
    // An allowlist stack passes only when its pack config opts in on both exposure rules, explicitly and reviewably.
    const optIn = (rule: string) => ({ ...pack[rule], allowCloudflareAllowlist: true });
    const halfOptedIn = { ...pack, "synapse-no-public-access": optIn("synapse-no-public-access") };
    assert.deepEqual(await mandatory(halfOptedIn as PolicyPackConfig), [`no-public-network-access: ${T.workspace}`]);
    const optedIn = { ...halfOptedIn, "no-public-network-access": optIn("no-public-network-access") };
    assert.deepEqual(await mandatory(optedIn as PolicyPackConfig), []);
    // The opt-in admits the Synapse workspace only: any other public endpoint still fails.
    const account = graph.resources.find((r) => r.type === "azure-native:storage:StorageAccount")!;
    const publicAccount = mutate(account, "publicNetworkAccess", "Enabled");
    const withPublicAccount = { ...graph, resources: graph.resources.map((r) => (r === account ? publicAccount : r)) };
    const flagged = (await runPoliciesOnGraph(withPublicAccount, { config: optedIn as PolicyPackConfig }))
      .filter((v) => v.level === "mandatory" && v.policy === "no-public-network-access")
      .map((v) => v.type);
    assert.deepEqual(flagged, ["azure-native:storage:StorageAccount"]);
  });
});
