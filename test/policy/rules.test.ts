import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import { policyConfigFor } from "../../policy/config";
import type { Environment } from "../../contracts/environments";
import { platformPolicies } from "../../policy/policies";
import { runPoliciesOnGraph, type Violation } from "../../policy/run-on-graph";
import { PROJECT_ROOT, stackGraph, type GraphResource } from "../../tools/graph";
import { RG_ID, diagnosticsFor, lockFor, mutate, res, resourceGroup, tracked } from "./fixtures";
import { goodResources } from "./good";
import { T } from "../../contracts/resource-types";

let dev: GraphResource[];
let prod: GraphResource[];
const one = (graph: GraphResource[], type: string) => {
  const found = graph.find((r) => r.type === type);
  assert.ok(found, `the stack graph has a ${type}`);
  return found;
};
const good = (type: string) => goodResources().find((r) => r.type === type)!;

async function violations(resources: GraphResource[], env: Environment): Promise<Violation[]> {
  return runPoliciesOnGraph(resources, { config: policyConfigFor(env) });
}

interface Case {
  policy: string;
  title: string;
  env: Environment;
  resources: () => GraphResource[];
  fires: RegExp;
  /** The fixture also breaks another check of the same rule (by default every violation of the rule must match `fires`). */
  several?: true;
}

const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

