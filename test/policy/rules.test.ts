import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { policyConfigFor } from "../../policy/config";
import type { PolicyEnvironment } from "../../policy/environment";
import { platformPolicies } from "../../policy/policies";
import { runPoliciesOnGraph, type Violation } from "../../policy/run-on-graph";
import { stackGraph, type GraphResource } from "../../tools/graph";
import { RG_ID, diagnosticsFor, lockFor, mutate, res, resourceGroup, tracked } from "./fixtures";
import { goodResources } from "./good";

let dev: GraphResource[];
let prod: GraphResource[];
const one = (graph: GraphResource[], type: string) => {
  const found = graph.find((r) => r.type === type);
  assert.ok(found, `the stack graph has a ${type}`);
  return found;
};
const good = (type: string) => goodResources().find((r) => r.type === type)!;

async function violations(resources: GraphResource[], env: PolicyEnvironment): Promise<Violation[]> {
  return runPoliciesOnGraph(resources, { config: policyConfigFor(env) });
}

interface Case {
  policy: string;
  title: string;
  env: PolicyEnvironment;
  resources: () => GraphResource[];
  fires: RegExp;
}

const VAULT = "azure-native:keyvault:Vault";
const ACCOUNT = "azure-native:storage:StorageAccount";
const BACKUP = "azure-native:dataprotection:BackupVault";
const LAW = "azure-native:operationalinsights:Workspace";
const RA = "azure-native:authorization:RoleAssignment";
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";

