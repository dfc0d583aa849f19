import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { Connector } from "../../../components/connector";
import { ROLE_CATALOGUE } from "../../../contracts/roles";
import { type Graph, readStackConfig, stackGraph } from "../../../tools/graph";
import { allGraphs, byId, byUrn, ofType } from "../../support/graphs";
import { appByImage, containers, env, identityOf, prefectServer, prefectWorker, type Props } from "../orchestrator/helpers";
import { T } from "../../../contracts/resource-types";

const CLOUDFLARED = /(^|\/)cloudflare\/cloudflared:/;

/** Evaluates test/components/connector/connector-fixture.ts (Orchestrator + Connector) under the mocks, through the same harness as the stacks. */
function fixture(mode: "tunnel" | "none"): Promise<Graph> {
  return stackGraph(`conn-${mode}`, { config: { "fixture:mode": mode }, project: { dir: ".", main: "test/components/connector/connector-fixture.ts" } });
}

describe("cloudflared connector (Connector component)", () => {
  let tunnel: Graph;
  let none: Graph;
  beforeAll(async () => {
    [tunnel, none] = await Promise.all([fixture("tunnel"), fixture("none")]);
  });

  it("runs pinned cloudflared with the token from Key Vault, as its own identity allowed to read only that secret", () => {
    const app = appByImage(tunnel, CLOUDFLARED);
    assert.ok(app, "the Connector runs cloudflared");
    assert.match(String(containers(app)[0]!["image"]), /cloudflared:\d{4}\.\d+\.\d+@sha256:[0-9a-f]{64}$/, "pinned by digest");
    assert.equal((app.inputs["configuration"] as Props)["ingress"], undefined, "dials out; no ingress");
    assert.equal(env(app, "TUNNEL_TOKEN")?.["secretRef"], "tunnel-token");
    const [secret] = (app.inputs["configuration"] as Props)["secrets"] as Props[];
    assert.deepEqual(Object.keys(secret!).sort(), ["identity", "keyVaultUrl", "name"]);
    assert.equal(secret!["keyVaultUrl"], "https://kv-dp-dev.vault.azure.net/secrets/cloudflared-tunnel-token");

    const identity = identityOf(tunnel, app);
    for (const other of [prefectServer(tunnel)]) assert.notEqual(identityOf(tunnel, other).urn, identity.urn);
    const grants = ofType(tunnel, "azure-native:authorization:RoleAssignment").filter((r) => r.inputs["principalId"] === identity.outputs["principalId"]);
    assert.equal(grants.length, 1, "the connector identity holds exactly one role");
    assert.ok(String(grants[0]!.inputs["roleDefinitionId"]).endsWith(ROLE_CATALOGUE["Key Vault Secrets User"]));
    assert.match(String(grants[0]!.inputs["scope"]), /\/providers\/Microsoft\.KeyVault\/vaults\/kv-dp-dev\/secrets\/cloudflared-tunnel-token$/);
    assert.ok(app.dependsOn.includes(grants[0]!.urn), "the app waits for its permission");
    const sleep = ofType(tunnel, "time:index/sleep:Sleep").find((s) => s.dependsOn.includes(grants[0]!.urn));
    assert.ok(sleep && app.dependsOn.includes(sleep.urn), "…and for its propagation");
    const component = byUrn(tunnel, app.parent);
    assert.equal(component?.type, "dataplatform:connector:Connector");
    assert.notEqual(byUrn(tunnel, component!.parent)?.type, "dataplatform:orchestrator:Orchestrator", "not a child of the Orchestrator");
    assert.equal(byId(tunnel, app.inputs["managedEnvironmentId"])?.type, "azure-native:app:ManagedEnvironment", "runs in the orchestrator's environment");
  });

  it("is not part of the Orchestrator: the Orchestrator alone has no cloudflared", () => {
    assert.equal(appByImage(none, CLOUDFLARED), undefined);
    assert.equal(ofType(none, "dataplatform:connector:Connector").length, 0);
  });
});

describe("cloudflared connector in the stacks", () => {
  it("exists exactly when the stack has a Cloudflare tunnel", async () => {
    for (const graph of await allGraphs()) {
      const hasTunnel = ofType(graph, T.cloudflareTunnel).length > 0;
      assert.equal(appByImage(graph, CLOUDFLARED) !== undefined, hasTunnel, `${graph.stack}: connector iff tunnel`);
    }
  });

  it("is absent in allowlist mode", async () => {
    const config = readStackConfig("dev");
    const cloudflare = JSON.parse(config["dataplatform:cloudflare"]!);
    config["dataplatform:cloudflare"] = JSON.stringify({ ...cloudflare, connectivity: "allowlist" });
    const graph = await stackGraph("dev", { config });
    assert.equal(appByImage(graph, CLOUDFLARED), undefined);
    assert.equal(ofType(graph, T.cloudflareTunnel).length, 0);
    assert.ok(prefectServer(graph) && prefectWorker(graph), "the rest of the orchestrator is unchanged");
  });
});

describe("Connector input checks", () => {
  it("refuses a replica count Container Apps would refuse, before registering anything", () => {
    for (const replicas of [0, 31, 1.5]) {
      assert.throws(
        () => new Connector("bad", { replicas } as unknown as ConstructorParameters<typeof Connector>[1]),
        /connector "bad": replicas must be an integer from 1 to 30/,
      );
    }
  });
});
