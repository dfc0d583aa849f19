import * as azure from "@pulumi/azure-native";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { Naming } from "../components/naming";
import { CI_CUSTOM_ROLES, CI_SECRETS_KEYS, CI_STATE_CONTAINERS, type CiCustomRoleName } from "../contracts/ci-access";
import type { Environment } from "../contracts/environments";
import { MICROSOFT_GRAPH_APP_ID } from "../contracts/microsoft-graph";
import { regionShortCode } from "../stacks/config/regions";
import { resolveBootstrapConfig } from "./config";
import { CiEnvironment, environmentScope, type EnvironmentScope, stableGuid } from "./environment";

/**
 * Bootstrap, run by an admin with their own credentials (local state: `pulumi login --local` or a file backend), before
 * any platform stack exists and whenever an environment is added. It owns everything the CI identities are made of
 * (docs/identity-and-access.md "Bootstrap"), so that no platform `pulumi up` can lock CI out:
 *
 * 1. the Pulumi state backend: a storage account (Entra-only, no shared key, TLS 1.2, no public blobs, versioning,
 *    soft delete for blobs and containers, change feed) with one container per environment;
 * 2. the secrets-provider keys, one per environment, in an RBAC-only Key Vault;
 * 3. per environment (config `environments`): its resource group, the plan-<env> and deploy-<env> Entra applications
 *    with owners, service principals, GitHub federated credentials and Microsoft Graph grants, and their ARM grants
 *    as contracts/ci-access.ts lists them (deploy: Contributor, conditioned RBAC administrator and the lock-writer
 *    role on the group; each identity only its own environment's container and key).
 */
const settings = (() => {
  try {
    return resolveBootstrapConfig(pulumi.runtime.allConfig());
  } catch (error) {
    // RunError prints the message alone: it names every bad key, before anything is created.
    throw new pulumi.RunError(error instanceof Error ? error.message : String(error));
  }
})();
const { location, tenantId, allowedIpRanges } = settings;

const naming = new Naming({ workload: "dataplatform", workloadShort: "dp", environment: "boot", location, locationCode: regionShortCode(location) });

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
    sku: { name: settings.stateRedundancy },
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

/** One container per environment: each CI identity is granted its own environment's container only. */
function stateContainer(env: Environment): azure.storage.BlobContainer {
  return new azure.storage.BlobContainer(
    `bootstrap-state-${env}`,
    { accountName: account.name, resourceGroupName: group.name, containerName: CI_STATE_CONTAINERS[env], publicAccess: "None" },
    { protect: true },
  );
}

/**
 * The key that wraps one environment's stack data key (`secretsprovider:` in Pulumi.<env>.yaml). One key per
 * environment, so plan-dev cannot decrypt prod's state. No automatic rotation: Pulumi's Key Vault keeper unwraps with
 * the version its URL names and, without one, with the LATEST version (google/go-cloud secrets/azurekeyvault/akv.go:
 * "The /{key-version} suffix is optional; it defaults to the latest version", Decrypt passes k.keyVersion), so an
 * automatic new version would make every versionless stack undecryptable. Rotation is the admin's
 * (docs/identity-and-access.md "Bootstrap": pin the version, rotate, `pulumi stack change-secrets-provider`). Expiry
 * only stops new wraps; unwrap keeps working. Key Vault notifies 30 days before.
 */
function secretsKey(env: Environment): azure.keyvault.Key {
  return new azure.keyvault.Key(
    `bootstrap-secrets-key-${env}`,
    {
      resourceGroupName: group.name,
      vaultName: vault.name,
      keyName: CI_SECRETS_KEYS[env],
      properties: {
        kty: "RSA",
        keySize: 4096,
        keyOps: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
        attributes: { enabled: true, exportable: false },
        rotationPolicy: {
          attributes: { expiryTime: "P2Y" },
          lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } }],
        },
      },
    },
    // retainOnDelete: azure-native deletes keys through the vault's data plane (custom_keyvault.go), a right not even
    // Owner holds (no DataActions); and a stack's wrapping key must outlive its removal from this program anyway.
    { protect: true, retainOnDelete: true, ignoreChanges: ["properties.attributes"] },
  );
}

