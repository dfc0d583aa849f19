import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { ROLE_CATALOGUE } from "../../../contracts/roles";
import type { Graph, GraphResource } from "../../../tools/graph";
import { allGraphs, ofType } from "../../support/graphs";
import { assertDiagnostics, assertDurability, assertPrivateEndpoints, only, roleGuid } from "../data-services";

const factoryOf = (graph: Graph) => only(graph, "azure-native:datafactory:Factory");
const lakeOf = (graph: Graph) => only(graph, "azure-native:storage:StorageAccount", (r) => r.name.endsWith("-datalake-account"));
const vaultOf = (graph: Graph) => only(graph, "azure-native:keyvault:Vault");
const workspaceOf = (graph: Graph) => only(graph, "azure-native:synapse:Workspace");
const filesystem = (graph: Graph, name: string) =>
  only(graph, "azure-native:storage:BlobContainer", (c) => c.inputs["containerName"] === name && c.inputs["accountName"] === lakeOf(graph).inputs["accountName"]);
const mpes = (graph: Graph) => ofType(graph, "azure-native:datafactory:ManagedPrivateEndpoint");

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

describe("Data Factory", () => {
  it("is private with a system-assigned identity", () => {
    for (const graph of graphs) {
      const i = factoryOf(graph).inputs;
      assert.equal(i["publicNetworkAccess"], "Disabled");
      assert.deepEqual(i["identity"], { type: "SystemAssigned" });
      assert.equal(i["repoConfiguration"], undefined);
    }
  });

  it("creates its managed VNet 'default' as a generic ARM resource under the factory", () => {
    for (const graph of graphs) {
      const vnet = only(graph, "azure-native:resources:Resource", (r) => r.inputs["resourceType"] === "managedVirtualNetworks");
      assert.equal(vnet.inputs["resourceProviderNamespace"], "Microsoft.DataFactory");
      assert.equal(vnet.inputs["parentResourcePath"], `factories/${String(factoryOf(graph).inputs["factoryName"])}`);
      assert.equal(vnet.inputs["resourceName"], "default");
      assert.equal(vnet.inputs["apiVersion"], "2018-06-01");
      assert.equal(vnet.inputs["resourceGroupName"], factoryOf(graph).inputs["resourceGroupName"]);
    }
  });

  it("runs a managed integration runtime inside that managed VNet", () => {
    for (const graph of graphs) {
      const vnet = only(graph, "azure-native:resources:Resource", (r) => r.inputs["resourceType"] === "managedVirtualNetworks");
      const ir = only(graph, "azure-native:datafactory:IntegrationRuntime");
      const p = ir.inputs["properties"] as { type: string; managedVirtualNetwork: unknown };
      assert.equal(p.type, "Managed");
      assert.deepEqual(p.managedVirtualNetwork, { referenceName: "default", type: "ManagedVirtualNetworkReference" });
      assert.ok(ir.dependsOn.includes(vnet.urn), "the runtime waits for the managed VNet");
    }
  });

  it("has managed private endpoints to the lake (dfs), the vault and Synapse (Sql, SqlOnDemand) in its managed VNet", () => {
    for (const graph of graphs) {
      const vnet = only(graph, "azure-native:resources:Resource", (r) => r.inputs["resourceType"] === "managedVirtualNetworks");
      const targets = mpes(graph).map((m) => {
        const p = m.inputs["properties"] as { privateLinkResourceId: string; groupId: string };
        assert.equal(m.inputs["managedVirtualNetworkName"], "default");
        assert.equal(m.inputs["factoryName"], factoryOf(graph).inputs["factoryName"]);
        assert.ok(m.dependsOn.includes(vnet.urn));
        return `${p.groupId}->${p.privateLinkResourceId}`;
      });
      assert.deepEqual(targets.sort(), [
        `Sql->${workspaceOf(graph).id}`,
        `SqlOnDemand->${workspaceOf(graph).id}`,
        `dfs->${lakeOf(graph).id}`,
        `vault->${vaultOf(graph).id}`,
      ].sort());
    }
  });

  it("approves every managed private endpoint in code, on the target's side, after the endpoint exists", () => {
    const approvalType: Record<string, [string, string, (g: Graph) => GraphResource]> = {
      dfs: ["azure-native:storage:PrivateEndpointConnection", "accountName", lakeOf],
      vault: ["azure-native:keyvault:PrivateEndpointConnection", "vaultName", vaultOf],
      Sql: ["azure-native:synapse:PrivateEndpointConnection", "workspaceName", workspaceOf],
      SqlOnDemand: ["azure-native:synapse:PrivateEndpointConnection", "workspaceName", workspaceOf],
    };
    for (const graph of graphs) {
      const factoryName = String(factoryOf(graph).inputs["factoryName"]);
      for (const mpe of mpes(graph)) {
        const group = (mpe.inputs["properties"] as { groupId: string }).groupId;
        const [type, nameInput, target] = approvalType[group]!;
        const approvals = ofType(graph, type).filter((a) => a.dependsOn.includes(mpe.urn));
        assert.equal(approvals.length, 1, `${graph.stack}: ${mpe.name} has one approval`);
        const approval = approvals[0]!;
        assert.equal(approval.inputs[nameInput], target(graph).inputs[nameInput], `${graph.stack}: ${mpe.name} is approved on its target`);
        assert.deepEqual(approval.inputs["privateLinkServiceConnectionState"], {
          status: "Approved",
          description: `Data Factory ${factoryName}: managed private endpoint ${String(mpe.inputs["managedPrivateEndpointName"])} (${group})`,
        });
        assert.equal(typeof approval.inputs["privateEndpointConnectionName"], "string");
      }
    }
  });

  it("links the vault and the lake with the factory's identity: no keys, SAS or secrets", () => {
    for (const graph of graphs) {
      const services = ofType(graph, "azure-native:datafactory:LinkedService");
      const vault = services.find((s) => (s.inputs["properties"] as { type: string }).type === "AzureKeyVault")!;
      const lake = services.find((s) => (s.inputs["properties"] as { type: string }).type === "AzureBlobFS")!;
      assert.ok(vault && lake, `${graph.stack}: both linked services exist`);
      assert.equal((vault.inputs["properties"] as { baseUrl: string }).baseUrl, (vaultOf(graph).outputs["properties"] as { vaultUri: string }).vaultUri);
      const lp = lake.inputs["properties"] as Record<string, unknown>;
      assert.equal(lp["url"], `https://${String(lakeOf(graph).inputs["accountName"])}.dfs.core.windows.net/`);
      assert.deepEqual(lp["connectVia"], { referenceName: only(graph, "azure-native:datafactory:IntegrationRuntime").inputs["integrationRuntimeName"], type: "IntegrationRuntimeReference" });
      for (const key of ["accountKey", "sasUri", "sasToken", "servicePrincipalId", "servicePrincipalKey", "servicePrincipalCredential", "credential"]) {
        assert.equal(lp[key], undefined, `${graph.stack}: lake linked service sets ${key}`);
      }
      assert.deepEqual(Object.keys(vault.inputs["properties"] as object).sort(), ["baseUrl", "description", "type"]);
    }
  });

  it("gives its identity Key Vault Secrets User on the vault and Blob Data Contributor on raw and curated only", () => {
    for (const graph of graphs) {
      const principal = (factoryOf(graph).outputs["identity"] as { principalId: string }).principalId;
      const grants = ofType(graph, "azure-native:authorization:RoleAssignment")
        .filter((r) => r.inputs["principalId"] === principal)
        .map((r) => `${roleGuid(r)}@${String(r.inputs["scope"])}`);
      assert.deepEqual(grants.sort(), [
        `${ROLE_CATALOGUE["Key Vault Secrets User"]}@${vaultOf(graph).id}`,
        `${ROLE_CATALOGUE["Storage Blob Data Contributor"]}@${filesystem(graph, "raw").id}`,
        `${ROLE_CATALOGUE["Storage Blob Data Contributor"]}@${filesystem(graph, "curated").id}`,
      ].sort());
    }
  });

  it("is reachable through a private endpoint (dataFactory), sends diagnostics, is protected and locked in prod", () => {
    for (const graph of graphs) {
      const factory = factoryOf(graph);
      assertPrivateEndpoints(graph, factory, ["dataFactory"]);
      assertDiagnostics(graph, factory, { logs: "allLogs", metrics: true });
      assertDurability(graph, factory);
    }
  });
});
