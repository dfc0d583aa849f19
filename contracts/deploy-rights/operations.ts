/**
 * Deploy-rights table: for every Pulumi type token in the captured graphs of dev/test/prod and of bootstrap (plus the
 * classic `azure:synapse/roleAssignment:RoleAssignment`), the API each operation calls and the permission it needs.
 * Dated; every entry names where it was read. tools/rights expands ARM entries by ARM's REST convention (create and
 * update = PUT → `<type>/write`, read = GET → `<type>/read`, delete = DELETE → `<type>/delete`:
 * https://learn.microsoft.com/azure/role-based-access-control/resource-provider-operations) and evaluates the rest as
 * written. The API versions are the ones azure-native 3.28.0 calls: "Uses Azure REST API version …" in
 * node_modules/@pulumi/azure-native/<module>/<resource>.d.ts.
 */
import { T } from "../resource-types";
import type { ApiCall, DataPlaneCall, InvokeRights, Operation, TypeRights } from "./types";

export const DEPLOY_RIGHTS_AS_OF = "2026-12-02";

/** An azure-native resource: one ARM resource type, CRUD by ARM convention. */
export interface ArmResourceRights {
  readonly arm: string;
  readonly apiVersion: string;
  /** `resourceType` comes from the generic resource's inputs (azure-native:resources:Resource). Default: false. */
  readonly typeFromInputs?: boolean;
  /** Creating it is checked at the subscription (the resource group does not exist yet). Default: resource scope. */
  readonly createAtSubscription?: boolean;
  /** Linked-access checks beyond the resource's own action, per operation. Default: none. */
  readonly extraActions?: Partial<Record<Operation, readonly string[]>>;
  /** Role assignments the caller writes are checked against its RBAC-administrator condition. Default: false. */
  readonly conditionedAssignment?: boolean;
  /** The provider deletes through a service's data plane instead of ARM (ARM has no DELETE). Default: ARM DELETE. */
  readonly deleteVia?: DataPlaneCall;
  readonly source: string;
}

const AN = "node_modules/@pulumi/azure-native";
const KV_DELETE = "pulumi/pulumi-azure-native provider/pkg/resources/customresources/custom_keyvault.go";
const vaultDataPlaneDelete = (kind: "keys" | "secrets", nameInput: string): DataPlaneCall => ({
  plane: "data-plane",
  method: "DELETE",
  host: "{vaultName}.vault.azure.net",
  path: `/${kind}/{${nameInput}}`,
  target: { input: "vaultName", resourceType: T.vault },
  dataActions: [`Microsoft.KeyVault/vaults/${kind}/delete`],
});
const PE_JOIN = "https://learn.microsoft.com/azure/private-link/rbac-permissions";

