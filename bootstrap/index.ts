import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { Naming } from "../components/naming";
import { ROLE_CATALOGUE, type RoleName } from "../contracts/roles";
import { regionShortCode } from "../stacks/config/regions";

/**
 * Bootstrap, run once per organisation by an admin with their own credentials (local state: `pulumi login --local`
 * or a file backend), before any platform stack exists:
 *
 * 1. the Pulumi state backend: a storage account (Entra-only, no shared key, TLS 1.2, no public blobs, versioning,
 *    soft delete for blobs and containers, change feed) and a container, for `pulumi login azblob://…`;
 * 2. the secrets-provider key in an RBAC-only Key Vault, for `--secrets-provider azurekeyvault://…`;
 * 3. a narrow custom role (resource groups read/write only) assignable at subscription scope, so the deploy
 *    identities never need Contributor on the subscription to own their environment's resource group;
 * 4. phase 2, once the platform's first `up` created them: the CI identities' rights on the state container, the key
 *    and the custom role (config `ciPrincipals`).
 */
const config = new pulumi.Config();
const location = config.require("location");
const tenantId = config.require("tenantId");
const stateRedundancy = config.get("stateRedundancy") ?? "Standard_GZRS";
/** CIDR ranges allowed to reach the key vault's data plane; empty = public endpoint, Entra RBAC only (see notices). */
const allowedIpRanges = config.getObject<string[]>("allowedIpRanges") ?? [];
const ciPrincipals = config.getObject<Record<string, { deploy: string; plan: string }>>("ciPrincipals") ?? {};

const naming = new Naming({ workload: "dataplatform", workloadShort: "dp", environment: "boot", location, locationCode: regionShortCode(location as never) });
const client = azure.authorization.getClientConfigOutput();
const subscriptionScope = pulumi.interpolate`/subscriptions/${client.subscriptionId}`;

const group = new azure.resources.ResourceGroup(
  "bootstrap-rg",
  { resourceGroupName: naming.name("resourceGroup", "bootstrap"), location },
  { protect: true },
);

const account = new azure.storage.StorageAccount(
  "bootstrap-state",
  {
    accountName: naming.name("storageAccount", "state"),
    resourceGroupName: group.name,
    location,
    kind: "StorageV2",
    sku: { name: stateRedundancy },
    accessTier: "Hot",
    allowSharedKeyAccess: false,
    defaultToOAuthAuthentication: true,
    allowBlobPublicAccess: false,
    allowCrossTenantReplication: false,
    minimumTlsVersion: "TLS1_2",
    enableHttpsTrafficOnly: true,
    // CI runners (GitHub-hosted) have no fixed addresses: the endpoint is public, access is Entra RBAC only.
    publicNetworkAccess: "Enabled",
    networkRuleSet: { defaultAction: "Allow", bypass: "AzureServices" },
  },
  { protect: true },
);

new azure.storage.BlobServiceProperties(
  "bootstrap-state-blob-service",
  {
    accountName: account.name,
    resourceGroupName: group.name,
    blobServicesName: "default",
    isVersioningEnabled: true,
    changeFeed: { enabled: true, retentionInDays: 90 },
    deleteRetentionPolicy: { enabled: true, days: 30 },
    containerDeleteRetentionPolicy: { enabled: true, days: 30 },
  },
  { protect: true },
);

const container = new azure.storage.BlobContainer(
  "bootstrap-state-container",
  { accountName: account.name, resourceGroupName: group.name, containerName: "pulumi-state", publicAccess: "None" },
  { protect: true },
);

const vault = new azure.keyvault.Vault(
  "bootstrap-vault",
  {
    vaultName: naming.name("keyVault"),
    resourceGroupName: group.name,
    location,
    properties: {
      tenantId,
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      publicNetworkAccess: "Enabled",
      networkAcls:
        allowedIpRanges.length > 0
          ? { defaultAction: "Deny", bypass: "AzureServices", ipRules: allowedIpRanges.map((value) => ({ value })) }
          : { defaultAction: "Allow", bypass: "AzureServices" },
    },
  },
  { protect: true },
);

/**
 * The key that wraps each stack's data key. Stacks reference a pinned key version in their secrets-provider URL, so
 * Key Vault's yearly rotation never breaks decryption: after a rotation, run `pulumi stack change-secrets-provider`
 * with the new version's URL to re-wrap (old versions stay enabled for decrypt).
 */
const secretsKey = new azure.keyvault.Key(
  "bootstrap-secrets-key",
  {
    resourceGroupName: group.name,
    vaultName: vault.name,
    keyName: "pulumi-secrets",
    properties: {
      kty: "RSA",
      keySize: 4096,
      keyOps: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
      attributes: { enabled: true, exportable: false },
      rotationPolicy: {
        attributes: { expiryTime: "P2Y" },
        lifetimeActions: [
          { trigger: { timeAfterCreate: "P365D" }, action: { type: "rotate" } },
          { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
        ],
      },
    },
  },
  { protect: true, ignoreChanges: ["properties.attributes"] },
);

/** Create, read and update resource groups (tags) - nothing inside them, no delete. */
const resourceGroupWriter = new azure.authorization.RoleDefinition("bootstrap-rg-writer", {
  scope: subscriptionScope,
  roleName: "dataplatform resource group writer",
  description: "Creates and updates (tags) resource groups; grants nothing inside them. For the platform's deploy identities.",
  roleType: "CustomRole",
  permissions: [{ actions: ["Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Resources/subscriptions/resourceGroups/write"], notActions: [] }],
  assignableScopes: [subscriptionScope],
});

function grant(name: string, scope: pulumi.Input<string>, principalId: string, roleDefinitionId: pulumi.Input<string>, description: string) {
  return new azure.authorization.RoleAssignment(name, { scope, principalId, principalType: "ServicePrincipal", roleDefinitionId, description });
}
const builtIn = (role: RoleName) => pulumi.interpolate`${subscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_CATALOGUE[role]}`;

for (const [env, ids] of Object.entries(ciPrincipals)) {
  grant(`bootstrap-${env}-deploy-state`, container.id, ids.deploy, builtIn("Storage Blob Data Contributor"), `deploy-${env}: reads and writes Pulumi state`);
  // `pulumi preview` reads state and never writes a checkpoint.
  grant(`bootstrap-${env}-plan-state`, container.id, ids.plan, builtIn("Storage Blob Data Reader"), `plan-${env}: reads Pulumi state`);
  grant(`bootstrap-${env}-deploy-key`, secretsKey.id, ids.deploy, builtIn("Key Vault Crypto User"), `deploy-${env}: unwraps the stack's data key`);
  grant(`bootstrap-${env}-plan-key`, secretsKey.id, ids.plan, builtIn("Key Vault Crypto User"), `plan-${env}: unwraps the stack's data key for preview`);
  grant(`bootstrap-${env}-deploy-rg-writer`, subscriptionScope, ids.deploy, resourceGroupWriter.id, `deploy-${env}: creates its resource group`);
}

export const stateBackendUrl = pulumi.interpolate`azblob://${container.name}?storage_account=${account.name}`;
export const secretsProviderKeyUrl = pulumi.interpolate`azurekeyvault://${vault.name}.vault.azure.net/keys/${secretsKey.name}`;
export const resourceGroupWriterRoleId = resourceGroupWriter.id;
export const notices =
  allowedIpRanges.length > 0 ? [] : ["allowedIpRanges empty: the secrets-provider key vault's data plane is public (Entra RBAC only)"];
