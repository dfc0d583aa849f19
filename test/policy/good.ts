import type { GraphResource } from "../../tools/graph";
import { RG_ID, res, tracked } from "./fixtures";

/**
 * Compliant, hand-made resources of the types other components are still bringing (Synapse, Data Factory, Container
 * Apps, Postgres, Worker, Key Vault secret): they prove the rules accept the configuration docs/components.md describes, so a
 * rule that fires on the real component later is about the component, not the rule.
 */
export function goodResources(): GraphResource[] {
  const identity = `${RG_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-prefect`;
  return [
    res("azure-native:synapse:Workspace", "synw", {
      ...tracked,
      workspaceName: "synw-dp-dev",
      managedVirtualNetwork: "default",
      managedVirtualNetworkSettings: { preventDataExfiltration: true, allowedAadTenantIdsForLinking: [] },
      azureADOnlyAuthentication: true,
      publicNetworkAccess: "Disabled",
      identity: { type: "SystemAssigned" },
    }),
    res("azure-native:datafactory:Factory", "adf", {
      ...tracked,
      factoryName: "adf-dp-dev",
      publicNetworkAccess: "Disabled",
      identity: { type: "SystemAssigned" },
    }),
    res("azure-native:app:ManagedEnvironment", "cae", {
      ...tracked,
      environmentName: "cae-dp-dev",
      vnetConfiguration: { internal: true, infrastructureSubnetId: `${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aca` },
      zoneRedundant: true,
      publicNetworkAccess: "Disabled",
    }),
    res("azure-native:app:ContainerApp", "prefect-server", {
      ...tracked,
      containerAppName: "ca-prefect-server",
      identity: { type: "UserAssigned", userAssignedIdentities: [identity] },
      configuration: {
        ingress: { external: false, allowInsecure: false, targetPort: 4200 },
        secrets: [{ name: "auth", keyVaultUrl: "https://kv-dp-dev.vault.azure.net/secrets/prefect-auth", identity }],
      },
      template: { containers: [{ name: "server", image: "prefecthq/prefect:3.4.0-python3.12", env: [{ name: "PREFECT_SERVER_API_AUTH_STRING", secretRef: "auth" }] }] },
    }),
    res("azure-native:dbforpostgresql:Server", "pg", {
      ...tracked,
      serverName: "psql-dp-dev",
      network: { publicNetworkAccess: "Disabled" },
      authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: "t" },
      highAvailability: { mode: "ZoneRedundant" },
      backup: { geoRedundantBackup: "Enabled", backupRetentionDays: 35 },
    }),
    res(
      "azure-native:keyvault:Secret",
      "gateway-secret",
      { resourceGroupName: tracked.resourceGroupName, vaultName: "kv-dp-dev", secretName: "gateway", properties: { value: "s3cr3t", contentType: "text/plain", attributes: { expires: 1900000000 } } },
      { secretPaths: ["properties.value"] },
    ),
    res(
      "cloudflare:index/workersScript:WorkersScript",
      "gateway",
      {
        accountId: "acc",
        scriptName: "gateway-dev",
        bindings: [
          { name: "OIDC_ISSUER", type: "plain_text", text: "https://login.microsoftonline.com/t/v2.0" },
          { name: "AZURE_CLIENT_SECRET", type: "secret_text", text: "s3cr3t" },
        ],
      },
      { secretPaths: ["bindings[1].text"] },
    ),
  ];
}
