import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import { ROLE_CATALOGUE } from "../../../contracts/roles";
import { T } from "../../../contracts/resource-types";
import { RBAC_JOB_ENV, RBAC_JOB_SCHEDULE } from "../../../components/synapse/rbac-job";
import { renderDesiredState, SYNAPSE_ROLES } from "../../../components/synapse/roles";
import { evaluateStack, type Graph, type GraphResource, PROJECT_ROOT, readStackConfig, stackGraph } from "../../../tools/graph";
import { allGraphs, byUrn, ofType } from "../../support/graphs";
import { assertDiagnostics, assertDurability, assertPrivateEndpoints, locksOn, only, roleGuid } from "../data-services";
import { desiredStateOf, envOf, principalIdLabel, rbacJobOf } from "./desired-state";

const SCRIPT_PATH = join(PROJECT_ROOT, "components", "synapse", "rbac-job", "reconcile.mjs");

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

describe("Synapse data-plane (Synapse RBAC) role assignments: a job inside the VNet", () => {
  const identityOf = (graph: Graph) => only(graph, "azure-native:managedidentity:UserAssignedIdentity", (r) => r.parent === workspaceOf(graph).parent && r.name.endsWith("-rbac-job-identity"));
  const jobOf = (graph: Graph) => {
    const job = rbacJobOf(graph);
    assert.ok(job, `${graph.stack}: no Synapse RBAC job`);
    return job;
  };

  it("leaves nothing that calls the workspace's dev endpoint from the deployer: no classic-provider resource or provider", () => {
    for (const graph of graphs) {
      assert.deepEqual(graph.resources.filter((r) => r.type === "pulumi:providers:azure" || r.type.startsWith("azure:")).map((r) => r.type), [], graph.stack);
    }
  });

  it("runs a scheduled Container Apps Job in the orchestrator's internal environment, as its own identity, with a pinned image", () => {
    for (const graph of graphs) {
      const job = jobOf(graph);
      const identity = identityOf(graph);
      const environment = only(graph, "azure-native:app:ManagedEnvironment");
      assert.equal(byUrn(graph, job.parent)?.type, "dataplatform:synapse:Synapse");
      assert.equal(job.inputs["environmentId"], environment.id);
      assert.deepEqual((environment.inputs["vnetConfiguration"] as { internal: boolean }).internal, true);
      assert.deepEqual(job.inputs["identity"], { type: "UserAssigned", userAssignedIdentities: [identity.id] });
      const configuration = job.inputs["configuration"] as Record<string, unknown>;
      assert.equal(configuration["triggerType"], "Schedule");
      assert.deepEqual(configuration["scheduleTriggerConfig"], { cronExpression: RBAC_JOB_SCHEDULE, parallelism: 1, replicaCompletionCount: 1 });
      const containers = (job.inputs["template"] as { containers: { image: string; command: string[] }[] }).containers;
      assert.equal(containers.length, 1);
      assert.match(containers[0]!.image, /@sha256:[0-9a-f]{64}$/, "pinned by digest");
      // The container runs exactly the script file the offline test runs (test/components/synapse/rbac-job.test.ts).
      assert.deepEqual(containers[0]!.command, ["node", "--input-type=module", "-e", readFileSync(SCRIPT_PATH, "utf8")]);
      const env = envOf(job);
      assert.equal(env[RBAC_JOB_ENV.clientId], identity.outputs["clientId"]);
      assert.equal(env[RBAC_JOB_ENV.endpoint], (workspaceOf(graph).outputs["connectivityEndpoints"] as { dev: string }).dev);
      assert.equal(env[RBAC_JOB_ENV.workspace], workspaceOf(graph).inputs["workspaceName"]);
      assert.ok(job.dependsOn.includes(workspaceOf(graph).urn));
      assert.equal(env["IDENTITY_ENDPOINT"], undefined, "Container Apps sets the identity endpoint itself");
    }
  });

  it("keys the desired state by its hash: DESIRED_STATE_SHA256 is the SHA-256 of the exact text the job reads", () => {
    for (const graph of graphs) {
      const env = envOf(jobOf(graph));
      assert.equal(env[RBAC_JOB_ENV.desiredStateSha256], createHash("sha256").update(env[RBAC_JOB_ENV.desiredState]!, "utf8").digest("hex"));
    }
  });

  it("enforces the platform's list: admins group Synapse Administrator, orchestrator Compute Operator + Credential User, gateway Synapse User", () => {
    for (const graph of graphs) {
      const actual = desiredStateOf(jobOf(graph)).map((d) => `${principalIdLabel(graph, d.principalId)} | ${d.principalType} | ${d.role}`).sort();
      assert.deepEqual(actual, [
        "gateway | ServicePrincipal | Synapse User",
        "group:admins | Group | Synapse Administrator",
        "orchestrator | ServicePrincipal | Synapse Compute Operator",
        "orchestrator | ServicePrincipal | Synapse Credential User",
      ], graph.stack);
      assert.equal(desiredStateOf(jobOf(graph)).find((d) => d.role === "Synapse Administrator")?.principalId, stackEntra(graph.stack).groups.admins.toLowerCase());
      for (const d of desiredStateOf(jobOf(graph))) assert.ok((SYNAPSE_ROLES as readonly string[]).includes(d.role), d.role);
    }
  });

  it("makes the job's identity Synapse Administrator on the ARM plane: the workspace's initial admin, set only at creation", () => {
    for (const graph of graphs) {
      const workspace = workspaceOf(graph);
      const identity = identityOf(graph);
      assert.deepEqual(workspace.inputs["cspWorkspaceAdminProperties"], { initialWorkspaceAdminObjectId: identity.outputs["principalId"] });
      assert.ok(workspace.dependsOn.includes(identity.urn), "the identity exists before the workspace is created");
      assert.ok(workspace.ignoreChanges.includes("cspWorkspaceAdminProperties"), "never sent to an existing workspace");
    }
  });

  it("gives the job's identity no Azure role at all (its one right is on Synapse's data plane)", () => {
    for (const graph of graphs) {
      const principal = identityOf(graph).outputs["principalId"];
      assert.deepEqual(ofType(graph, "azure-native:authorization:RoleAssignment").filter((r) => r.inputs["principalId"] === principal).map((r) => r.name), [], graph.stack);
    }
  });
});

