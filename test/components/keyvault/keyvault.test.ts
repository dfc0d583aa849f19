import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { resolvePlatformConfig } from "../../../stacks/config";
import { type Graph, readStackConfig } from "../../../tools/graph";
import { allGraphs, byId, ofType } from "../../support/graphs";
import { T } from "../../../contracts/resource-types";

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});


function theVault(graph: Graph) {
  const vaults = ofType(graph, T.vault);
  assert.equal(vaults.length, 1, `${graph.stack}: exactly one Key Vault`);
  return vaults[0]!;
}

function days(iso: unknown): number {
  const m = /^P(\d+)D$/.exec(String(iso));
  assert.ok(m, `${String(iso)} is not a whole-day ISO 8601 period`);
  return Number(m[1]);
}

describe("Key Vault", () => {
  it("is RBAC-only, purge-protected, 90-day soft delete, private, firewall deny, no VM/disk/template access", () => {
    for (const graph of graphs) {
      const p = theVault(graph).inputs["properties"] as Record<string, unknown>;
      const tenant = JSON.parse(readStackConfig(graph.stack)["dataplatform:entra"]!).tenantId;
      assert.equal(p["tenantId"], tenant, `${graph.stack}: vault in the configured tenant`);
      assert.equal(p["enableRbacAuthorization"], true);
      assert.equal(p["enablePurgeProtection"], true);
      assert.equal(p["enableSoftDelete"], true);
      assert.equal(p["softDeleteRetentionInDays"], 90);
      assert.equal(p["publicNetworkAccess"], "Disabled");
      assert.deepEqual(p["networkAcls"], { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] });
      assert.equal(p["enabledForDeployment"], false);
      assert.equal(p["enabledForDiskEncryption"], false);
      assert.equal(p["enabledForTemplateDeployment"], false);
      assert.ok(!Array.isArray(p["accessPolicies"]) || (p["accessPolicies"] as unknown[]).length === 0, "no access policies");
    }
  });

  it("has a private endpoint (group vault) in the endpoint subnet, registered in privatelink.vaultcore.azure.net", () => {
    for (const graph of graphs) {
      const vault = theVault(graph);
      const endpoints = ofType(graph, "azure-native:network:PrivateEndpoint").filter((pe) =>
        (pe.inputs["privateLinkServiceConnections"] as { privateLinkServiceId: string }[]).some((c) => c.privateLinkServiceId === vault.id),
      );
      assert.equal(endpoints.length, 1, `${graph.stack}: one private endpoint for the vault`);
      const pe = endpoints[0]!;
      const connection = (pe.inputs["privateLinkServiceConnections"] as { groupIds: string[] }[])[0]!;
      assert.deepEqual(connection.groupIds, ["vault"]);
      const subnet = byId(graph, (pe.inputs["subnet"] as { id: string }).id);
      assert.equal(subnet?.type, "azure-native:network:Subnet");
      assert.match(String(subnet?.inputs["subnetName"]), /-pe-/);
      const zoneGroup = ofType(graph, "azure-native:network:PrivateDnsZoneGroup").find((g) =>
        g.propertyDependencies["privateEndpointName"]?.includes(pe.urn),
      );
      const zoneId = (zoneGroup?.inputs["privateDnsZoneConfigs"] as { privateDnsZoneId: string }[] | undefined)?.[0]?.privateDnsZoneId;
      assert.equal(byId(graph, zoneId)?.inputs["privateZoneName"], "privatelink.vaultcore.azure.net");
    }
  });

  it("sends audit logs and all metrics to the environment's Log Analytics workspace", () => {
    for (const graph of graphs) {
      const vault = theVault(graph);
      const settings = ofType(graph, "azure-native:monitor:DiagnosticSetting").filter((d) => d.inputs["resourceUri"] === vault.id);
      assert.equal(settings.length, 1);
      const d = settings[0]!.inputs;
      assert.equal(byId(graph, d["workspaceId"])?.type, "azure-native:operationalinsights:Workspace");
      assert.deepEqual(d["logs"], [{ categoryGroup: "audit", enabled: true }]);
      assert.deepEqual(d["metrics"], [{ category: "AllMetrics", enabled: true }]);
    }
  });

  it("is protected everywhere and CanNotDelete-locked in prod only", () => {
    for (const graph of graphs) {
      const vault = theVault(graph);
      assert.equal(vault.protect, true, `${graph.stack}: vault protected`);
      const locks = ofType(graph, "azure-native:authorization:ManagementLockByScope").filter((l) => l.inputs["scope"] === vault.id);
      if (graph.stack === "prod") assert.deepEqual(locks.map((l) => l.inputs["level"]), ["CanNotDelete"]);
      else assert.equal(locks.length, 0);
    }
  });

  it("creates every key with a rotation policy: expiry set, rotate before expiry, notify ahead, first version expiring", () => {
    for (const graph of graphs) {
      const config = resolvePlatformConfig(graph.project, graph.stack, readStackConfig(graph.stack)).keyVault;
      const keys = ofType(graph, T.vaultKey);
      assert.ok(keys.length >= 1, `${graph.stack}: at least one key`);
      for (const key of keys) {
        assert.equal(key.inputs["vaultName"], theVault(graph).inputs["vaultName"], "key lives in the platform vault");
        const props = key.inputs["properties"] as Record<string, any>;
        const policy = props["rotationPolicy"];
        assert.ok(policy, `${graph.stack}: key ${key.name} has no rotation policy`);
        const expiry = days(policy.attributes.expiryTime);
        assert.equal(expiry, config.keyExpiryDays);
        const actions = policy.lifetimeActions as { trigger: Record<string, string>; action: { type: string } }[];
        const rotate = actions.find((a) => a.action.type === "rotate");
        const notify = actions.find((a) => a.action.type === "notify");
        assert.ok(rotate && notify, `${key.name}: rotate and notify actions`);
        const rotateBefore = days(rotate.trigger["timeBeforeExpiry"]);
        const notifyBefore = days(notify.trigger["timeBeforeExpiry"]);
        assert.equal(rotateBefore, config.keyRotateBeforeExpiryDays);
        assert.ok(expiry - rotateBefore <= 90, `${key.name}: a new version at least every 90 days (every ${expiry - rotateBefore})`);
        assert.ok(notifyBefore >= 7 && notifyBefore < rotateBefore, "the notice comes after the rotation point, as its alarm");
        // The first version's expiry comes from a time Offset resource held in state (stable across runs).
        assert.equal(typeof props["attributes"]["expires"], "number");
        assert.equal(props["attributes"]["exportable"], false);
        const offset = graph.resources.find((r) => key.propertyDependencies["properties"]?.includes(r.urn) && r.type === "time:index/offset:Offset");
        assert.ok(offset, `${key.name}: first expiry is driven by a time Offset`);
        assert.equal(offset.inputs["offsetDays"], config.keyExpiryDays);
      }
    }
  });

  it("creates every secret with an expiry and a content type, its value a Pulumi secret", () => {
    for (const graph of graphs) {
      assert.ok(ofType(graph, T.vaultSecret).length >= 1, `${graph.stack}: at least one secret (the gateway client secret)`);
      for (const secret of ofType(graph, T.vaultSecret)) {
        const props = secret.inputs["properties"] as Record<string, any>;
        assert.equal(typeof props["attributes"]?.["expires"], "number", `${secret.name}: expiry`);
        assert.ok(typeof props["contentType"] === "string" && props["contentType"].length > 0, `${secret.name}: content type`);
        assert.ok(secret.secretPaths.some((p) => p === "properties.value" || p === "properties" || p === "$"), `${secret.name}: value is a Pulumi secret`);
      }
    }
  });

  it("exports the vault's name and URI", () => {
    for (const graph of graphs) {
      const vault = theVault(graph);
      assert.equal(graph.outputs["keyVaultName"], vault.inputs["vaultName"]);
      assert.match(String(graph.outputs["keyVaultUri"]), /^https:\/\/kv-[a-z0-9-]+\.vault\.azure\.net\/$/);
    }
  });
});
