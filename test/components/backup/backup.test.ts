import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { ROLE_CATALOGUE } from "../../../contracts/roles";
import { evaluateStack, type Graph, type GraphResource, readStackConfig } from "../../../tools/graph";
import { allGraphs, byId, byUrn, ofType, roleGuid } from "../../support/graphs";
import { T } from "../../../contracts/resource-types";
import { resourceGroupId } from "../../../lib/resource-id";
import { MOCK_SUBSCRIPTION_ID } from "../../../tools/graph/mock-state";


let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

/** docs/environments.md, written out here on purpose: the test must not read the expectation from the code it checks. */
const EXPECTED = {
  dev: { redundancy: "LocallyRedundant", crr: "Disabled", immutability: "Unlocked", softDelete: "On", lock: false },
  test: { redundancy: "LocallyRedundant", crr: "Disabled", immutability: "Unlocked", softDelete: "On", lock: false },
  prod: { redundancy: "GeoRedundant", crr: "Enabled", immutability: "Locked", softDelete: "AlwaysOn", lock: true },
} as const;

type Props = Record<string, any>;

function theVault(graph: Graph): GraphResource {
  const vaults = ofType(graph, T.backupVault);
  assert.equal(vaults.length, 1, `${graph.stack}: one backup vault`);
  return vaults[0]!;
}

function instanceFor(graph: Graph, datasourceType: string): GraphResource {
  const found = ofType(graph, T.backupInstance).filter(
    (i) => (i.inputs["properties"] as Props)["dataSourceInfo"]["datasourceType"] === datasourceType,
  );
  assert.equal(found.length, 1, `${graph.stack}: one backup instance for ${datasourceType}`);
  return found[0]!;
}

/** The role assignments an instance explicitly waits for. */
function awaitedRoles(graph: Graph, instance: GraphResource): GraphResource[] {
  return instance.dependsOn.map((urn) => byUrn(graph, urn)).filter((r): r is GraphResource => r?.type === T.roleAssignment);
}

describe("backup vault", () => {
  it("has the redundancy, cross-region restore, immutability and soft delete of its environment (docs/environments.md)", () => {
    for (const graph of graphs) {
      const expected = EXPECTED[graph.stack as keyof typeof EXPECTED];
      const p = theVault(graph).inputs["properties"] as Props;
      assert.deepEqual(p["storageSettings"], [{ datastoreType: "VaultStore", type: expected.redundancy }], graph.stack);
      assert.equal(p["featureSettings"]["crossRegionRestoreSettings"]["state"], expected.crr, graph.stack);
      assert.equal(p["securitySettings"]["immutabilitySettings"]["state"], expected.immutability, graph.stack);
      assert.equal(p["securitySettings"]["softDeleteSettings"]["state"], expected.softDelete, graph.stack);
      assert.ok(p["securitySettings"]["softDeleteSettings"]["retentionDurationInDays"] >= 14, graph.stack);
    }
  });

  it("has a system-assigned identity and sends its logs and metrics to the environment's workspace", () => {
    for (const graph of graphs) {
      const vault = theVault(graph);
      assert.equal((vault.inputs["identity"] as Props)["type"], "SystemAssigned");
      const diag = ofType(graph, T.diagnosticSetting).filter((d) => d.inputs["resourceUri"] === vault.id);
      assert.equal(diag.length, 1, `${graph.stack}: a diagnostic setting on the vault`);
      const workspace = byId(graph, diag[0]!.inputs["workspaceId"]);
      assert.equal(workspace?.type, "azure-native:operationalinsights:Workspace");
      assert.deepEqual(diag[0]!.inputs["logs"], [{ categoryGroup: "allLogs", enabled: true }]);
    }
  });

  it("is protected in every environment and carries a CanNotDelete lock in prod only", () => {
    for (const graph of graphs) {
      const vault = theVault(graph);
      assert.equal(vault.protect, true, `${graph.stack}: vault protected`);
      for (const instance of ofType(graph, T.backupInstance)) assert.equal(instance.protect, true, `${graph.stack}: ${instance.name} protected`);
      const locks = ofType(graph, T.lockByScope).filter((l) => l.inputs["scope"] === vault.id);
      if (EXPECTED[graph.stack as keyof typeof EXPECTED].lock) {
        assert.equal(locks.length, 1, `${graph.stack}: vault locked`);
        assert.equal(locks[0]!.inputs["level"], "CanNotDelete");
      } else {
        assert.equal(locks.length, 0, `${graph.stack}: no lock outside prod`);
      }
    }
  });

  it("rejects cross-region restore without geo-redundant storage before registering anything", async () => {
    const config = readStackConfig("dev");
    config["dataplatform:backup"] = JSON.stringify({ crossRegionRestore: true });
    const result = await evaluateStack("dev", { config });
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.failure.error, /cross-region restore needs GeoRedundant/);
  });
});

