import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { ROLE_CATALOGUE } from "../../../contracts/roles";
import { SYNAPSE_ROLES } from "../../../components/synapse/roles";
import { type Graph, type GraphResource, readStackConfig, stackGraph } from "../../../tools/graph";
import { allGraphs, byUrn, ofType } from "../../support/graphs";
import { assertDiagnostics, assertDurability, assertPrivateEndpoints, locksOn, only, roleGuid } from "../data-services";
import { T } from "../../../contracts/resource-types";

const workspaceOf = (graph: Graph) => only(graph, T.synapseWorkspace);
const lakeOf = (graph: Graph) => only(graph, "azure-native:storage:StorageAccount", (r) => r.name.endsWith("-datalake-account"));
const filesystem = (graph: Graph, name: string) =>
  only(graph, "azure-native:storage:BlobContainer", (c) => c.inputs["containerName"] === name && c.inputs["accountName"] === lakeOf(graph).inputs["accountName"]);
const stackEntra = (stack: string) => JSON.parse(readStackConfig(stack)["dataplatform:entra"]!) as { tenantId: string; groups: { admins: string } };
const principalOf = (r: GraphResource) => (r.outputs["identity"] as { principalId: string }).principalId;

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

describe("Synapse workspace", () => {
  it("runs in a managed VNet with exfiltration protection that links only to the platform's tenant", () => {
    for (const graph of graphs) {
      const i = workspaceOf(graph).inputs;
      assert.equal(i["managedVirtualNetwork"], "default");
      assert.deepEqual(i["managedVirtualNetworkSettings"], {
        preventDataExfiltration: true,
        allowedAadTenantIdsForLinking: [stackEntra(graph.stack).tenantId],
        linkedAccessCheckOnTargetResource: true,
      });
    }
  });

  it("is Entra-only with no SQL login or password, private, with a system-assigned identity", () => {
    for (const graph of graphs) {
      const i = workspaceOf(graph).inputs;
      assert.equal(i["azureADOnlyAuthentication"], true);
      assert.equal(i["sqlAdministratorLogin"], undefined);
      assert.equal(i["sqlAdministratorLoginPassword"], undefined);
      assert.equal(i["publicNetworkAccess"], "Disabled");
      assert.equal(i["trustedServiceBypassEnabled"], false);
      assert.deepEqual(i["identity"], { type: "SystemAssigned" });
    }
  });

  it("uses the lake's synapse filesystem as its default data lake, over a managed private endpoint approved in code", () => {
    for (const graph of graphs) {
      const workspace = workspaceOf(graph);
      const lake = lakeOf(graph);
      const dl = workspace.inputs["defaultDataLakeStorage"] as Record<string, unknown>;
      assert.equal(dl["resourceId"], lake.id);
      assert.equal(dl["filesystem"], "synapse");
      assert.equal(dl["accountUrl"], `https://${String(lake.inputs["accountName"])}.dfs.core.windows.net/`);
      assert.equal(dl["createManagedPrivateEndpoint"], true);
      const approval = only(graph, "azure-native:storage:PrivateEndpointConnection", (a) => a.parent === workspace.parent);
      assert.equal(approval.inputs["accountName"], lake.inputs["accountName"]);
      assert.equal((approval.inputs["privateLinkServiceConnectionState"] as { status: string }).status, "Approved");
      assert.ok(approval.dependsOn.includes(workspace.urn), "the approval reads the lake's connections only after the workspace exists");
      assert.equal(typeof approval.inputs["privateEndpointConnectionName"], "string");
    }
  });

  it("makes the configured admins group its Entra admin", () => {
    for (const graph of graphs) {
      const admin = only(graph, "azure-native:synapse:WorkspaceAadAdmin");
      const entra = stackEntra(graph.stack);
      assert.equal(admin.inputs["workspaceName"], workspaceOf(graph).inputs["workspaceName"]);
      assert.equal(admin.inputs["administratorType"], "ActiveDirectory");
      assert.equal(admin.inputs["sid"], entra.groups.admins);
      assert.equal(admin.inputs["tenantId"], entra.tenantId);
    }
  });

  it("gives its identity Storage Blob Data Contributor on its own filesystem and nothing else", () => {
    for (const graph of graphs) {
      const principal = principalOf(workspaceOf(graph));
      const grants = ofType(graph, "azure-native:authorization:RoleAssignment").filter((r) => r.inputs["principalId"] === principal);
      assert.equal(grants.length, 1, `${graph.stack}: the workspace identity holds exactly one Azure role`);
      assert.equal(roleGuid(grants[0]!), ROLE_CATALOGUE["Storage Blob Data Contributor"]);
      assert.equal(grants[0]!.inputs["scope"], filesystem(graph, "synapse").id, "scope is the synapse filesystem, not the account");
      assert.notEqual(grants[0]!.inputs["scope"], lakeOf(graph).id);
      assert.equal(grants[0]!.inputs["principalType"], "ServicePrincipal");
    }
  });

  it("is reachable through private endpoints Sql, SqlOnDemand and Dev, and Studio through a private link hub (Web)", () => {
    for (const graph of graphs) {
      assertPrivateEndpoints(graph, workspaceOf(graph), ["Sql", "SqlOnDemand", "Dev"]);
      assertPrivateEndpoints(graph, only(graph, "azure-native:synapse:PrivateLinkHub"), ["Web"]);
    }
  });

  it("sends its logs and metrics to Log Analytics, is protected, and locked in prod", () => {
    for (const graph of graphs) {
      const workspace = workspaceOf(graph);
      assertDiagnostics(graph, workspace, { logs: "allLogs", metrics: true });
      assertDurability(graph, workspace);
      assert.deepEqual(locksOn(graph, only(graph, "azure-native:synapse:PrivateLinkHub")), [], "the hub holds no data");
    }
  });
});

