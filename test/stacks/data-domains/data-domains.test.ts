import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { namingViolation } from "../../../components/naming/rules";
import { NAMING_RULES, type ResourceKind } from "../../../contracts/naming-rules";
import { DATA_FACTORY_GLOBAL_PARAMETERS, MAX_OWN_SYNAPSE_WORKSPACES } from "../../../contracts/data-domains";
import { type Graph, type GraphResource, readStackConfig } from "../../../tools/graph";
import { allGraphs, byUrn, one, ofType } from "../../support/graphs";
import { principalLabel, roleAssignments, roleName, scopeLabel, scopeResource } from "../../components/identity/principals";
import { desiredStateOf, principalIdLabel } from "../../components/synapse/desired-state";
import { rbacJobsByWorkspace, threeDomainConfig, threeDomainGraph } from "./fixture";

let graph: Graph;
beforeAll(async () => {
  graph = await threeDomainGraph();
}, 300_000);

type Row = [principal: string, role: string, scope: string];
const key = (row: Row) => row.join(" | ");

/** Workspace scopes carry the workspace's name: two workspaces must not look alike here. */
function scopeOf(g: Graph, r: GraphResource): string {
  const label = scopeLabel(g, r);
  if (label !== "workspace") return label;
  return `workspace:${String(scopeResource(g, r)?.inputs["workspaceName"])}`;
}

const DEFAULT_WORKSPACE = "synw-dataplatform-dev-weu-02mt0";
const FINANCE_WORKSPACE = "synw-dp-finance-dev-weu-00yyx";
const SALES_GROUPS = { engineers: "group:7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c01", analysts: "group:7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c02" };

/**
 * Written from docs/environments.md#data-domains, independently of the code: every Azure role a domain's worker and
 * a domain's people hold in the 3-domain stack. Factory and secret are the scopes that cannot be narrower.
 */
const DOMAIN_ARM_MATRIX: Row[] = [
  ["orchestrator", "Storage Blob Data Contributor", "fs:raw"],
  ["orchestrator", "Storage Blob Data Contributor", "fs:curated"],
  ...(["sales", "finance", "marketing"] as const).flatMap((d): Row[] => [
    [`${d}-worker`, "Storage Blob Data Contributor", `fs:${d}-raw`],
    [`${d}-worker`, "Storage Blob Data Contributor", `fs:${d}-curated`],
    [`${d}-worker`, "Data Factory Contributor", "factory"],
    [`${d}-worker`, "Key Vault Secrets User", "secret:prefect-api-auth-string"],
    // Every pool runs backup-on-demand; the vault is the platform's, so the role stops at the vault (stacks/platform.ts).
    [`${d}-worker`, "Backup Operator", "backup-vault"],
  ]),
  // sales lists its own groups; dev: its engineers write, its analysts read, on its filesystems only.
  [SALES_GROUPS.engineers, "Storage Blob Data Contributor", "fs:sales-raw"],
  [SALES_GROUPS.engineers, "Storage Blob Data Contributor", "fs:sales-curated"],
  [SALES_GROUPS.analysts, "Storage Blob Data Reader", "fs:sales-raw"],
  [SALES_GROUPS.analysts, "Storage Blob Data Reader", "fs:sales-curated"],
];

/** Synapse RBAC per workspace: shared domains in the environment's workspace, finance alone in its own. */
const DOMAIN_SYNAPSE_MATRIX: Row[] = [
  ["orchestrator", "Synapse Compute Operator", DEFAULT_WORKSPACE],
  ["orchestrator", "Synapse Credential User", DEFAULT_WORKSPACE],
  ["sales-worker", "Synapse Compute Operator", DEFAULT_WORKSPACE],
  ["sales-worker", "Synapse Credential User", DEFAULT_WORKSPACE],
  ["marketing-worker", "Synapse Compute Operator", DEFAULT_WORKSPACE],
  ["marketing-worker", "Synapse Credential User", DEFAULT_WORKSPACE],
  ["finance-worker", "Synapse Compute Operator", FINANCE_WORKSPACE],
  ["finance-worker", "Synapse Credential User", FINANCE_WORKSPACE],
];