/** One failing fixture per rule: a real resource from a stack graph with one setting broken, or a hand-made one. */
const CASES: Case[] = [
  { policy: "keyvault-rbac-authorization", title: "access policies instead of RBAC", env: "dev", fires: /enableRbacAuthorization/, resources: () => [mutate(one(dev, VAULT), "properties.enableRbacAuthorization", false)] },
  { policy: "keyvault-recoverable", title: "purge protection off", env: "dev", fires: /purge protection/, resources: () => [mutate(one(dev, VAULT), "properties.enablePurgeProtection", false)] },
  { policy: "keyvault-recoverable", title: "soft delete 7 days", env: "dev", fires: /retention is 7 days/, resources: () => [mutate(one(dev, VAULT), "properties.softDeleteRetentionInDays", 7)] },
  { policy: "keyvault-network-isolation", title: "SDK default publicNetworkAccess=enabled", env: "dev", fires: /publicNetworkAccess is "enabled"/, resources: () => [mutate(one(dev, VAULT), "properties.publicNetworkAccess", "enabled")] },
  { policy: "keyvault-network-isolation", title: "firewall Allow", env: "dev", fires: /defaultAction is not Deny/, resources: () => [mutate(one(dev, VAULT), "properties.networkAcls.defaultAction", "Allow")] },
  { policy: "keyvault-secret-expiry", title: "no expiry", env: "dev", fires: /no expiry/, resources: () => [mutate(good("azure-native:keyvault:Secret"), "properties.attributes", undefined)] },
  { policy: "keyvault-key-rotation", title: "no rotate action", env: "dev", fires: /rotate action/, resources: () => [mutate(one(dev, "azure-native:keyvault:Key"), "properties.rotationPolicy", undefined)] },
  { policy: "storage-secure-transport", title: "TLS 1.0", env: "dev", fires: /minimumTlsVersion/, resources: () => [mutate(one(dev, ACCOUNT), "minimumTlsVersion", "TLS1_0")] },
  { policy: "storage-secure-transport", title: "http allowed", env: "dev", fires: /enableHttpsTrafficOnly/, resources: () => [mutate(one(dev, ACCOUNT), "enableHttpsTrafficOnly", false)] },
  { policy: "storage-no-shared-key", title: "shared key allowed", env: "dev", fires: /allowSharedKeyAccess/, resources: () => [mutate(one(dev, ACCOUNT), "allowSharedKeyAccess", true)] },
  { policy: "storage-no-public-access", title: "anonymous blob access", env: "dev", fires: /allowBlobPublicAccess/, resources: () => [mutate(one(dev, ACCOUNT), "allowBlobPublicAccess", true)] },
  { policy: "storage-no-public-access", title: "firewall Allow", env: "dev", fires: /defaultAction is not Deny/, resources: () => [mutate(one(dev, ACCOUNT), "networkRuleSet.defaultAction", "Allow")] },
  { policy: "storage-no-public-access", title: "public container", env: "dev", fires: /container publicAccess/, resources: () => [mutate(one(dev, "azure-native:storage:BlobContainer"), "publicAccess", "Blob")] },
  { policy: "storage-lake-hierarchical-namespace", title: "lake without HNS", env: "dev", fires: /hierarchical namespace/, resources: () => [mutate(one(dev, ACCOUNT), "isHnsEnabled", false)] },
  { policy: "storage-geo-redundancy", title: "LRS in prod", env: "prod", fires: /not geo-redundant/, resources: () => [mutate(one(prod, ACCOUNT), "sku.name", "Standard_LRS")] },
  { policy: "synapse-managed-network", title: "no exfiltration protection", env: "dev", fires: /exfiltration/, resources: () => [mutate(good("azure-native:synapse:Workspace"), "managedVirtualNetworkSettings.preventDataExfiltration", false)] },
  { policy: "synapse-managed-network", title: "no managed VNet", env: "dev", fires: /managed virtual network/, resources: () => [mutate(good("azure-native:synapse:Workspace"), "managedVirtualNetwork", undefined)] },
  { policy: "synapse-entra-only", title: "SQL password", env: "dev", fires: /password/, resources: () => [mutate(good("azure-native:synapse:Workspace"), "sqlAdministratorLoginPassword", "P@ss")] },
  { policy: "synapse-no-public-access", title: "public workspace", env: "dev", fires: /must be Disabled/, resources: () => [mutate(good("azure-native:synapse:Workspace"), "publicNetworkAccess", "Enabled")] },
  { policy: "datafactory-no-public-access", title: "public factory", env: "dev", fires: /must be Disabled/, resources: () => [mutate(good("azure-native:datafactory:Factory"), "publicNetworkAccess", "Enabled")] },
  { policy: "datafactory-managed-identity", title: "no identity", env: "dev", fires: /managed identity/, resources: () => [mutate(good("azure-native:datafactory:Factory"), "identity", undefined)] },
  { policy: "containerapp-internal-ingress", title: "external ingress", env: "dev", fires: /external/, resources: () => [mutate(good("azure-native:app:ContainerApp"), "configuration.ingress.external", true)] },
  { policy: "containerapps-environment-internal", title: "external environment", env: "dev", fires: /not internal/, resources: () => [mutate(good("azure-native:app:ManagedEnvironment"), "vnetConfiguration.internal", false)] },
  { policy: "containerapps-environment-zone-redundant", title: "single zone in prod", env: "prod", fires: /zone redundant/, resources: () => [mutate(good("azure-native:app:ManagedEnvironment"), "zoneRedundant", false)] },
  { policy: "postgres-no-public-access", title: "public server", env: "dev", fires: /must be Disabled/, resources: () => [mutate(good("azure-native:dbforpostgresql:Server"), "network.publicNetworkAccess", "Enabled")] },
  { policy: "postgres-entra-auth", title: "password auth on", env: "dev", fires: /password authentication/, resources: () => [mutate(good("azure-native:dbforpostgresql:Server"), "authConfig.passwordAuth", "Enabled")] },
  { policy: "postgres-prod-resilience", title: "no HA in prod", env: "prod", fires: /zone-redundant HA/, resources: () => [mutate(good("azure-native:dbforpostgresql:Server"), "highAvailability.mode", "Disabled")] },
  { policy: "postgres-prod-resilience", title: "local backups in prod", env: "prod", fires: /geo-redundant/, resources: () => [mutate(good("azure-native:dbforpostgresql:Server"), "backup.geoRedundantBackup", "Disabled")] },
  { policy: "backupvault-immutable-soft-delete", title: "immutability disabled in dev", env: "dev", fires: /immutability is "Disabled"/, resources: () => [mutate(one(dev, BACKUP), "properties.securitySettings.immutabilitySettings.state", "Disabled")] },
  { policy: "backupvault-immutable-soft-delete", title: "dev settings in prod", env: "prod", fires: /Locked required in prod/, resources: () => [one(dev, BACKUP)] },
  { policy: "backupvault-prod-geo-redundant", title: "LocallyRedundant in prod", env: "prod", fires: /not GeoRedundant/, resources: () => [one(dev, BACKUP)] },
  { policy: "loganalytics-no-local-auth", title: "local auth on", env: "dev", fires: /disableLocalAuth/, resources: () => [mutate(one(dev, LAW), "features.disableLocalAuth", false)] },
  { policy: "loganalytics-retention", title: "7 days", env: "dev", fires: /retentionInDays is 7/, resources: () => [mutate(one(dev, LAW), "retentionInDays", 7)] },
  { policy: "no-public-network-access", title: "unintended public endpoint", env: "dev", fires: /publicNetworkAccess is Enabled/, resources: () => [mutate(one(dev, ACCOUNT), "publicNetworkAccess", "Enabled")] },
  { policy: "no-public-network-access", title: "Synapse allow-all firewall rule", env: "dev", fires: /whole IPv4 internet/, resources: () => [res("azure-native:synapse:IpFirewallRule", "all", { resourceGroupName: "rg", workspaceName: "w", startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" })] },
  { policy: "required-tags", title: "tags dropped", env: "dev", fires: /missing required tags: .*cost-center/, resources: () => [mutate(one(dev, LAW), "tags.cost-center", undefined)] },
  { policy: "required-tags", title: "prod tag in dev config", env: "dev", fires: /environment tag is "prod"/, resources: () => [one(prod, LAW)] },
  { policy: "role-assignment-catalogue-only", title: "Owner", env: "dev", fires: /not in the role catalogue/, resources: () => [mutate(one(dev, RA), "roleDefinitionId", `/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`)] },
  { policy: "role-assignment-no-broad-scope", title: "Contributor at subscription", env: "dev", fires: /privileged role .* broad scope/, resources: () => [res(RA, "sub-contrib", { scope: "/subscriptions/00000000-0000-4000-8000-00000000c0de", principalId: "p", principalType: "ServicePrincipal", roleDefinitionId: "/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c" })] },
  { policy: "role-assignment-scope-in-environment", title: "scope in another resource group", env: "dev", fires: /outside the environment/, resources: () => [resourceGroup(), mutate(one(dev, RA), "scope", "/subscriptions/x/resourceGroups/rg-someone-else/providers/Microsoft.Storage/storageAccounts/other")] },
  { policy: "secrets-never-plaintext", title: "plaintext Key Vault secret", env: "dev", fires: /Key Vault secret value .* plaintext/, resources: () => [{ ...good("azure-native:keyvault:Secret"), secretPaths: [] }] },
  { policy: "secrets-never-plaintext", title: "plaintext container app secret", env: "dev", fires: /container app secret db .* plaintext/, resources: () => [mutate(good("azure-native:app:ContainerApp"), "configuration.secrets", [{ name: "db", value: "postgres://u:p@h/db" }])] },
  { policy: "secrets-never-plaintext", title: "credential env var as plain value", env: "dev", fires: /PREFECT_API_AUTH_STRING is a plain value/, resources: () => [mutate(good("azure-native:app:ContainerApp"), "template.containers", [{ name: "worker", image: "i", env: [{ name: "PREFECT_API_AUTH_STRING", value: "admin:pw" }] }])] },
  { policy: "secrets-never-plaintext", title: "Worker secret_text not a Pulumi secret", env: "dev", fires: /Worker secret AZURE_CLIENT_SECRET .* plaintext/, resources: () => [{ ...good("cloudflare:index/workersScript:WorkersScript"), secretPaths: [] }] },
  { policy: "secrets-never-plaintext", title: "credential as plain_text binding", env: "dev", fires: /plain_text/, resources: () => [mutate(good("cloudflare:index/workersScript:WorkersScript"), "bindings", [{ name: "UPSTREAM_PASSWORD", type: "plain_text", text: "pw" }])] },
  { policy: "secrets-never-plaintext", title: "plaintext password input", env: "dev", fires: /sqlAdministratorLoginPassword\) is plaintext/, resources: () => [mutate(good("azure-native:synapse:Workspace"), "sqlAdministratorLoginPassword", "P@ss")] },
  { policy: "diagnostics-on-supported-resources", title: "vault without diagnostic setting", env: "dev", fires: /Vault .* no diagnostic setting/, resources: () => dev.filter((r) => !(r.type === "azure-native:monitor:DiagnosticSetting" && r.propertyDependencies["resourceUri"]?.includes(one(dev, VAULT).urn))) },
  { policy: "stateful-durability", title: "unprotected vault", env: "dev", fires: /Vault .* is not protected/, resources: () => dev.map((r) => (r.type === VAULT ? { ...r, protect: false } : r)) },
  { policy: "stateful-durability", title: "no lock in prod", env: "prod", fires: /no CanNotDelete lock in prod/, resources: () => prod.filter((r) => r.type !== "azure-native:authorization:ManagementLockByScope") },
];

describe("policy rules on failing fixtures", () => {
  beforeAll(async () => {
    dev = (await stackGraph("dev")).resources;
    prod = (await stackGraph("prod")).resources;
  });

  for (const c of CASES) {
    it(`${c.policy} fires: ${c.title} (${c.env})`, async () => {
      const found = (await violations(c.resources(), c.env)).filter((v) => v.policy === c.policy);
      assert.ok(found.some((v) => c.fires.test(v.message)), `expected ${c.fires}; got ${JSON.stringify(found.map((v) => v.message))}`);
      assert.ok(found.every((v) => v.level === "mandatory"));
    });
  }

  it("every policy has at least one failing fixture", () => {
    const covered = new Set(CASES.map((c) => c.policy));
    assert.deepEqual(platformPolicies.map((p) => p.name).filter((n) => !covered.has(n)), []);
  });

  it("compliant Synapse, Data Factory, Container Apps, Postgres, Key Vault secret and Worker pass every rule in prod", async () => {
    const resources = goodResources();
    const stateful = resources.filter((r) => ["azure-native:synapse:Workspace", "azure-native:dbforpostgresql:Server"].includes(r.type));
    const diagnosable = resources.filter((r) => !["azure-native:keyvault:Secret", "cloudflare:index/workersScript:WorkersScript"].includes(r.type));
    const graph = [
      resourceGroup(),
      ...resources.map((r) => (stateful.includes(r) ? { ...r, protect: true } : r)),
      ...diagnosable.map(diagnosticsFor),
      ...stateful.map((r) => lockFor(r)),
    ];
    const found = await violations(graph.map((r) => ({ ...r, inputs: retag(r.inputs, "prod") })), "prod");
    assert.deepEqual(found, []);
  });

  it("dev exceptions are explicit: what fails in prod passes in dev only through the environment config", async () => {
    const devOnly = [
      mutate(good("azure-native:dbforpostgresql:Server"), "highAvailability.mode", "Disabled"),
      mutate(good("azure-native:app:ManagedEnvironment"), "zoneRedundant", false),
      one(dev, BACKUP),
      one(dev, ACCOUNT),
    ];
    // Resource rules only: the stack rules (diagnostics, durability) need the rest of the graph.
    const stackRules = ["diagnostics-on-supported-resources", "stateful-durability", "role-assignment-scope-in-environment"];
    const inDev = (await violations(devOnly, "dev")).filter((v) => !stackRules.includes(v.policy));
    assert.deepEqual(inDev, []);
    const inProd = new Set((await violations(devOnly, "prod")).map((v) => v.policy));
    for (const policy of ["postgres-prod-resilience", "containerapps-environment-zone-redundant", "backupvault-immutable-soft-delete", "backupvault-prod-geo-redundant", "storage-geo-redundancy"]) {
      assert.ok(inProd.has(policy), `${policy} applies in prod`);
      const described = platformPolicies.find((p) => p.name === policy)!.description;
      assert.match(described, /dev and test exception/, `${policy} explains its dev exception`);
    }
  });

  it("without policy config the strictest (prod) form applies", async () => {
    const found = await runPoliciesOnGraph([one(dev, BACKUP)]);
    assert.ok(found.some((v) => v.policy === "backupvault-prod-geo-redundant"));
  });

  it("a diagnostic setting on a sub-service (blobServices/default) counts for its account", async () => {
    const account = one(dev, ACCOUNT);
    const setting = { ...diagnosticsFor(account), propertyDependencies: {}, inputs: { resourceUri: `${account.id}/blobServices/default`, workspaceId: `${RG_ID}/w` } };
    const found = (await violations([account, setting], "dev")).filter((v) => v.policy === "diagnostics-on-supported-resources");
    assert.deepEqual(found, []);
  });
});

function retag(inputs: Record<string, unknown>, environment: string): Record<string, unknown> {
  const tags = inputs["tags"] as Record<string, string> | undefined;
  return tags ? { ...inputs, tags: { ...tags, environment } } : inputs;
}

export { tracked };
