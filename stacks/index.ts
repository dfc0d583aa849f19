import { registerPlatformTags } from "../components/tags";
import { loadPlatformConfig } from "./config";
import { DataPlatform } from "./platform";
import { assertPrerequisites } from "./prerequisites";

// Validate first: a bad stack file or a missing build output stops the program before any resource is registered.
const config = loadPlatformConfig();
assertPrerequisites();
registerPlatformTags(config.tags);

const platform = new DataPlatform(`${config.project}-${config.environment}`, config);

export const environment = config.environment;
export const resourceGroupName = platform.resourceGroup.name;
export const logAnalyticsWorkspaceId = platform.monitoring.id;
export const virtualNetworkId = platform.network.id;
export const keyVaultName = platform.keyVault.name;
export const keyVaultUri = platform.keyVault.uri;
export const dataLakeAccountName = platform.dataLake.name;
export const dataLakeDfsEndpoint = platform.dataLake.dfsEndpoint;
export const synapseWorkspaceName = platform.synapse.name;
export const synapseEndpoints = platform.synapse.connectivityEndpoints;
export const dataFactoryName = platform.dataFactory.name;
/** The Prefect API inside the VNet (internal ingress only); operators and the tunnel reach it privately. */
export const prefectApiUrl = platform.orchestrator.apiUrl;
export const containerAppsEnvironmentId = platform.orchestrator.id;
export const postgresServerName = platform.orchestrator.postgresServer.name;
export const backupVaultName = platform.backup.name;
/** The gateway Worker's AZURE_CLIENT_ID (the CI identities' client IDs are bootstrap's outputs). */
export const gatewayClientId = platform.identity.gatewayClientId;
export const gatewayClientSecretExpiresOn = platform.identity.gatewayClientSecretExpiresOn;
/** The gateway's public URL, and the Cloudflare Tunnel behind it (tunnel mode only). */
export const gatewayUrl = platform.gateway.url;
export const gatewayTunnelId = platform.gateway.tunnelId;
export const notices = config.notices;
/** The data domains (docs/environments.md#data-domains): what each domain's flows and worker need to find their data. */
export const dataDomains = platform.dataDomains.map((d) => ({
  name: d.name,
  team: d.team,
  costCenter: d.costCenter,
  concurrencyLimit: d.concurrencyLimit,
  synapse: d.synapseMode,
  synapseWorkspaceName: d.synapse.name,
  synapseDevEndpoint: d.synapseDevEndpoint,
  filesystems: d.filesystems,
  lakeUrls: d.lakeUrls,
  workerClientId: d.identity.clientId,
}));