describe("lake backup", () => {
  it("is not vaulted: no ADLS instance, no ADLS policy and no backup role on the lake (region, GZRS and API unsupported)", () => {
    for (const graph of graphs) {
      const adls = "Microsoft.Storage/storageAccounts/adlsBlobServices";
      const instances = ofType(graph, T.backupInstance).filter((i) => (i.inputs["properties"] as Props)["dataSourceInfo"]["datasourceType"] === adls);
      assert.deepEqual(instances.map((i) => i.name), [], `${graph.stack}: an ADLS backup instance the service would refuse`);
      const policies = ofType(graph, T.backupPolicy).filter((p) => ((p.inputs["properties"] as Props)["datasourceTypes"] as string[]).includes(adls));
      assert.deepEqual(policies.map((p) => p.name), [], graph.stack);
      const lakeRoles = ofType(graph, T.roleAssignment).filter((r) => roleGuid(r) === ROLE_CATALOGUE["Storage Account Backup Contributor"]);
      assert.deepEqual(lakeRoles.map((r) => r.name), [], `${graph.stack}: the vault needs no role on the lake`);
    }
  });

});

describe("Postgres long-term retention backup", () => {
  const PG = "Microsoft.DBforPostgreSQL/flexibleServers";

  it("keeps recovery points longer in prod than in dev", () => {
    const retention = (graph: Graph) => {
      const policy = byId(graph, (instanceFor(graph, PG).inputs["properties"] as Props)["policyInfo"]["policyId"])!;
      const rules = (policy.inputs["properties"] as Props)["policyRules"] as Props[];
      return Number(/\d+/.exec(rules.find((r) => r["isDefault"])!["lifecycles"][0]["deleteAfter"]["duration"])![0]);
    };
    const by = Object.fromEntries(graphs.map((g) => [g.stack, retention(g)]));
    assert.ok(by["prod"]! > by["dev"]!, JSON.stringify(by));
  });

  it("protects the Prefect Postgres server with a weekly full backup into the vault", () => {
    for (const graph of graphs) {
      const instance = instanceFor(graph, PG);
      const p = instance.inputs["properties"] as Props;
      const server = byId(graph, p["dataSourceInfo"]["resourceID"]);
      assert.equal(server?.type, "azure-native:dbforpostgresql:Server", `${graph.stack}: protects the Postgres server`);
      const policy = byId(graph, p["policyInfo"]["policyId"])!;
      const properties = policy.inputs["properties"] as Props;
      assert.deepEqual(properties["datasourceTypes"], [PG]);
      const backup = (properties["policyRules"] as Props[]).find((r) => r["objectType"] === "AzureBackupRule")!;
      assert.equal(backup["backupParameters"]["backupType"], "Full");
      assert.match(backup["trigger"]["schedule"]["repeatingTimeIntervals"][0], /\/P1W$/);
    }
  });

  it("waits for the LTR backup role on the server and Reader on its resource group, both for the vault identity", () => {
    for (const graph of graphs) {
      const vaultPrincipal = (theVault(graph).outputs["identity"] as Props)["principalId"];
      const instance = instanceFor(graph, PG);
      const serverId = (instance.inputs["properties"] as Props)["dataSourceInfo"]["resourceID"];
      const server = byId(graph, serverId)!;
      const roles = awaitedRoles(graph, instance);
      const byRole = new Map(roles.map((r) => [roleGuid(r), r]));
      const ltr = byRole.get(ROLE_CATALOGUE["PostgreSQL Flexible Server Long Term Retention Backup Role"]);
      assert.ok(ltr, `${graph.stack}: instance waits for the LTR role`);
      assert.equal(ltr.inputs["scope"], serverId);
      const reader = byRole.get(ROLE_CATALOGUE.Reader);
      assert.ok(reader, `${graph.stack}: instance waits for Reader`);
      // The environment's group is bootstrap's: the stack reads it (getResourceGroup), so it is an ID, not a resource.
      assert.equal(reader.inputs["scope"], resourceGroupId(MOCK_SUBSCRIPTION_ID, String(server.inputs["resourceGroupName"])), "the server's own resource group");
      for (const r of [ltr, reader]) assert.equal(r.inputs["principalId"], vaultPrincipal);
    }
  });
});