describe("Synapse pools", () => {
  it("has no dedicated or Spark pool unless config asks for one (serverless only)", () => {
    for (const graph of graphs) {
      assert.deepEqual(ofType(graph, "azure-native:synapse:SqlPool"), [], graph.stack);
      assert.deepEqual(ofType(graph, "azure-native:synapse:BigDataPool"), [], graph.stack);
    }
  });

  it("creates a protected, locked, monitored dedicated pool and an auto-pausing Spark pool when configured", async () => {
    const config = readStackConfig("prod");
    config["dataplatform:synapse"] = JSON.stringify({
      dedicatedPool: { enabled: true, sku: "DW200c" },
      sparkPool: { enabled: true, nodeSize: "Medium", maxNodes: 6, autoPauseMinutes: 20 },
    });
    const graph = await stackGraph("prod", { config });
    const workspace = workspaceOf(graph);
    const pool = only(graph, "azure-native:synapse:SqlPool");
    assert.equal(pool.inputs["workspaceName"], workspace.inputs["workspaceName"]);
    assert.deepEqual(pool.inputs["sku"], { name: "DW200c" });
    assert.equal(pool.inputs["storageAccountType"], "GRS", "prod's geo-redundant lake means geo-redundant pool backups");
    assert.equal(pool.inputs["createMode"], "Default");
    assertDurability(graph, pool);
    assertDiagnostics(graph, pool, { logs: "allLogs", metrics: true });

    const spark = only(graph, "azure-native:synapse:BigDataPool");
    assert.deepEqual(spark.inputs["autoPause"], { enabled: true, delayInMinutes: 20 });
    assert.deepEqual(spark.inputs["autoScale"], { enabled: true, minNodeCount: 3, maxNodeCount: 6 });
    assert.equal(spark.inputs["nodeSize"], "Medium");
    assertDiagnostics(graph, spark, { logs: "allLogs", metrics: true });
  });
});

describe("Synapse data-plane (Synapse RBAC) role assignments", () => {
  const TYPE = "azure:synapse/roleAssignment:RoleAssignment";

  it("assigns known Synapse roles at the workspace, through a provider that registers nothing on the subscription", () => {
    for (const graph of graphs) {
      const workspace = workspaceOf(graph);
      const assignments = ofType(graph, TYPE);
      assert.ok(assignments.length >= 1, `${graph.stack}: no Synapse role assignments`);
      for (const a of assignments) {
        assert.equal(a.inputs["synapseWorkspaceId"], workspace.id);
        assert.ok((SYNAPSE_ROLES as readonly string[]).includes(String(a.inputs["roleName"])), String(a.inputs["roleName"]));
        assert.match(String(a.inputs["principalType"]), /^(User|Group|ServicePrincipal)$/);
        assert.ok(a.dependsOn.includes(workspace.urn));
      }
      const provider = ofType(graph, "pulumi:providers:azure");
      assert.equal(provider.length, 1);
      assert.equal(provider[0]!.inputs["resourceProviderRegistrations"], "none");
      assert.equal(provider[0]!.inputs["subscriptionId"], /^\/subscriptions\/([^/]+)/.exec(workspace.id!)![1]);
    }
  });

  it("makes only the admins group Synapse Administrator", () => {
    for (const graph of graphs) {
      const admins = ofType(graph, TYPE).filter((a) => a.inputs["roleName"] === "Synapse Administrator");
      assert.deepEqual(admins.map((a) => [a.inputs["principalId"], a.inputs["principalType"]]), [[stackEntra(graph.stack).groups.admins, "Group"]]);
    }
  });

  it("parents the assignments to the Synapse component", () => {
    for (const graph of graphs) {
      for (const a of ofType(graph, TYPE)) assert.equal(byUrn(graph, a.parent)?.type, "dataplatform:synapse:Synapse");
    }
  });
});