const scopes = new Map<Environment, EnvironmentScope>();
for (const env of settings.environments) {
  scopes.set(env.name, environmentScope(`bootstrap-${env.name}`, env, { environment: env.name, project: "dataplatform", "managed-by": "pulumi-bootstrap" }));
}

/**
 * The custom roles (D4: "dataplatform lock writer"), defined once for every environment: role names are unique in the
 * tenant, and a custom role is usable wherever its assignableScopes reach, across subscriptions
 * (https://learn.microsoft.com/azure/role-based-access-control/custom-roles#custom-role-properties). It is stored at
 * the first environment's subscription; its ID is derived from the role name, so every environment names it alike.
 */
const firstEnvironment = settings.environments[0]!;
const customRoleIds = {} as Record<CiCustomRoleName, pulumi.Output<string>>;
for (const [roleName, role] of Object.entries(CI_CUSTOM_ROLES) as [CiCustomRoleName, (typeof CI_CUSTOM_ROLES)[CiCustomRoleName]][]) {
  const definition = new azure.authorization.RoleDefinition(`bootstrap-role-${roleName.replace(/ /g, "-")}`, {
    scope: `/subscriptions/${firstEnvironment.subscriptionId}`,
    roleDefinitionId: stableGuid(`${tenantId}/${roleName}`),
    roleName,
    description: role.description,
    roleType: "CustomRole",
    permissions: [{ actions: [...role.actions], notActions: [] }],
    assignableScopes: [...scopes.values()].map((s) => s.resourceGroup.id),
  });
  customRoleIds[roleName] = definition.name;
}

// Admin-side lookup of Microsoft Graph's service principal: the resource of the CI identities' Graph grants.
const graph = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID });

interface EnvironmentOutputs {
  resourceGroupId: pulumi.Output<string>;
  resourceGroupName: pulumi.Output<string>;
  deployClientId: pulumi.Output<string>;
  planClientId: pulumi.Output<string>;
  /** For Pulumi.<env>.yaml `dataplatform:ci` (the gateway app's owner and the policy's expected principals). */
  deployPrincipalId: pulumi.Output<string>;
  planPrincipalId: pulumi.Output<string>;
  stateBackendUrl: pulumi.Output<string>;
  secretsProvider: pulumi.Output<string>;
}

const outputs: Record<string, EnvironmentOutputs> = {};
for (const env of settings.environments) {
  const container = stateContainer(env.name);
  const key = secretsKey(env.name);
  const ci = new CiEnvironment(`bootstrap-${env.name}`, {
    env,
    scope: scopes.get(env.name)!,
    githubRepository: settings.githubRepository,
    owners: settings.owners,
    graphServicePrincipalId: graph.objectId,
    stateContainerId: container.id,
    secretsKeyId: key.id,
    customRoleIds,
  });
  outputs[env.name] = {
    resourceGroupId: ci.resourceGroup.id,
    resourceGroupName: ci.resourceGroup.name,
    deployClientId: ci.apps.deploy.application.clientId,
    planClientId: ci.apps.plan.application.clientId,
    deployPrincipalId: ci.apps.deploy.servicePrincipal.objectId,
    planPrincipalId: ci.apps.plan.servicePrincipal.objectId,
    stateBackendUrl: pulumi.interpolate`azblob://${container.name}?storage_account=${account.name}`,
    secretsProvider: pulumi.interpolate`azurekeyvault://${vault.name}.vault.azure.net/keys/${key.name}`,
  };
}

export const environments = outputs;
export const notices =
  allowedIpRanges.length > 0 ? [] : ["allowedIpRanges empty: the secrets-provider key vault's data plane is public (Entra RBAC only)"];