const isDomainPrincipal = (label: string) => label === "orchestrator" || label.endsWith("-worker") || Object.values(SALES_GROUPS).includes(label);

function armLabel(g: Graph, r: GraphResource): string {
  const label = principalLabel(g, r);
  return label.startsWith("<unresolved ") ? `group:${String(r.inputs["principalId"])}` : label;
}

describe("data domains: a 3-domain stack (test/stacks/data-domains/Pulumi.dev.yaml)", () => {
  it("the fixture is Pulumi.dev.yaml plus dataDomains, nothing else", () => {
    const fixture = threeDomainConfig();
    const dev = readStackConfig("dev");
    const { ["dataplatform:dataDomains"]: domains, ...rest } = fixture;
    assert.deepEqual(rest, dev);
    assert.equal((JSON.parse(domains!) as unknown[]).length, 3);
  });

  it("each domain's worker and people hold exactly the matrix's Azure roles (table-driven)", () => {
    const actual = roleAssignments(graph)
      .map((r): Row => [armLabel(graph, r), roleName(r), scopeOf(graph, r)])
      .filter(([principal]) => isDomainPrincipal(principal))
      // The orchestrator's platform-wide roles (vault, factory, backup vault) predate domains: access-matrix.test.ts.
      .filter(([principal, , scope]) => principal !== "orchestrator" || scope.startsWith("fs:"))
      .map(key)
      .sort();
    assert.deepEqual(actual, DOMAIN_ARM_MATRIX.map(key).sort());
  });

  it("each domain's worker holds exactly the matrix's Synapse roles, on its own workspace or the shared one", () => {
    const jobs = rbacJobsByWorkspace(graph);
    assert.deepEqual([...jobs.keys()].sort(), [DEFAULT_WORKSPACE, FINANCE_WORKSPACE].sort());
    const actual = [...jobs].flatMap(([workspace, job]) =>
      desiredStateOf(job)
        .map((d): Row => [principalIdLabel(graph, d.principalId), d.role, workspace])
        .filter(([principal]) => isDomainPrincipal(principal)),
    );
    assert.deepEqual(actual.map(key).sort(), DOMAIN_SYNAPSE_MATRIX.map(key).sort());
    // The environment's admins administer the domain's workspace too; nobody else is in it.
    const finance = desiredStateOf(jobs.get(FINANCE_WORKSPACE)!).map((d) => `${principalIdLabel(graph, d.principalId)} | ${d.role}`);
    assert.deepEqual(finance.sort(), ["finance-worker | Synapse Compute Operator", "finance-worker | Synapse Credential User", "group:admins | Synapse Administrator"]);
  });

  it("no domain's identity reaches another domain's data: every data scope it holds carries its own name", () => {
    for (const r of roleAssignments(graph)) {
      const principal = armLabel(graph, r);
      const match = /^([a-z0-9]+)-worker$/.exec(principal);
      if (!match) continue;
      const domain = match[1]!;
      const scope = scopeOf(graph, r);
      if (scope.startsWith("fs:")) assert.ok(scope.startsWith(`fs:${domain}-`), `${principal} holds ${roleName(r)} on ${scope}`);
      else assert.ok(["factory", "secret:prefect-api-auth-string", "backup-vault"].includes(scope), `${principal} holds ${roleName(r)} on ${scope}`);
      assert.notEqual(scope, "lake", `${principal} holds a role on the whole lake account`);
    }
  });

  it("each domain has its own filesystems; an own workspace has its own default filesystem, which only its identity writes", () => {
    const containers = ofType(graph, "azure-native:storage:BlobContainer").map((c) => String(c.inputs["containerName"])).sort();
    assert.deepEqual(containers, ["curated", "finance-curated", "finance-raw", "finance-synapse", "marketing-curated", "marketing-raw", "raw", "sales-curated", "sales-raw", "synapse"]);
    const finance = one(graph, "azure-native:synapse:Workspace", (w) => w.inputs["workspaceName"] === FINANCE_WORKSPACE);
    assert.equal((finance.inputs["defaultDataLakeStorage"] as { filesystem: string }).filesystem, "finance-synapse");
    const writers = roleAssignments(graph).filter((r) => scopeOf(graph, r) === "fs:finance-synapse").map((r) => `${principalLabel(graph, r)} ${roleName(r)}`);
    assert.deepEqual(writers, ["synapse-mi Storage Blob Data Contributor"]);
    const workspaceMi = roleAssignments(graph).find((r) => scopeOf(graph, r) === "fs:finance-synapse")!;
    assert.equal(byUrn(graph, (workspaceMi.propertyDependencies["principalId"] ?? [])[0])?.inputs["workspaceName"], FINANCE_WORKSPACE);
  });

  it("the factory reaches every workspace (the environment's and finance's own) through approved managed private endpoints", () => {
    const endpoints = ofType(graph, "azure-native:datafactory:ManagedPrivateEndpoint").filter((e) => (e.inputs["properties"] as { groupId: string }).groupId.startsWith("Sql"));
    const targets = endpoints.map((e) => {
      const props = e.inputs["properties"] as { privateLinkResourceId: string; groupId: string };
      const workspace = ofType(graph, "azure-native:synapse:Workspace").find((w) => w.id === props.privateLinkResourceId);
      return `${String(workspace?.inputs["workspaceName"])} ${props.groupId}`;
    });
    assert.deepEqual(targets.sort(), [`${DEFAULT_WORKSPACE} Sql`, `${DEFAULT_WORKSPACE} SqlOnDemand`, `${FINANCE_WORKSPACE} Sql`, `${FINANCE_WORKSPACE} SqlOnDemand`].sort());
    const approvals = ofType(graph, "azure-native:synapse:PrivateEndpointConnection").map((a) => String(a.inputs["workspaceName"]));
    assert.equal(approvals.filter((w) => w === FINANCE_WORKSPACE).length, 2, approvals.join(", "));
  });

  it("the factory's global parameters carry environment, lake endpoint and every domain's name", () => {
    const factory = one(graph, "azure-native:datafactory:Factory");
    const account = one(graph, "azure-native:storage:StorageAccount");
    const dfs = (account.outputs["primaryEndpoints"] as { dfs: string }).dfs;
    assert.match(dfs, /^https:\/\/st[a-z0-9]+\.dfs\.core\.windows\.net\/$/);
    assert.deepEqual(factory.inputs["globalParameters"], {
      [DATA_FACTORY_GLOBAL_PARAMETERS.environment]: { type: "String", value: "dev" },
      [DATA_FACTORY_GLOBAL_PARAMETERS.lakeEndpoint]: { type: "String", value: dfs },
      [DATA_FACTORY_GLOBAL_PARAMETERS.domainNames]: { type: "Array", value: ["platform", "sales", "finance", "marketing"] },
    });
  });

  it("the stack output lists each domain with its settings, workspace, filesystems and lake URLs (DataPlatform.dataDomains)", () => {
    const account = one(graph, "azure-native:storage:StorageAccount");
    const dfs = (account.outputs["primaryEndpoints"] as { dfs: string }).dfs;
    const workspaces = Object.fromEntries(ofType(graph, "azure-native:synapse:Workspace").map((w) => [w.inputs["workspaceName"], (w.outputs["connectivityEndpoints"] as { dev: string }).dev]));
    const domains = graph.outputs["dataDomains"] as { name: string; team: string; costCenter: string; concurrencyLimit: number; synapse: string; synapseWorkspaceName: string; synapseDevEndpoint: string; filesystems: string[]; lakeUrls: Record<string, string> }[];
    const summary = domains.map((d) => [d.name, d.team, d.costCenter, d.concurrencyLimit, d.synapse, d.synapseWorkspaceName, d.filesystems.join(",")]);
    assert.deepEqual(summary, [
      ["platform", "data-platform@contoso.com", "CC-4711-DEV", 4, "own", DEFAULT_WORKSPACE, "raw,curated,synapse"],
      ["sales", "sales-data@contoso.com", "CC-5100", 8, "shared", DEFAULT_WORKSPACE, "sales-raw,sales-curated"],
      ["finance", "data-platform@contoso.com", "CC-4711-DEV", 2, "own", FINANCE_WORKSPACE, "finance-raw,finance-curated,finance-synapse"],
      ["marketing", "data-platform@contoso.com", "CC-4711-DEV", 4, "shared", DEFAULT_WORKSPACE, "marketing-raw,marketing-curated"],
    ]);
    for (const d of domains) {
      assert.equal(d.synapseDevEndpoint, workspaces[d.synapseWorkspaceName], d.name);
      assert.deepEqual(d.lakeUrls, Object.fromEntries(d.filesystems.map((fs) => [fs, `${dfs}${fs}`])), d.name);
    }
  });

  it("every domain's data is under the lake's recovery policy: blob and filesystem soft delete on the one account", () => {
    // The lake's backup policy is soft delete (vaulted ADLS backup is not available: components/backup/policies.ts).
    const account = one(graph, "azure-native:storage:StorageAccount");
    const blob = one(graph, "azure-native:storage:BlobServiceProperties");
    assert.equal(blob.inputs["accountName"], account.inputs["accountName"]);
    assert.deepEqual(blob.inputs["deleteRetentionPolicy"], { enabled: true, days: 7, allowPermanentDelete: false });
    assert.deepEqual(blob.inputs["containerDeleteRetentionPolicy"], { enabled: true, days: 7 });
    for (const fs of ["raw", "curated", "sales-raw", "sales-curated", "finance-raw", "finance-curated", "finance-synapse", "marketing-raw", "marketing-curated"]) {
      const container = one(graph, "azure-native:storage:BlobContainer", (c) => c.inputs["containerName"] === fs);
      assert.equal(container.inputs["accountName"], account.inputs["accountName"], `${fs} is in another account`);
      assert.ok(container.protect, `${fs} is not protected`);
    }
    assert.deepEqual(ofType(graph, "azure-native:dataprotection:BackupInstance").map((i) => i.name), ["dataplatform-dev-backup-psql-instance"]);
  });

  it("every Azure name in the stack fits its rule, the domains' included", () => {
    const byType = new Map<string, ResourceKind>();
    for (const [kind, rule] of Object.entries(NAMING_RULES)) for (const t of rule.types) byType.set(t, kind as ResourceKind);
    const checked: string[] = [];
    for (const r of graph.resources) {
      const kind = byType.get(r.type);
      if (!kind) continue;
      const name = String(r.inputs[NAMING_RULES[kind].nameInput]);
      assert.equal(namingViolation(kind, name), undefined, r.name);
      checked.push(name);
    }
    for (const expected of ["id-dp-sales-worker-dev-weu", FINANCE_WORKSPACE, "caj-dp-finance-rbac-dev-weu", "pep-dp-finance-synw-sqlondemand-dev-weu"]) {
      assert.ok(checked.includes(expected), `${expected} not in ${checked.filter((n) => n.includes("dp-")).join(", ")}`);
    }
  });

  it("the private-endpoint subnet has room for the platform's endpoints plus the most own workspaces allowed", () => {
    // contracts/data-domains.ts MAX_OWN_SYNAPSE_WORKSPACES: a /26 has 59 usable addresses; each own workspace adds 4.
    const own = 1;
    const platform = ofType(graph, "azure-native:network:PrivateEndpoint").length - 4 * own;
    assert.equal(platform, 9);
    assert.ok(platform + 4 * MAX_OWN_SYNAPSE_WORKSPACES <= 64 - 5);
  });
});