/** Failing fixtures, one per check of each rule (the guard test below counts them): a real resource from a stack graph with one setting broken, or a hand-made one. */
const CASES: Case[] = [
  { policy: "keyvault-rbac-authorization", title: "access policies instead of RBAC", env: "dev", fires: /enableRbacAuthorization/, resources: () => [mutate(one(dev, T.vault), "properties.enableRbacAuthorization", false)] },
  { policy: "keyvault-recoverable", title: "purge protection off", env: "dev", fires: /purge protection/, resources: () => [mutate(one(dev, T.vault), "properties.enablePurgeProtection", false)] },
  { policy: "keyvault-recoverable", title: "soft delete 7 days", env: "dev", fires: /retention is 7 days/, resources: () => [mutate(one(dev, T.vault), "properties.softDeleteRetentionInDays", 7)] },
  { policy: "keyvault-network-isolation", title: "SDK default publicNetworkAccess=enabled", env: "dev", fires: /publicNetworkAccess is "enabled"/, resources: () => [mutate(one(dev, T.vault), "properties.publicNetworkAccess", "enabled")] },
  { policy: "keyvault-network-isolation", title: "firewall Allow", env: "dev", fires: /defaultAction is not Deny/, resources: () => [mutate(one(dev, T.vault), "properties.networkAcls.defaultAction", "Allow")] },
  { policy: "keyvault-secret-expiry", title: "no expiry", env: "dev", fires: /no expiry/, resources: () => [mutate(good("azure-native:keyvault:Secret"), "properties.attributes", undefined)] },
  { policy: "keyvault-key-rotation", title: "no rotate action", env: "dev", fires: /rotate action/, resources: () => [mutate(one(dev, "azure-native:keyvault:Key"), "properties.rotationPolicy", undefined)] },
  { policy: "storage-secure-transport", title: "TLS 1.0", env: "dev", fires: /minimumTlsVersion/, resources: () => [mutate(one(dev, T.storageAccount), "minimumTlsVersion", "TLS1_0")] },
  { policy: "storage-secure-transport", title: "http allowed", env: "dev", fires: /enableHttpsTrafficOnly/, resources: () => [mutate(one(dev, T.storageAccount), "enableHttpsTrafficOnly", false)] },
  { policy: "storage-no-shared-key", title: "shared key allowed", env: "dev", fires: /allowSharedKeyAccess/, resources: () => [mutate(one(dev, T.storageAccount), "allowSharedKeyAccess", true)] },
  { policy: "storage-no-public-access", title: "anonymous blob access", env: "dev", fires: /allowBlobPublicAccess/, resources: () => [mutate(one(dev, T.storageAccount), "allowBlobPublicAccess", true)] },
  { policy: "storage-no-public-access", title: "firewall Allow", env: "dev", fires: /defaultAction is not Deny/, resources: () => [mutate(one(dev, T.storageAccount), "networkRuleSet.defaultAction", "Allow")] },
  { policy: "storage-no-public-access", title: "public container", env: "dev", fires: /container publicAccess/, resources: () => [mutate(one(dev, "azure-native:storage:BlobContainer"), "publicAccess", "Blob")] },
  { policy: "storage-lake-hierarchical-namespace", title: "lake without HNS", env: "dev", fires: /hierarchical namespace/, resources: () => [mutate(one(dev, T.storageAccount), "isHnsEnabled", false)] },
  { policy: "storage-geo-redundancy", title: "LRS in prod", env: "prod", fires: /not geo-redundant/, resources: () => [mutate(one(prod, T.storageAccount), "sku.name", "Standard_LRS")] },
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
  { policy: "backupvault-immutable-soft-delete", title: "immutability disabled in dev", env: "dev", fires: /immutability is "Disabled"/, resources: () => [mutate(one(dev, T.backupVault), "properties.securitySettings.immutabilitySettings.state", "Disabled")] },
  { policy: "backupvault-immutable-soft-delete", title: "dev settings in prod", env: "prod", fires: /Locked required in prod/, resources: () => [one(dev, T.backupVault)], several: true },
  { policy: "backupvault-prod-geo-redundant", title: "LocallyRedundant in prod", env: "prod", fires: /not GeoRedundant/, resources: () => [one(dev, T.backupVault)], several: true },
  { policy: "loganalytics-no-local-auth", title: "local auth on", env: "dev", fires: /disableLocalAuth/, resources: () => [mutate(one(dev, T.logAnalytics), "features.disableLocalAuth", false)] },
  { policy: "loganalytics-retention", title: "7 days", env: "dev", fires: /retentionInDays is 7/, resources: () => [mutate(one(dev, T.logAnalytics), "retentionInDays", 7)] },
  { policy: "no-public-network-access", title: "unintended public endpoint", env: "dev", fires: /publicNetworkAccess is Enabled/, resources: () => [mutate(one(dev, T.storageAccount), "publicNetworkAccess", "Enabled")] },
  { policy: "no-public-network-access", title: "Synapse allow-all firewall rule", env: "dev", fires: /0\.0\.0\.0-255\.255\.255\.255 admits more than a \/8/, resources: () => [res("azure-native:synapse:IpFirewallRule", "all", { resourceGroupName: "rg", workspaceName: "w", startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" })] },
  { policy: "no-public-network-access", title: "Synapse firewall rule all but 0.0.0.0", env: "dev", fires: /0\.0\.0\.1-255\.255\.255\.255 admits more than a \/8/, resources: () => [res("azure-native:synapse:IpFirewallRule", "almost", { resourceGroupName: "rg", workspaceName: "w", startIpAddress: "0.0.0.1", endIpAddress: "255.255.255.255" })] },
  { policy: "no-public-network-access", title: "Synapse firewall rule one address more than a /8", env: "dev", fires: /10\.0\.0\.0-11\.0\.0\.0 admits more than a \/8/, resources: () => [res("azure-native:synapse:IpFirewallRule", "wide", { resourceGroupName: "rg", workspaceName: "w", startIpAddress: "10.0.0.0", endIpAddress: "11.0.0.0" })] },
  { policy: "required-tags", title: "tags dropped", env: "dev", fires: /missing required tags: .*cost-center/, resources: () => [mutate(one(dev, T.logAnalytics), "tags.cost-center", undefined)] },
  { policy: "required-tags", title: "prod tag in dev config", env: "dev", fires: /environment tag is "prod"/, resources: () => [one(prod, T.logAnalytics)] },
  { policy: "role-assignment-catalogue-only", title: "Owner", env: "dev", fires: /not in the role catalogue/, resources: () => [mutate(one(dev, T.roleAssignment), "roleDefinitionId", `/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`)] },
  { policy: "role-assignment-no-broad-scope", title: "Contributor at subscription", env: "dev", fires: /privileged role .* broad scope/, resources: () => [res(T.roleAssignment, "sub-contrib", { scope: "/subscriptions/00000000-0000-4000-8000-00000000c0de", principalId: "p", principalType: "ServicePrincipal", roleDefinitionId: "/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c" })] },
  { policy: "role-assignment-scope-in-environment", title: "scope in another resource group", env: "dev", fires: /outside the environment/, resources: () => [resourceGroup(), mutate(one(dev, T.roleAssignment), "scope", "/subscriptions/x/resourceGroups/rg-someone-else/providers/Microsoft.Storage/storageAccounts/other")] },
  { policy: "secrets-never-plaintext", title: "plaintext Key Vault secret", env: "dev", fires: /Key Vault secret value .* plaintext/, resources: () => [{ ...good("azure-native:keyvault:Secret"), secretPaths: [] }] },
  { policy: "secrets-never-plaintext", title: "plaintext container app secret", env: "dev", fires: /container app secret db .* plaintext/, resources: () => [mutate(good("azure-native:app:ContainerApp"), "configuration.secrets", [{ name: "db", value: "postgres://u:p@h/db" }])] },
  { policy: "secrets-never-plaintext", title: "credential env var as plain value", env: "dev", fires: /PREFECT_API_AUTH_STRING is a plain value/, resources: () => [mutate(good("azure-native:app:ContainerApp"), "template.containers", [{ name: "worker", image: "i", env: [{ name: "PREFECT_API_AUTH_STRING", value: "admin:pw" }] }])] },
  { policy: "secrets-never-plaintext", title: "Worker secret_text not a Pulumi secret", env: "dev", fires: /Worker secret AZURE_CLIENT_SECRET .* plaintext/, resources: () => [{ ...good("cloudflare:index/workersScript:WorkersScript"), secretPaths: [] }] },
  { policy: "secrets-never-plaintext", title: "credential as plain_text binding", env: "dev", fires: /plain_text/, resources: () => [mutate(good("cloudflare:index/workersScript:WorkersScript"), "bindings", [{ name: "UPSTREAM_PASSWORD", type: "plain_text", text: "pw" }])] },
  { policy: "secrets-never-plaintext", title: "plaintext password input", env: "dev", fires: /sqlAdministratorLoginPassword\) is plaintext/, resources: () => [mutate(good("azure-native:synapse:Workspace"), "sqlAdministratorLoginPassword", "P@ss")] },
  { policy: "diagnostics-on-supported-resources", title: "vault without diagnostic setting", env: "dev", fires: /Vault .* no diagnostic setting/, resources: () => dev.filter((r) => !(r.type === "azure-native:monitor:DiagnosticSetting" && r.propertyDependencies["resourceUri"]?.includes(one(dev, T.vault).urn))) },
  { policy: "stateful-durability", title: "unprotected vault", env: "dev", fires: /Vault .* is not protected/, resources: () => dev.map((r) => (r.type === T.vault ? { ...r, protect: false } : r)) },
  { policy: "stateful-durability", title: "no lock in prod", env: "prod", fires: /no CanNotDelete lock in prod/, resources: () => prod.filter((r) => r.type !== "azure-native:authorization:ManagementLockByScope") },

  // One failing fixture per CHECK of a multi-check rule, each breaking only that check of an otherwise compliant resource.
  { policy: "keyvault-rbac-authorization", title: "RBAC on but access policies present", env: "dev", fires: /vault has access policies/, resources: () => [mutate(one(dev, T.vault), "properties.accessPolicies", [{ tenantId: "t", objectId: "o", permissions: { secrets: ["get"] } }])] },
  { policy: "keyvault-recoverable", title: "soft delete off", env: "dev", fires: /soft delete is disabled/, resources: () => [mutate(one(dev, T.vault), "properties.enableSoftDelete", false)] },
  { policy: "keyvault-recoverable", title: "retention unset", env: "dev", fires: /retention is undefined days/, resources: () => [mutate(one(dev, T.vault), "properties.softDeleteRetentionInDays", undefined)] },
  { policy: "keyvault-secret-expiry", title: "no content type", env: "dev", fires: /no content type/, resources: () => [mutate(good("azure-native:keyvault:Secret"), "properties.contentType", undefined)] },
  { policy: "storage-no-public-access", title: "public network access on", env: "dev", fires: /^publicNetworkAccess is "Enabled"; must be Disabled/, resources: () => [mutate(one(dev, T.storageAccount), "publicNetworkAccess", "Enabled")] },
  { policy: "storage-lake-hierarchical-namespace", title: "lake of kind BlobStorage", env: "dev", fires: /kind is "BlobStorage"; must be StorageV2/, resources: () => [mutate(one(dev, T.storageAccount), "kind", "BlobStorage")] },
  { policy: "synapse-entra-only", title: "SQL authentication allowed", env: "dev", fires: /azureADOnlyAuthentication is not true/, resources: () => [mutate(good("azure-native:synapse:Workspace"), "azureADOnlyAuthentication", false)] },
  { policy: "containerapp-internal-ingress", title: "insecure HTTP allowed", env: "dev", fires: /allows insecure HTTP/, resources: () => [mutate(good("azure-native:app:ContainerApp"), "configuration.ingress.allowInsecure", true)] },
  { policy: "containerapps-environment-internal", title: "not VNet-injected", env: "dev", fires: /not VNet-injected/, resources: () => [mutate(good("azure-native:app:ManagedEnvironment"), "vnetConfiguration.infrastructureSubnetId", undefined)] },
  { policy: "containerapps-environment-internal", title: "public network access on", env: "dev", fires: /^publicNetworkAccess is Enabled$/, resources: () => [mutate(good("azure-native:app:ManagedEnvironment"), "publicNetworkAccess", "Enabled")] },
  { policy: "postgres-entra-auth", title: "Entra auth off", env: "dev", fires: /Entra ID authentication is not enabled/, resources: () => [mutate(good("azure-native:dbforpostgresql:Server"), "authConfig.activeDirectoryAuth", "Disabled")] },
  { policy: "postgres-entra-auth", title: "administrator password set", env: "dev", fires: /an administrator password is set/, resources: () => [mutate(good("azure-native:dbforpostgresql:Server"), "administratorLoginPassword", "P@ss")] },
  { policy: "backupvault-immutable-soft-delete", title: "soft delete off in dev", env: "dev", fires: /soft delete is "Off"; On or AlwaysOn required in dev/, resources: () => [mutate(one(dev, T.backupVault), "properties.securitySettings.softDeleteSettings.state", "Off")] },
  { policy: "backupvault-immutable-soft-delete", title: "soft delete On (not AlwaysOn) in prod", env: "prod", fires: /soft delete is "On"; AlwaysOn required in prod/, resources: () => [mutate(one(prod, T.backupVault), "properties.securitySettings.softDeleteSettings.state", "On")] },
  { policy: "backupvault-immutable-soft-delete", title: "immutability Unlocked in prod", env: "prod", fires: /immutability is "Unlocked"; Locked required in prod/, resources: () => [mutate(one(prod, T.backupVault), "properties.securitySettings.immutabilitySettings.state", "Unlocked")] },
  { policy: "backupvault-prod-geo-redundant", title: "no cross-region restore in prod", env: "prod", fires: /no cross-region restore/, resources: () => [mutate(one(prod, T.backupVault), "properties.featureSettings.crossRegionRestoreSettings.state", "Disabled")] },
  { policy: "backupvault-prod-geo-redundant", title: "one LocallyRedundant store in prod", env: "prod", fires: /not GeoRedundant/, resources: () => [mutate(one(prod, T.backupVault), "properties.storageSettings", [{ datastoreType: "VaultStore", type: "GeoRedundant" }, { datastoreType: "VaultStore", type: "LocallyRedundant" }])] },
  { policy: "no-public-network-access", title: "Key Vault IP rule 0.0.0.0/0", env: "dev", fires: /properties\.networkAcls\.ipRules opens the resource to the internet/, resources: () => [mutate(one(dev, T.vault), "properties.networkAcls.ipRules", [{ value: "0.0.0.0/0" }])] },
  { policy: "no-public-network-access", title: "Key Vault IP rule 0.0.0.0/1 (half the internet)", env: "dev", fires: /properties\.networkAcls\.ipRules opens the resource to the internet/, resources: () => [mutate(one(dev, T.vault), "properties.networkAcls.ipRules", [{ value: "0.0.0.0/1" }])] },
  { policy: "no-public-network-access", title: "storage IP rule *", env: "dev", fires: /networkRuleSet\.ipRules opens the resource to the internet/, resources: () => [mutate(one(dev, T.storageAccount), "networkRuleSet.ipRules", [{ iPAddressOrRange: "*", action: "Allow" }])] },
  { policy: "no-public-network-access", title: "NSG inbound allow from Internet", env: "dev", fires: /NSG rule open-https allows inbound from the internet/, resources: () => [mutate(one(dev, "azure-native:network:NetworkSecurityGroup"), "securityRules", [{ name: "open-https", direction: "Inbound", access: "Allow", sourceAddressPrefix: "Internet", destinationPortRange: "443", protocol: "Tcp", priority: 100 }])] },
  { policy: "no-public-network-access", title: "Postgres network.publicNetworkAccess", env: "dev", fires: /^network\.publicNetworkAccess is Enabled/, resources: () => [mutate(good("azure-native:dbforpostgresql:Server"), "network.publicNetworkAccess", "Enabled")] },
  { policy: "role-assignment-catalogue-only", title: "catalogue GUID as the name of a non-role resource", env: "dev", fires: /^roleDefinitionId ".*\/Microsoft\.Storage\/storageAccounts\/acdd72a7-.*" is not a Microsoft\.Authorization\/roleDefinitions resource ID$/, resources: () => [mutate(one(dev, T.roleAssignment), "roleDefinitionId", `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${READER}`)] },
  { policy: "role-assignment-catalogue-only", title: "bare catalogue GUID", env: "dev", fires: /^roleDefinitionId "acdd72a7-3385-48ef-bd42-f606fba81ae7" is not a Microsoft\.Authorization\/roleDefinitions resource ID$/, resources: () => [mutate(one(dev, T.roleAssignment), "roleDefinitionId", READER)] },
  { policy: "role-assignment-no-broad-scope", title: "catalogue role at management group scope", env: "dev", fires: /^role .* assigned at broad scope \/providers\/Microsoft\.Management/, resources: () => [mutate(one(dev, T.roleAssignment), "scope", "/providers/Microsoft.Management/managementGroups/contoso")] },
  { policy: "secrets-never-plaintext", title: "Key Vault reference without identity", env: "dev", fires: /references Key Vault without an identity/, resources: () => [mutate(good("azure-native:app:ContainerApp"), "configuration.secrets", [{ name: "auth", keyVaultUrl: "https://kv-dp-dev.vault.azure.net/secrets/prefect-auth" }])] },
  { policy: "deploy-rights-preview", title: "classic Synapse role assignment on a private workspace", env: "dev", fires: /calls \{workspaceName\}\.dev\.azuresynapse\.net on every refresh, but .* publicNetworkAccess Disabled/, resources: () => { const ws = one(dev, T.synapseWorkspace); return [ws, res("azure:synapse/roleAssignment:RoleAssignment", "classic-ra", { principalId: "p", roleName: "Synapse Administrator", synapseWorkspaceId: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/${String(ws.inputs["workspaceName"])}` })]; } },
  { policy: "deploy-rights-preview", title: "Owner assigned by deploy", env: "dev", fires: /role 8e3af657-.* outside what the deploy identity's condition/, resources: () => [mutate(one(dev, T.roleAssignment), "roleDefinitionId", `/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`)] },
  { policy: "deploy-rights-preview", title: "type without a rights entry", env: "dev", fires: /azure-native:compute:VirtualMachine vm has no entry in contracts\/deploy-rights/, resources: () => [res("azure-native:compute:VirtualMachine", "vm", { resourceGroupName: "rg" })] },
  { policy: "tunnel-hostname-behind-gateway-or-access", title: "proxied CNAME to the tunnel without Access (the pre-Workers-VPC wiring)", env: "dev", fires: /^data-dev-synapse\.contoso\.com \(DNS record synapse-dns\) reaches a tunnel with neither the gateway Worker nor Cloudflare Access in front$/, resources: () => [...dev, res("cloudflare:index/dnsRecord:DnsRecord", "synapse-dns", { zoneId: "z", name: "data-dev-synapse.contoso.com", type: "CNAME", content: "6f1c0b5e-0000-4000-8000-000000000001.cfargotunnel.com", proxied: true, ttl: 1 })] },
  { policy: "stateful-durability", title: "unprotected resource group", env: "dev", fires: /resource group .* holds stateful resources but is not protected/, resources: () => [
    // The platform reads its group (bootstrap's); a stack that managed one unprotected beside stateful resources fires.
    ...dev,
    { ...dev[0]!, urn: "urn:pulumi:dev::dataplatform::azure-native:resources:ResourceGroup::extra-rg", type: "azure-native:resources:ResourceGroup", name: "extra-rg", custom: true, protect: false, inputs: { resourceGroupName: "rg-extra", location: "westeurope" }, outputs: {}, propertyDependencies: {}, dependsOn: [] },
  ] },
];

interface ReportTemplate {
  /** The message as an anchored regex: its literal text, every `${…}` a wildcard. */
  pattern: RegExp;
  /** Literal characters: where a message fits two templates, the more specific (longer) one is its site. */
  literal: number;
}

/**
 * The message templates of the `report(` sites per rule in policy/rules/*.ts. Each report site is one check. A site
 * inside a rule definition belongs to that rule; one inside a top-level helper function to every rule of the file
 * that calls the helper.
 */
function reportTemplatesPerRule(): Map<string, ReportTemplate[]> {
  const templates = new Map<string, ReportTemplate[]>();
  const dir = join(PROJECT_ROOT, "policy", "rules");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const blocks = readFileSync(join(dir, file), "utf8").split(/^(?=(?:export )?(?:const|function) )/m);
    const rules = blocks.flatMap((block) => {
      const name = /^export const \w+ = (?:resourceRule|stackRule)\(\{\s*name: "([^"]+)"/.exec(block)?.[1];
      return name ? [{ name, block }] : [];
    });
    for (const block of blocks) {
      const sites = [...block.matchAll(/\breport\(/g)].map((m) => messageTemplate(block, m.index + m[0].length, file));
      if (sites.length === 0) continue;
      const helper = /^function (\w+)/.exec(block)?.[1];
      const owners = helper ? rules.filter((r) => r.block.includes(`${helper}(`)) : rules.filter((r) => r.block === block);
      assert.ok(owners.length > 0, `${file}: report( sites in ${helper ?? "a block"} belong to no rule`);
      for (const { name } of owners) {
        const known = templates.get(name) ?? [];
        templates.set(name, [...known, ...sites.filter((t) => !known.some((k) => k.pattern.source === t.pattern.source))]);
      }
    }
    for (const { name } of rules) if (!templates.has(name)) templates.set(name, []);
  }
  return templates;
}

/** The message argument starting at `at` (a "string" or a `template`). */
function messageTemplate(source: string, at: number, where: string): ReportTemplate {
  const quote = source[at];
  const literal: string[] = [];
  let text = "";
  let i = at + 1;
  for (; i < source.length && source[i] !== quote; i++) {
    if (source[i] === "\\") text += source[++i];
    else if (quote === "`" && source.startsWith("${", i)) {
      literal.push(text);
      text = "";
      let depth = 1;
      for (i += 2; depth > 0; i++) depth += source[i] === "{" ? 1 : source[i] === "}" ? -1 : 0;
      i--;
    } else text += source[i];
  }
  assert.ok((quote === '"' || quote === "`") && i < source.length, `${where}: report( takes a literal message (a "string" or a \`template\`)`);
  literal.push(text);
  const pattern = new RegExp(`^${literal.map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("[\\s\\S]*?")}$`);
  return { pattern, literal: literal.join("").length };
}

/** The template a message came from: the most specific one it fits (none, or several equally specific, are errors). */
function siteOf(message: string, templates: ReportTemplate[]): string[] {
  const fits = templates.filter((t) => t.pattern.test(message));
  const best = Math.max(...fits.map((t) => t.literal));
  return fits.filter((t) => t.literal === best).map((t) => t.pattern.source);
}

describe("policy rules on failing fixtures", () => {
  beforeAll(async () => {
    dev = (await stackGraph("dev")).resources;
    prod = (await stackGraph("prod")).resources;
  });

  for (const c of CASES) {
    it(`${c.policy} fires: ${c.title} (${c.env})`, async () => {
      const found = (await violations(c.resources(), c.env)).filter((v) => v.policy === c.policy);
      assert.ok(found.some((v) => c.fires.test(v.message)), `expected ${c.fires}; got ${JSON.stringify(found.map((v) => v.message))}`);
      // Mandatory, except a rule declared advisory (deploy-rights-preview until bootstrap owns CI's grants): its own level.
      const level = platformPolicies.find((p) => p.name === c.policy)!.enforcementLevel;
      assert.ok(found.every((v) => v.level === level));
      if (!c.several) assert.ok(found.every((v) => c.fires.test(v.message)), `only the broken check fires; got ${JSON.stringify(found.map((v) => v.message))}`);
    });
  }

  it("every check of a multi-check rule has its own failing fixture: each fixture's `fires` names one report site, every site is named", async () => {
    const templates = reportTemplatesPerRule();
    assert.deepEqual([...templates.keys()].sort(), platformPolicies.map((p) => p.name).sort(), "every rule found in policy/rules/*.ts");
    const problems: string[] = [];
    const covered = new Map<string, Set<string>>();
    for (const c of CASES) {
      const messages = (await violations(c.resources(), c.env)).filter((v) => v.policy === c.policy && c.fires.test(v.message)).map((v) => v.message);
      const sites = new Set(messages.flatMap((m) => siteOf(m, templates.get(c.policy)!)));
      if (sites.size !== 1) problems.push(`${c.policy} / ${c.title}: ${JSON.stringify(messages)} match ${sites.size} report templates`);
      for (const site of sites) covered.set(c.policy, (covered.get(c.policy) ?? new Set()).add(site));
    }
    for (const [policy, sites] of templates) {
      if (sites.length < 2) continue;
      for (const { pattern } of sites) if (!covered.get(policy)?.has(pattern.source)) problems.push(`${policy}: no fixture for the check reporting ${pattern}`);
    }
    assert.deepEqual(problems, []);
  });

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
      one(dev, T.backupVault),
      one(dev, T.storageAccount),
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
    const found = await runPoliciesOnGraph([one(dev, T.backupVault)]);
    assert.ok(found.some((v) => v.policy === "backupvault-prod-geo-redundant"));
  });

  it("a firewall or IP rule spanning exactly a /8 is not 'the whole internet' (the threshold is more than a /8)", async () => {
    const resources = [
      res("azure-native:synapse:IpFirewallRule", "slash8", { resourceGroupName: "rg", workspaceName: "w", startIpAddress: "10.0.0.0", endIpAddress: "10.255.255.255" }),
      mutate(one(dev, T.vault), "properties.networkAcls.ipRules", [{ value: "10.0.0.0/8" }]),
    ];
    const found = (await violations(resources, "dev")).filter((v) => v.policy === "no-public-network-access");
    assert.deepEqual(found, []);
  });

  it("a diagnostic setting on a sub-service (blobServices/default) counts for its account", async () => {
    const account = one(dev, T.storageAccount);
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