describe("Synapse RBAC: bad input", () => {
  it("refuses role assignments without an environment for the job before it registers any resource", async () => {
    const result = await evaluateStack("syn-no-job-env", { config: {}, project: { dir: ".", main: "test/components/synapse/no-job-environment-fixture.ts" } });
    assert.equal(result.ok, false, "role assignments without a job environment evaluated");
    if (result.ok) return;
    assert.match(result.failure.error, /synapseRoleAssignments need rbacJobEnvironment/);
    assert.deepEqual(result.failure.resources.filter((r) => r.custom).map((r) => r.type), []);
  });
});

describe("Synapse RBAC desired state (rendering)", () => {
  const a = "AAAAAAAA-0000-4000-8000-000000000001";
  const b = "bbbbbbbb-0000-4000-8000-000000000002";

  it("is canonical: order and case of the input do not change the text or the hash", () => {
    const one = renderDesiredState([
      { principalId: a, principalType: "Group", role: "Synapse Administrator" },
      { principalId: b, principalType: "ServicePrincipal", role: "Synapse User" },
    ]);
    const two = renderDesiredState([
      { principalId: b, principalType: "ServicePrincipal", role: "Synapse User" },
      { principalId: a.toLowerCase(), principalType: "Group", role: "Synapse Administrator" },
    ]);
    assert.equal(one.json, two.json);
    assert.equal(one.sha256, two.sha256);
    assert.ok(one.json.includes(a.toLowerCase()));
  });

  it("refuses a principal that is not an object ID and a repeated assignment, naming both", () => {
    assert.throws(
      () => renderDesiredState([
        { principalId: "admins", principalType: "Group", role: "Synapse Administrator" },
        { principalId: b, principalType: "ServicePrincipal", role: "Synapse User" },
        { principalId: b.toUpperCase(), principalType: "ServicePrincipal", role: "Synapse User" },
      ]),
      /"admins" \(Synapse Administrator\) is not an Entra object ID; Synapse User is assigned to bbbbbbbb-0000-4000-8000-000000000002 twice/,
    );
  });
});