export const ARM_RESOURCES: Readonly<Record<string, ArmResourceRights>> = {
  [T.containerApp]: {
    arm: "Microsoft.App/containerApps",
    apiVersion: "2025-02-02-preview",
    // Attaching a user-assigned identity is a linked-access check on the identity.
    extraActions: { create: ["Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"], update: ["Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"] },
    source: `${AN}/app/containerApp.d.ts; https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-manage-user-assigned-managed-identities`,
  },
  [T.managedEnvironment]: { arm: "Microsoft.App/managedEnvironments", apiVersion: "2025-02-02-preview", extraActions: { create: ["Microsoft.Network/virtualNetworks/subnets/join/action"] }, source: `${AN}/app/managedEnvironment.d.ts` },
  "azure-native:app:Job": { arm: "Microsoft.App/jobs", apiVersion: "2025-02-02-preview", extraActions: { create: ["Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"], update: ["Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"] }, source: `${AN}/app/job.d.ts` },
  [T.lockByScope]: { arm: "Microsoft.Authorization/locks", apiVersion: "2020-05-01", source: `${AN}/authorization/managementLockByScope.d.ts; https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources#who-can-create-or-delete-locks` },
  [T.lockAtResourceLevel]: { arm: "Microsoft.Authorization/locks", apiVersion: "2020-05-01", source: `${AN}/authorization/managementLockAtResourceLevel.d.ts` },
  [T.roleAssignment]: { arm: "Microsoft.Authorization/roleAssignments", apiVersion: "2022-04-01", conditionedAssignment: true, source: `${AN}/authorization/roleAssignment.d.ts` },
  "azure-native:authorization:RoleDefinition": { arm: "Microsoft.Authorization/roleDefinitions", apiVersion: "2022-05-01-preview", source: `${AN}/authorization/roleDefinition.d.ts` },
  [T.dataFactory]: { arm: "Microsoft.DataFactory/factories", apiVersion: "2018-06-01", source: `${AN}/datafactory/factory.d.ts` },
  "azure-native:datafactory:IntegrationRuntime": { arm: "Microsoft.DataFactory/factories/integrationruntimes", apiVersion: "2018-06-01", source: `${AN}/datafactory/integrationRuntime.d.ts` },
  "azure-native:datafactory:LinkedService": { arm: "Microsoft.DataFactory/factories/linkedservices", apiVersion: "2018-06-01", source: `${AN}/datafactory/linkedService.d.ts` },
  "azure-native:datafactory:ManagedPrivateEndpoint": { arm: "Microsoft.DataFactory/factories/managedVirtualNetworks/managedPrivateEndpoints", apiVersion: "2018-06-01", source: `${AN}/datafactory/managedPrivateEndpoint.d.ts` },
  [T.backupInstance]: { arm: "Microsoft.DataProtection/backupVaults/backupInstances", apiVersion: "2025-01-01", source: `${AN}/dataprotection/backupInstance.d.ts` },
  [T.backupPolicy]: { arm: "Microsoft.DataProtection/backupVaults/backupPolicies", apiVersion: "2025-01-01", source: `${AN}/dataprotection/backupPolicy.d.ts` },
  [T.backupVault]: { arm: "Microsoft.DataProtection/backupVaults", apiVersion: "2025-01-01", source: `${AN}/dataprotection/backupVault.d.ts` },
  "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": { arm: "Microsoft.DBforPostgreSQL/flexibleServers/administrators", apiVersion: "2025-08-01", source: `${AN}/dbforpostgresql/administratorsMicrosoftEntra.d.ts` },
  "azure-native:dbforpostgresql:Configuration": { arm: "Microsoft.DBforPostgreSQL/flexibleServers/configurations", apiVersion: "2025-08-01", source: `${AN}/dbforpostgresql/configuration.d.ts` },
  "azure-native:dbforpostgresql:Database": { arm: "Microsoft.DBforPostgreSQL/flexibleServers/databases", apiVersion: "2025-08-01", source: `${AN}/dbforpostgresql/database.d.ts` },
  [T.postgres]: { arm: "Microsoft.DBforPostgreSQL/flexibleServers", apiVersion: "2025-08-01", extraActions: { create: ["Microsoft.Network/virtualNetworks/subnets/join/action"] }, source: `${AN}/dbforpostgresql/server.d.ts` },
  // ARM has no DELETE for keys and secrets: azure-native deletes them through the vault's data plane
  // (pulumi/pulumi-azure-native provider/pkg/resources/customresources/custom_keyvault.go: azkeys/azsecrets DeleteKey/
  // DeleteSecret on https://<vault>.vault.azure.net). Unreachable from CI for a private vault, and CI holds no Key Vault
  // data role there: the platform marks them retainOnDelete, so Pulumi never calls that Delete.
  [T.vaultKey]: { arm: "Microsoft.KeyVault/vaults/keys", apiVersion: "2024-11-01", deleteVia: vaultDataPlaneDelete("keys", "keyName"), source: `${AN}/keyvault/key.d.ts; ${KV_DELETE}` },
  "azure-native:keyvault:PrivateEndpointConnection": { arm: "Microsoft.KeyVault/vaults/privateEndpointConnections", apiVersion: "2024-11-01", source: `${AN}/keyvault/privateEndpointConnection.d.ts` },
  // The secret is written through ARM (management plane), never through <vault>.vault.azure.net.
  [T.vaultSecret]: { arm: "Microsoft.KeyVault/vaults/secrets", apiVersion: "2024-11-01", deleteVia: vaultDataPlaneDelete("secrets", "secretName"), source: `${AN}/keyvault/secret.d.ts; ${KV_DELETE}` },
  [T.vault]: { arm: "Microsoft.KeyVault/vaults", apiVersion: "2024-11-01", source: `${AN}/keyvault/vault.d.ts` },
  [T.userAssignedIdentity]: { arm: "Microsoft.ManagedIdentity/userAssignedIdentities", apiVersion: "2023-01-31", source: `${AN}/managedidentity/userAssignedIdentity.d.ts` },
  [T.diagnosticSetting]: { arm: "Microsoft.Insights/diagnosticSettings", apiVersion: "2021-05-01-preview", source: `${AN}/monitor/diagnosticSetting.d.ts` },
  [T.networkSecurityGroup]: { arm: "Microsoft.Network/networkSecurityGroups", apiVersion: "2024-05-01", source: `${AN}/network/networkSecurityGroup.d.ts` },
  "azure-native:network:PrivateDnsZoneGroup": { arm: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", apiVersion: "2024-05-01", extraActions: { create: ["Microsoft.Network/privateDnsZones/join/action"] }, source: `${AN}/network/privateDnsZoneGroup.d.ts; ${PE_JOIN}` },
  "azure-native:network:PrivateEndpoint": { arm: "Microsoft.Network/privateEndpoints", apiVersion: "2024-05-01", extraActions: { create: ["Microsoft.Network/virtualNetworks/subnets/join/action"] }, source: `${AN}/network/privateEndpoint.d.ts; ${PE_JOIN}` },
  // Attaching an NSG, a NAT gateway or a public IP is a linked-access check on the attached resource ("join" actions,
  // https://learn.microsoft.com/azure/role-based-access-control/permissions/networking).
  "azure-native:network:Subnet": { arm: "Microsoft.Network/virtualNetworks/subnets", apiVersion: "2024-05-01", extraActions: { create: ["Microsoft.Network/networkSecurityGroups/join/action", "Microsoft.Network/natGateways/join/action"] }, source: `${AN}/network/subnet.d.ts` },
  "azure-native:network:NatGateway": { arm: "Microsoft.Network/natGateways", apiVersion: "2024-05-01", extraActions: { create: ["Microsoft.Network/publicIPAddresses/join/action"] }, source: `${AN}/network/natGateway.d.ts` },
  "azure-native:network:PublicIPAddress": { arm: "Microsoft.Network/publicIPAddresses", apiVersion: "2024-05-01", source: `${AN}/network/publicIPAddress.d.ts` },
  [T.virtualNetwork]: { arm: "Microsoft.Network/virtualNetworks", apiVersion: "2024-05-01", source: `${AN}/network/virtualNetwork.d.ts` },
  [T.logAnalytics]: { arm: "Microsoft.OperationalInsights/workspaces", apiVersion: "2023-09-01", source: `${AN}/operationalinsights/workspace.d.ts` },
  "azure-native:privatedns:PrivateRecordSet": { arm: "Microsoft.Network/privateDnsZones/A", apiVersion: "2024-06-01", source: `${AN}/privatedns/privateRecordSet.d.ts (the platform writes A records)` },
  "azure-native:privatedns:PrivateZone": { arm: "Microsoft.Network/privateDnsZones", apiVersion: "2024-06-01", source: `${AN}/privatedns/privateZone.d.ts` },
  "azure-native:privatedns:VirtualNetworkLink": { arm: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", apiVersion: "2024-06-01", extraActions: { create: ["Microsoft.Network/virtualNetworks/join/action"] }, source: `${AN}/privatedns/virtualNetworkLink.d.ts` },
  "azure-native:resources:Resource": { arm: "{resourceProviderNamespace}/{parentResourcePath}/{resourceType}", apiVersion: "(input apiVersion)", typeFromInputs: true, source: `${AN}/resources/resource.d.ts` },
  [T.resourceGroup]: { arm: "Microsoft.Resources/subscriptions/resourceGroups", apiVersion: "2024-03-01", createAtSubscription: true, source: `${AN}/resources/resourceGroup.d.ts` },
  [T.blobContainer]: { arm: "Microsoft.Storage/storageAccounts/blobServices/containers", apiVersion: "2024-01-01", source: `${AN}/storage/blobContainer.d.ts` },
  "azure-native:storage:BlobServiceProperties": { arm: "Microsoft.Storage/storageAccounts/blobServices", apiVersion: "2024-01-01", source: `${AN}/storage/blobServiceProperties.d.ts` },
  [T.storageAccount]: { arm: "Microsoft.Storage/storageAccounts", apiVersion: "2024-01-01", source: `${AN}/storage/storageAccount.d.ts` },
  "azure-native:storage:PrivateEndpointConnection": { arm: "Microsoft.Storage/storageAccounts/privateEndpointConnections", apiVersion: "2024-01-01", source: `${AN}/storage/privateEndpointConnection.d.ts` },
  "azure-native:synapse:PrivateEndpointConnection": { arm: "Microsoft.Synapse/workspaces/privateEndpointConnections", apiVersion: "2021-06-01", source: `${AN}/synapse/privateEndpointConnection.d.ts` },
  "azure-native:synapse:PrivateLinkHub": { arm: "Microsoft.Synapse/privateLinkHubs", apiVersion: "2021-06-01", source: `${AN}/synapse/privateLinkHub.d.ts` },
  [T.synapseWorkspace]: { arm: "Microsoft.Synapse/workspaces", apiVersion: "2021-06-01", source: `${AN}/synapse/workspace.d.ts` },
  "azure-native:synapse:WorkspaceAadAdmin": { arm: "Microsoft.Synapse/workspaces/administrators", apiVersion: "2021-06-01", source: `${AN}/synapse/workspaceAadAdmin.d.ts` },
  [T.synapseFirewallRule]: { arm: "Microsoft.Synapse/workspaces/firewallRules", apiVersion: "2021-06-01", source: `${AN}/synapse/ipFirewallRule.d.ts` },
  [T.synapseSqlPool]: { arm: "Microsoft.Synapse/workspaces/sqlPools", apiVersion: "2021-06-01", source: `${AN}/synapse/sqlPool.d.ts` },
  [T.synapseSparkPool]: { arm: "Microsoft.Synapse/workspaces/bigDataPools", apiVersion: "2021-06-01", source: `${AN}/synapse/bigDataPool.d.ts` },
};

const LOCAL: readonly ApiCall[] = [{ plane: "none", why: "computed by the provider process, no remote API" }];
const local = (source: string): TypeRights => ({ operations: { create: LOCAL, update: LOCAL, delete: LOCAL, read: LOCAL }, source });

const AZUREAD = "hashicorp/terraform-provider-azuread docs/resources";
const APP_WRITE = [["Application.ReadWrite.OwnedBy"], ["Application.ReadWrite.All"]] as const;
const APP_READ = [["Application.Read.All"], ["Application.ReadWrite.OwnedBy"], ["Application.ReadWrite.All"], ["Directory.Read.All"]] as const;
const APP_ADMIN = ["Application Administrator", "Cloud Application Administrator", "Global Administrator"] as const;
const FORCE_NEW: readonly ApiCall[] = [{ plane: "none", why: "every argument forces replacement: an update is a create plus a delete" }];

/** Graph CRUD on an object the caller may own (applications, service principals and their children). */
const owned = (base: string, child = "{id}"): TypeRights["operations"] => ({
  create: [{ plane: "graph", method: "POST", path: base, applicationPermissions: APP_WRITE, ownedBySuffices: true, directoryRoles: APP_ADMIN }],
  update: [{ plane: "graph", method: "PATCH", path: `${base}/${child}`, applicationPermissions: APP_WRITE, ownedBySuffices: true, directoryRoles: APP_ADMIN }],
  delete: [{ plane: "graph", method: "DELETE", path: `${base}/${child}`, applicationPermissions: APP_WRITE, ownedBySuffices: true, directoryRoles: APP_ADMIN }],
  read: [{ plane: "graph", method: "GET", path: `${base}/${child}`, applicationPermissions: APP_READ, ownedBySuffices: true, directoryRoles: [] }],
});

const CF = "https://developers.cloudflare.com/fundamentals/api/reference/permissions/";
const cf = (path: string, write: string, read: string): TypeRights["operations"] => ({
  create: [{ plane: "cloudflare", method: "POST", path, permissionGroups: [write] }],
  update: [{ plane: "cloudflare", method: "PUT", path: `${path}/{id}`, permissionGroups: [write] }],
  delete: [{ plane: "cloudflare", method: "DELETE", path: `${path}/{id}`, permissionGroups: [write] }],
  read: [{ plane: "cloudflare", method: "GET", path: `${path}/{id}`, permissionGroups: [read, write] }],
});

/**
 * Okta management API (components/okta), called by @pulumi/okta 7.0.0 (terraform-provider-okta v7.0.0; calls read in
 * okta/terraform-provider-okta okta/services/idaas/resource_okta_<type>.go). Scopes: GET needs `okta.<resource>.read`,
 * POST/PUT/DELETE `okta.<resource>.manage` (https://developer.okta.com/docs/guides/implement-oauth-for-okta/scopes/,
 * "Supported endpoints": authorization servers and groups as stated there; apps per https://developer.okta.com/docs/api/oauth2/).
 * Paths: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/AuthorizationServer/ (and
 * …/AuthorizationServerScopes/, …/AuthorizationServerClaims/, …/AuthorizationServerPolicies/,
 * …/AuthorizationServerRules/, …/Application/, …/ApplicationGroups/, …/Group/).
 */
const OKTA_IDAAS = "okta/terraform-provider-okta okta/services/idaas";
const OKTA_API = "https://developer.okta.com/docs/api/openapi/okta-management/management/tag";
const oktaCall = (method: "GET" | "POST" | "PUT" | "DELETE", path: string, resource: "authorizationServers" | "apps" | "groups"): ApiCall => ({
  plane: "okta",
  method,
  path,
  scopes: [`okta.${resource}.${method === "GET" ? "read" : "manage"}`],
});
/**
 * CRUD under an authorization server (server, scopes, claims, policies, rules): POST `<base>` to create, `<base>/{id}`
 * after. Create and update end with the provider's read (GET). `lifecycle`: a status change on update also activates
 * or deactivates (…/lifecycle/activate|deactivate); `deactivateFirst`: delete deactivates before the DELETE.
 */
const oktaAuthz = (base: string, opts: { lifecycle?: boolean; deactivateFirst?: boolean } = {}): TypeRights["operations"] => {
  const read = oktaCall("GET", `${base}/{id}`, "authorizationServers");
  return {
    create: [oktaCall("POST", base, "authorizationServers"), read],
    update: [oktaCall("PUT", `${base}/{id}`, "authorizationServers"), ...(opts.lifecycle ? [oktaCall("POST", `${base}/{id}/lifecycle/{activate|deactivate}`, "authorizationServers")] : []), read],
    delete: [...(opts.deactivateFirst ? [oktaCall("POST", `${base}/{id}/lifecycle/deactivate`, "authorizationServers")] : []), oktaCall("DELETE", `${base}/{id}`, "authorizationServers")],
    read: [read],
  };
};

const SYNAPSE_DEV = "{workspaceName}.dev.azuresynapse.net";
const SYNAPSE_TARGET = { input: "synapseWorkspaceId", resourceType: T.synapseWorkspace } as const;
/** Synapse RBAC: assignments are written by Synapse Administrator (or Synapse RBAC Administrator), read by any Synapse role. */
const SYNAPSE_ADMINS = ["Synapse Administrator", "Synapse RBAC Administrator"] as const;
const SYNAPSE_READERS = ["Synapse Administrator", "Synapse RBAC Administrator", "Synapse User"] as const;

/** Everything that is not a plain azure-native ARM resource. */
export const OTHER_RESOURCES: Readonly<Record<string, TypeRights>> = {
  [T.entraApplication]: { operations: owned("/applications"), source: `${AZUREAD}/application.md (API Permissions); https://learn.microsoft.com/graph/api/application-post-applications` },
  [T.entraServicePrincipal]: { operations: owned("/servicePrincipals"), source: `${AZUREAD}/service_principal.md (API Permissions); https://learn.microsoft.com/graph/api/serviceprincipal-post-serviceprincipals` },
  [T.entraFederatedCredential]: { operations: owned("/applications/{applicationId}/federatedIdentityCredentials"), source: `${AZUREAD}/application_federated_identity_credential.md; https://learn.microsoft.com/graph/api/application-post-federatedidentitycredentials` },
  "azuread:index/applicationOwner:ApplicationOwner": {
    operations: { ...owned("/applications/{applicationId}/owners", "{ownerId}/$ref"), update: FORCE_NEW },
    source: `${AZUREAD}/application_owner.md; https://learn.microsoft.com/graph/api/application-post-owners`,
  },
  [T.entraApplicationPassword]: {
    operations: {
      create: [{ plane: "graph", method: "POST", path: "/applications/{applicationId}/addPassword", applicationPermissions: APP_WRITE, ownedBySuffices: true, directoryRoles: APP_ADMIN }],
      update: FORCE_NEW,
      delete: [{ plane: "graph", method: "POST", path: "/applications/{applicationId}/removePassword", applicationPermissions: APP_WRITE, ownedBySuffices: true, directoryRoles: APP_ADMIN }],
      read: [{ plane: "graph", method: "GET", path: "/applications/{applicationId}", applicationPermissions: APP_READ, ownedBySuffices: true, directoryRoles: [] }],
    },
    source: `${AZUREAD}/application_password.md; https://learn.microsoft.com/graph/api/application-addpassword`,
  },
  "azuread:index/appRoleAssignment:AppRoleAssignment": {
    operations: {
      create: [{
        plane: "graph", method: "POST", path: "/servicePrincipals/{resourceObjectId}/appRoleAssignedTo",
        applicationPermissions: [["AppRoleAssignment.ReadWrite.All", "Application.Read.All"], ["AppRoleAssignment.ReadWrite.All", "Directory.Read.All"]],
        // Granting Microsoft Graph application permissions is admin consent: Privileged Role Administrator
        // (https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent).
        directoryRoles: ["Privileged Role Administrator", "Global Administrator"],
      }],
      update: FORCE_NEW,
      delete: [{ plane: "graph", method: "DELETE", path: "/servicePrincipals/{resourceObjectId}/appRoleAssignedTo/{id}", applicationPermissions: [["AppRoleAssignment.ReadWrite.All"]], directoryRoles: ["Privileged Role Administrator", "Global Administrator"] }],
      read: [{ plane: "graph", method: "GET", path: "/servicePrincipals/{resourceObjectId}/appRoleAssignedTo", applicationPermissions: [["Application.Read.All"], ["Directory.Read.All"], ["Application.ReadWrite.All"]], directoryRoles: [] }],
    },
    source: `${AZUREAD}/app_role_assignment.md; https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto`,
  },
  // Classic provider: the Synapse access-control API on the workspace's dev endpoint, on every operation (every
  // argument is ForceNew: no update). Create lists role definitions and existing assignments before the PUT; read
  // gets the assignment and its role definition. SDK jackofallops/kermit sdk/synapse/2020-08-01-preview.
  "azure:synapse/roleAssignment:RoleAssignment": {
    operations: {
      create: [
        { plane: "data-plane", method: "GET", host: SYNAPSE_DEV, path: "/roleDefinitions", apiVersion: "2020-08-01-preview", target: SYNAPSE_TARGET, serviceRoles: SYNAPSE_READERS },
        { plane: "data-plane", method: "PUT", host: SYNAPSE_DEV, path: "/roleAssignments/{uuid}", apiVersion: "2020-08-01-preview", target: SYNAPSE_TARGET, serviceRoles: SYNAPSE_ADMINS },
      ],
      update: FORCE_NEW,
      delete: [{ plane: "data-plane", method: "DELETE", host: SYNAPSE_DEV, path: "/roleAssignments/{id}", apiVersion: "2020-08-01-preview", target: SYNAPSE_TARGET, serviceRoles: SYNAPSE_ADMINS }],
      read: [
        { plane: "data-plane", method: "GET", host: SYNAPSE_DEV, path: "/roleAssignments/{id}", apiVersion: "2020-08-01-preview", target: SYNAPSE_TARGET, serviceRoles: SYNAPSE_READERS },
        { plane: "data-plane", method: "GET", host: SYNAPSE_DEV, path: "/roleDefinitions/{roleDefinitionId}", apiVersion: "2020-08-01-preview", target: SYNAPSE_TARGET, serviceRoles: SYNAPSE_READERS },
      ],
    },
    source: "hashicorp/terraform-provider-azurerm internal/services/synapse/synapse_role_assignment_resource.go (RoleAssignmentsClient/RoleDefinitionsClient on <workspace>.<synapse domain suffix>); https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-synapse-rbac-roles",
  },
  [T.workersScript]: { operations: cf("/accounts/{account_id}/workers/scripts", "Workers Scripts Write", "Workers Scripts Read"), source: CF },
  "cloudflare:index/workersCustomDomain:WorkersCustomDomain": { operations: cf("/accounts/{account_id}/workers/domains", "Workers Scripts Write", "Workers Scripts Read"), source: CF },
  // Workers VPC services (https://developers.cloudflare.com/api/resources/connectivity/subresources/directory/: POST/GET/PUT/
  // DELETE /accounts/{account_id}/connectivity/directory/services). The permission-group names are the dashboard's
  // "Connectivity Directory" groups; the stored API page lists the endpoints but not the groups, so confirm them when
  // creating the token (docs/identity-and-access.md).
  "cloudflare:index/connectivityDirectoryService:ConnectivityDirectoryService": { operations: cf("/accounts/{account_id}/connectivity/directory/services", "Connectivity Directory Admin", "Connectivity Directory Read"), source: "https://developers.cloudflare.com/api/resources/connectivity/subresources/directory/" },
  "cloudflare:index/dnsRecord:DnsRecord": { operations: cf("/zones/{zone_id}/dns_records", "DNS Write", "DNS Read"), source: CF },
  [T.cloudflareTunnel]: { operations: cf("/accounts/{account_id}/cfd_tunnel", "Cloudflare Tunnel Write", "Cloudflare Tunnel Read"), source: CF },
  "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig": { operations: cf("/accounts/{account_id}/cfd_tunnel/{tunnel_id}/configurations", "Cloudflare Tunnel Write", "Cloudflare Tunnel Read"), source: CF },
  // resource_okta_auth_server.go: Create (+ key rotation when MANUAL, not used), Update + lifecycle, Delete = deactivate + DELETE.
  "okta:auth/server:Server": { operations: oktaAuthz("/api/v1/authorizationServers", { lifecycle: true, deactivateFirst: true }), source: `${OKTA_IDAAS}/resource_okta_auth_server.go; ${OKTA_API}/AuthorizationServer/` },
  "okta:auth/serverScope:ServerScope": { operations: oktaAuthz("/api/v1/authorizationServers/{authServerId}/scopes"), source: `${OKTA_IDAAS}/resource_okta_auth_server_scope.go; ${OKTA_API}/AuthorizationServerScopes/` },
  "okta:auth/serverClaim:ServerClaim": { operations: oktaAuthz("/api/v1/authorizationServers/{authServerId}/claims"), source: `${OKTA_IDAAS}/resource_okta_auth_server_claim.go; ${OKTA_API}/AuthorizationServerClaims/` },
  "okta:auth/serverPolicy:ServerPolicy": { operations: oktaAuthz("/api/v1/authorizationServers/{authServerId}/policies", { lifecycle: true }), source: `${OKTA_IDAAS}/resource_okta_auth_server_policy.go; ${OKTA_API}/AuthorizationServerPolicies/` },
  "okta:auth/serverPolicyRule:ServerPolicyRule": { operations: oktaAuthz("/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules", { lifecycle: true }), source: `${OKTA_IDAAS}/resource_okta_auth_server_policy_rule.go; ${OKTA_API}/AuthorizationServerRules/` },
  // resource_okta_app_oauth.go: CreateApplication (activate), ReplaceApplication, GetApplication; delete = deactivate +
  // DELETE (app.go deleteApplication). No logo, no groups_claim, skip_authentication_policy: no other call.
  "okta:app/oAuth:OAuth": {
    operations: {
      create: [oktaCall("POST", "/api/v1/apps?activate=true", "apps"), oktaCall("GET", "/api/v1/apps/{appId}", "apps")],
      update: [oktaCall("PUT", "/api/v1/apps/{appId}", "apps"), oktaCall("GET", "/api/v1/apps/{appId}", "apps")],
      delete: [oktaCall("POST", "/api/v1/apps/{appId}/lifecycle/deactivate", "apps"), oktaCall("DELETE", "/api/v1/apps/{appId}", "apps")],
      read: [oktaCall("GET", "/api/v1/apps/{appId}", "apps")],
    },
    source: `${OKTA_IDAAS}/resource_okta_app_oauth.go, app.go; ${OKTA_API}/Application/`,
  },
  // resource_okta_app_group_assignment.go: CreateApplicationGroupAssignment (PUT) on create and update, Get, Delete.
  "okta:app/groupAssignment:GroupAssignment": {
    operations: {
      create: [oktaCall("PUT", "/api/v1/apps/{appId}/groups/{groupId}", "apps")],
      update: [oktaCall("PUT", "/api/v1/apps/{appId}/groups/{groupId}", "apps")],
      delete: [oktaCall("DELETE", "/api/v1/apps/{appId}/groups/{groupId}", "apps")],
      read: [oktaCall("GET", "/api/v1/apps/{appId}/groups/{groupId}", "apps")],
    },
    source: `${OKTA_IDAAS}/resource_okta_app_group_assignment.go; ${OKTA_API}/ApplicationGroups/`,
  },
  [T.randomPassword]: local("node_modules/@pulumi/random/randomPassword.d.ts"),
  [T.rotating]: local("node_modules/@pulumiverse/time/rotating.d.ts"),
  "time:index/offset:Offset": local("node_modules/@pulumiverse/time/offset.d.ts"),
  "time:index/static:Static": local("node_modules/@pulumiverse/time/static.d.ts"),
  // A timer in the provider process (RBAC propagation waits): no remote call on any operation.
  "time:index/sleep:Sleep": local("node_modules/@pulumiverse/time/sleep.d.ts"),
};

const ARM_READ = (resourceType: string, apiVersion: string, source: string): InvokeRights => ({
  calls: [{ plane: "arm", method: "GET", resourceType, apiVersion, actions: [`${resourceType}/read`] }],
  source,
});

/** Invokes the program and bootstrap call (tools/graph records them): run on every preview and up. */
export const INVOKES: Readonly<Record<string, InvokeRights>> = {
  "azure-native:authorization:getClientConfig": { calls: [{ plane: "none", why: "answered from the provider's own credentials" }], source: `${AN}/authorization/getClientConfig.d.ts` },
  "azuread:index/getClientConfig:getClientConfig": { calls: [{ plane: "none", why: "answered from the provider's own credentials" }], source: "hashicorp/terraform-provider-azuread docs/data-sources/client_config.md (\"No additional roles are required\")" },
  "azure-native:resources:getResourceGroup": ARM_READ("Microsoft.Resources/subscriptions/resourceGroups", "2024-03-01", `${AN}/resources/getResourceGroup.d.ts`),
  "azure-native:keyvault:getVault": ARM_READ("Microsoft.KeyVault/vaults", "2024-11-01", `${AN}/keyvault/getVault.d.ts`),
  "azure-native:storage:getStorageAccount": ARM_READ("Microsoft.Storage/storageAccounts", "2024-01-01", `${AN}/storage/getStorageAccount.d.ts`),
  "azure-native:synapse:getWorkspace": ARM_READ("Microsoft.Synapse/workspaces", "2021-06-01", `${AN}/synapse/getWorkspace.d.ts`),
  "azuread:index/getServicePrincipal:getServicePrincipal": {
    calls: [{ plane: "graph", method: "GET", path: "/servicePrincipals?$filter=appId eq '{clientId}'", applicationPermissions: [["Application.Read.All"], ["Directory.Read.All"]], directoryRoles: [] }],
    source: "hashicorp/terraform-provider-azuread docs/data-sources/service_principal.md (API Permissions)",
  },
  "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken": {
    calls: [{ plane: "cloudflare", method: "GET", path: "/accounts/{account_id}/cfd_tunnel/{tunnel_id}/token", permissionGroups: ["Cloudflare Tunnel Read", "Cloudflare Tunnel Write"] }],
    source: CF,
  },
  // data_source_okta_group.go findGroup: ListGroups with q=<name> (a prefix search), then the exact name.
  "okta:group/getGroup:getGroup": { calls: [oktaCall("GET", "/api/v1/groups?q={name}", "groups")], source: `${OKTA_IDAAS}/data_source_okta_group.go; ${OKTA_API}/Group/` },
  "cloudflare:index/getIpRanges:getIpRanges": { calls: [{ plane: "none", why: "GET https://api.cloudflare.com/client/v4/ips is public (no token permission)" }], source: "https://developers.cloudflare.com/api/resources/ips/methods/list/" },
};

/** Resources with no API of their own: component resources, the stack and provider instances (configuration only). */
export const NO_API_PREFIXES: readonly string[] = ["pulumi:providers:", "pulumi:pulumi:Stack", "dataplatform:"];