describe("data domains in the real stacks: only the default domain, today's resources", () => {
  it("dev, test and prod have the one default domain, and its global parameters", async () => {
    for (const g of await allGraphs()) {
      assert.deepEqual(ofType(g, "dataplatform:platform:DataDomain").map((d) => d.name), [`dataplatform-${g.stack}-domain-platform`], g.stack);
      const params = one(g, "azure-native:datafactory:Factory").inputs["globalParameters"] as Record<string, { value: unknown }>;
      assert.deepEqual(params[DATA_FACTORY_GLOBAL_PARAMETERS.domainNames], { type: "Array", value: ["platform"] }, g.stack);
      assert.deepEqual(ofType(g, "azure-native:storage:BlobContainer").map((c) => c.inputs["containerName"]).sort(), ["curated", "raw", "synapse"], g.stack);
      assert.equal(ofType(g, "azure-native:synapse:Workspace").length, 1, g.stack);
    }
  });

  it("keep today's stateful resources where they were (URNs as before data domains, commit 8264787): no move, no replace", async () => {
    const stateful = [
      "datafactory:DataFactory$azure-native:datafactory:Factory::dataplatform-${s}-datafactory-factory",
      "identity:Identity$azure-native:managedidentity:UserAssignedIdentity::dataplatform-${s}-identity-orchestrator-id",
      "identity:Identity$azure-native:managedidentity:UserAssignedIdentity::dataplatform-${s}-identity-prefect-server-id",
      "identity:Identity$azure-native:managedidentity:UserAssignedIdentity::dataplatform-${s}-identity-cloudflared-id",
      "synapse:Synapse$azure-native:managedidentity:UserAssignedIdentity::dataplatform-${s}-synapse-rbac-job-identity",
      "keyvault:KeyVault$azure-native:keyvault:Vault::dataplatform-${s}-keyvault-vault",
      "backup:Backup$azure-native:dataprotection:BackupVault::dataplatform-${s}-backup-vault",
      "orchestrator:Orchestrator$azure-native:dbforpostgresql:Server::dataplatform-${s}-orchestrator-psql",
      "datalake:DataLake$azure-native:storage:StorageAccount::dataplatform-${s}-datalake-account",
      "synapse:Synapse$azure-native:synapse:Workspace::dataplatform-${s}-synapse-workspace",
      "datalake:DataLake$azure-native:storage:BlobContainer::dataplatform-${s}-datalake-fs-raw",
      "datalake:DataLake$azure-native:storage:BlobContainer::dataplatform-${s}-datalake-fs-curated",
      "datalake:DataLake$azure-native:storage:BlobContainer::dataplatform-${s}-datalake-fs-synapse",
    ];
    const types = new Set(stateful.map((u) => u.slice(u.indexOf("$") + 1, u.indexOf("::"))));
    for (const g of await allGraphs()) {
      const expected = stateful.map((u) => `urn:pulumi:${g.stack}::dataplatform::dataplatform:${u.replaceAll("${s}", g.stack)}`).sort();
      const actual = g.resources.filter((r) => types.has(r.type)).map((r) => r.urn).sort();
      assert.deepEqual(actual, expected, g.stack);
      assert.match(String(one(g, "azure-native:synapse:Workspace").inputs["workspaceName"]), new RegExp(`^synw-dataplatform-${g.stack}-weu-[a-z0-9]{5}$`));
      assert.equal(one(g, "azure-native:managedidentity:UserAssignedIdentity", (r) => r.name.endsWith("-orchestrator-id")).inputs["resourceName"], `id-dataplatform-orchestrator-${g.stack}-weu`);
    }
  });
});
