/**
 * Typical create / update / delete wall times per Pulumi resource type in the dev/test/prod graphs, with where each
 * figure comes from, and the explicit `dependsOn` orderings the platform needs although no data flows through them.
 * Data only: tools/insight/deploy-time.ts reads it. Dated; figures in seconds.
 *
 * How honest the figures are (field `basis`):
 * - "documented": a statement in Microsoft's / the vendor's documentation.
 * - "measured": a published measurement (a field note by someone who timed it), cited.
 * - "local": no cloud call at all (random, time.Offset/Rotating): the provider computes the value in-process.
 * - "estimate": no source gives a figure; the entry says why the number is what it is. Most ARM resources are here:
 *   Microsoft documents what a resource does, not how long its PUT takes. Estimates lean on two facts that are cited:
 *   azure-native polls a long-running create/update every 10 s and a long-running delete every 30 s
 *   (pulumi/pulumi-azure-native provider/pkg/azure/client_azcore.go: `updatePollingIntervalSeconds: 10`,
 *   `deletePollingIntervalSeconds: 30`), so a long-running operation is never seen to finish sooner than that; and a
 *   synchronous ARM PUT (locks, role assignments, diagnostic settings) answers in one round trip, seconds.
 *
 * Upper bounds (`upperBound`): azure-native waits up to 2 hours for any operation unless the program sets
 * customTimeouts ("default timeout is 2 hours", pulumi/pulumi#8500; customTimeouts honoured since
 * pulumi/pulumi-azure-native#496). Where the other Azure provider chose a tighter per-resource default, that is
 * quoted as the practical bound (hashicorp/terraform-provider-azurerm website/docs/r/<resource>.html.markdown,
 * section "Timeouts").
 */

export const DEPLOY_TIMES_AS_OF = "2026-12-02";

export type Basis = "documented" | "measured" | "estimate" | "local";

export interface DeployTime {
  /** Seconds for a create, an in-place update and a delete. */
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly basis: Basis;
  /** Where the figure was read (URL or repo+path), or for an estimate why it is what it is. */
  readonly source: string;
  /** The create's duration is the resource's own input (time.Sleep `createDuration`, a Go duration). */
  readonly createFromInput?: "createDuration";
  /** Other figures when an input has a given value (the first that matches wins), e.g. a server with a standby. */
  readonly variants?: readonly {
    /** Dot path into the resource's inputs. */
    readonly input: string;
    readonly equals: string | number | boolean;
    readonly create: number;
    readonly update: number;
    readonly delete: number;
    readonly basis: Basis;
    readonly source: string;
  }[];
  /** A documented or provider-imposed ceiling for the create, seconds, and where it is stated. */
  readonly upperBound?: { readonly create: number; readonly source: string };
}

const POLL = "azure-native polls long-running creates every 10 s, deletes every 30 s (pulumi/pulumi-azure-native provider/pkg/azure/client_azcore.go)";
const SYNC_PUT = "a synchronous ARM PUT (no long-running operation): one round trip";
const AZURERM = (doc: string, minutes: number) => ({
  create: minutes * 60,
  source: `hashicorp/terraform-provider-azurerm website/docs/r/${doc}.html.markdown, Timeouts: create defaults to ${minutes} minutes`,
});
/** Field notes found through the code index (public repositories; the index does not name the repository). */
const ACA_ENV_NOTE =
  "field notes in public repositories (code index ids 55835762076, 26472090528): \"The Container Apps Environment provisioning can take up to 10 minutes on first creation\", \"can take 5-10 minutes\"; delete: \"left the environment in ScheduledForDelete for about 25 minutes\" (id 68306863891)";
const ACA_APP_NOTE =
  "field note (code index id 68306863891): \"creating the app took 34 seconds\" for a small app; the platform's apps pull a Python image and run an init container before the revision is ready, so twice that is assumed";
const PG_NOTE =
  "field notes in public repositories (code index ids 47778106330, 30463051464): \"PostgreSQL Flexible Server creation takes 5-10 minutes\" / \"~5-10 minutes\"; the upper end is taken (zone-redundant HA in prod provisions a standby too)";
const SYNAPSE_NOTE =
  "field note (code index id 41613271129): \"Synapse workspace can take 10-15 minutes\"; with a managed VNet and exfiltration protection the upper end is taken";
const LOCAL = "computed by the provider in-process, no API call (hashicorp/terraform-provider-time, bridged as @pulumiverse/time; hashicorp/terraform-provider-random)";
const GRAPH = "a Microsoft Graph object write (one POST/PATCH; the azuread provider then reads the object back until it has replicated) — estimate: seconds";
const CLOUDFLARE = "one synchronous Cloudflare API v4 call — estimate: seconds";

const est = (create: number, update: number, del: number, why: string, upperBound?: DeployTime["upperBound"]): DeployTime => ({
  create,
  update,
  delete: del,
  basis: "estimate",
  source: why,
  ...(upperBound ? { upperBound } : {}),
});

/**
 * Keyed by Pulumi type token. Component resources, providers and the stack take no time: the engine registers them
 * without a provider call (tools/insight/deploy-time.ts isLogicalType).
 */
export const DEPLOY_TIMES: Readonly<Record<string, DeployTime>> = {
  // Container Apps
  "azure-native:app:ManagedEnvironment": {
    create: 600,
    update: 300,
    delete: 1500,
    basis: "measured",
    source: ACA_ENV_NOTE,
    upperBound: AZURERM("container_app_environment", 30),
  },
  "azure-native:app:ContainerApp": { create: 70, update: 60, delete: 60, basis: "measured", source: ACA_APP_NOTE, upperBound: AZURERM("container_app", 30) },
  "azure-native:app:Job": est(30, 30, 30, `a job is a definition until its schedule fires: its PUT is a short long-running operation; ${POLL}`, AZURERM("container_app_job", 30)),

  // Authorization
  "azure-native:authorization:RoleAssignment": est(10, 10, 10, `${SYNC_PUT}; the role takes effect later (up to 10 minutes, waited for by time.Sleep, components/identity/propagation.ts)`),
  "azure-native:authorization:ManagementLockByScope": est(5, 5, 5, SYNC_PUT),

  // Data Factory
  "azure-native:datafactory:Factory": est(30, 15, 30, `factory PUT with a system identity; ${POLL}`),
  "azure-native:datafactory:IntegrationRuntime": est(20, 20, 20, "a managed-VNet Azure IR is a definition: its compute starts on first use, not at create; synchronous PUT"),
  "azure-native:datafactory:LinkedService": est(5, 5, 5, SYNC_PUT),
  "azure-native:datafactory:ManagedPrivateEndpoint": est(120, 60, 60, "a managed private endpoint provisions a private endpoint in the factory's managed VNet (a private endpoint, ~90 s, see network:PrivateEndpoint) and then waits in Pending for approval"),
  // The generic resource: today only the factory's managed VNet (Microsoft.DataFactory/factories/managedVirtualNetworks).
  "azure-native:resources:Resource": est(10, 10, 10, "the factory's managed VNet, a synchronous PUT (re-check if another generic resource is added)"),

  // Backup
  "azure-native:dataprotection:BackupVault": est(60, 30, 60, `vault PUT with a system identity, a long-running operation; ${POLL}`),
  "azure-native:dataprotection:BackupPolicy": est(5, 5, 5, SYNC_PUT),
  "azure-native:dataprotection:BackupInstance": est(120, 60, 120, "configure protection validates the vault's roles on the data source, then runs an initial protection job: a long-running operation of minutes"),

  // PostgreSQL flexible server
  "azure-native:dbforpostgresql:Server": {
    create: 600,
    update: 300,
    delete: 300,
    basis: "measured",
    source: PG_NOTE,
    upperBound: AZURERM("postgresql_flexible_server", 60),
    variants: [
      {
        input: "highAvailability.mode",
        equals: "ZoneRedundant",
        create: 900,
        update: 450,
        delete: 450,
        basis: "estimate",
        source:
          "zone-redundant HA deploys two servers, a primary and a standby in another zone, and seeds replication (https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.PostgreSQL.ZoneRedundantHA): half as long again as one server is assumed",
      },
    ],
  },
  "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": est(90, 90, 90, `a write on the server, run by the server's one-operation-at-a-time queue (ServerBusy otherwise, components/orchestrator/postgres.ts); ${POLL}`),
  "azure-native:dbforpostgresql:Configuration": est(60, 60, 0, "a dynamic server parameter (azure.extensions) applied without restart, a long-running operation on the server; no delete (the provider resets nothing)"),
  "azure-native:dbforpostgresql:Database": est(30, 30, 30, `CREATE DATABASE through ARM, a long-running operation; ${POLL}`),

  // Key Vault
  "azure-native:keyvault:Vault": est(30, 20, 30, "vault PUT (RBAC mode, no access policies); deletes go to soft delete"),
  "azure-native:keyvault:Secret": est(5, 5, 0, `${SYNC_PUT}; never deleted by Pulumi (retainOnDelete, docs/ on Key Vault keys and secrets)`),
  "azure-native:keyvault:Key": est(5, 5, 0, `${SYNC_PUT}; never deleted by Pulumi (retainOnDelete)`),
  "azure-native:keyvault:PrivateEndpointConnection": est(20, 20, 20, "approval of a pending private endpoint connection: a short long-running operation"),

  // Identity and monitoring
  "azure-native:managedidentity:UserAssignedIdentity": est(5, 5, 10, SYNC_PUT),
  "azure-native:monitor:DiagnosticSetting": est(10, 10, 10, SYNC_PUT),
  "azure-native:operationalinsights:Workspace": est(30, 20, 30, `workspace PUT, a long-running operation; ${POLL}`),

  // Network
  "azure-native:network:VirtualNetwork": est(15, 15, 15, `VNet PUT (no gateway), a long-running operation; ${POLL}`),
  "azure-native:network:Subnet": est(10, 10, 20, "subnet PUT; subnets of one VNet are written one at a time by ARM (AnotherOperationInProgress otherwise)"),
  "azure-native:network:NetworkSecurityGroup": est(15, 15, 15, `NSG PUT, a long-running operation; ${POLL}`),
  "azure-native:network:PublicIPAddress": est(10, 10, 10, `Standard static IP PUT; ${POLL}`),
  "azure-native:network:NatGateway": est(30, 30, 30, `NAT gateway PUT, a long-running operation; ${POLL}`),
  "azure-native:network:PrivateEndpoint": est(90, 60, 60, "private endpoint PUT: creates a NIC in the subnet and the connection on the target; a long-running operation of about a minute", AZURERM("private_endpoint", 60)),
  "azure-native:network:PrivateDnsZoneGroup": est(30, 30, 30, "writes the endpoint's A records into the linked zones; a long-running operation"),
  "azure-native:privatedns:PrivateZone": est(60, 30, 60, `global resource, a long-running PUT; ${POLL}`),
  "azure-native:privatedns:VirtualNetworkLink": est(60, 30, 60, `links a zone to the VNet, a long-running PUT; ${POLL}`),
  "azure-native:privatedns:PrivateRecordSet": est(5, 5, 5, SYNC_PUT),

  // Storage
  "azure-native:storage:StorageAccount": est(30, 15, 15, `account PUT (HNS), a long-running operation; ${POLL}`),
  "azure-native:storage:BlobServiceProperties": est(5, 5, 5, SYNC_PUT),
  "azure-native:storage:BlobContainer": est(5, 5, 5, SYNC_PUT),
  "azure-native:storage:PrivateEndpointConnection": est(20, 20, 20, "approval of a pending private endpoint connection"),

  // Synapse
  "azure-native:synapse:Workspace": { create: 900, update: 300, delete: 600, basis: "measured", source: SYNAPSE_NOTE, upperBound: AZURERM("synapse_workspace", 30) },
  "azure-native:synapse:WorkspaceAadAdmin": est(60, 60, 60, `a write on the workspace's SQL side, a long-running operation; ${POLL}`),
  "azure-native:synapse:PrivateLinkHub": est(15, 15, 15, SYNC_PUT),
  "azure-native:synapse:PrivateEndpointConnection": est(30, 30, 30, "approval of a pending private endpoint connection"),
  // Optional pools (config synapse.dedicatedPool / sparkPool): not in today's stacks, listed so enabling one plans.
  "azure-native:synapse:SqlPool": est(600, 300, 300, "a dedicated SQL pool provisions compute and storage: minutes, like a server", AZURERM("synapse_sql_pool", 60)),
  "azure-native:synapse:BigDataPool": est(180, 120, 120, "a Spark pool is a definition: nodes start per session; the PUT is a long-running operation", AZURERM("synapse_spark_pool", 30)),

  // Entra ID
  "azuread:index/application:Application": est(10, 10, 10, GRAPH),
  "azuread:index/applicationPassword:ApplicationPassword": est(5, 5, 5, GRAPH),
  "azuread:index/servicePrincipal:ServicePrincipal": est(10, 10, 10, GRAPH),

  // Cloudflare
  "cloudflare:index/workersScript:WorkersScript": est(5, 5, 5, `${CLOUDFLARE}: a multipart upload of the bundle`),
  "cloudflare:index/workersCustomDomain:WorkersCustomDomain": est(10, 10, 10, `${CLOUDFLARE}; the edge certificate is issued afterwards, asynchronously`),
  "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared": est(3, 3, 3, CLOUDFLARE),
  "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig": est(3, 3, 3, CLOUDFLARE),
  "cloudflare:index/connectivityDirectoryService:ConnectivityDirectoryService": est(3, 3, 3, CLOUDFLARE),

  // Local
  "random:index/randomPassword:RandomPassword": { create: 0, update: 0, delete: 0, basis: "local", source: LOCAL },
  "time:index/offset:Offset": { create: 0, update: 0, delete: 0, basis: "local", source: LOCAL },
  "time:index/rotating:Rotating": { create: 0, update: 0, delete: 0, basis: "local", source: LOCAL },
  "time:index/sleep:Sleep": {
    create: 0,
    update: 0,
    delete: 0,
    basis: "documented",
    createFromInput: "createDuration",
    source: "time_sleep waits its create_duration on create (and on replacement, e.g. a changed trigger), nothing on update or delete: https://registry.terraform.io/providers/hashicorp/time/latest/docs/resources/sleep",
  },
};

/**
 * Invokes (getters) the program calls. Not nodes of the graph (the capture records no dependencies for them), so they
 * are not on the critical path; listed so their cost is known: each is one GET, about a second, run while the program
 * evaluates, before and alongside the first creates.
 */
export const INVOKE_TIMES: Readonly<Record<string, { seconds: number; source: string }>> = {
  "azure-native:resources:getResourceGroup": { seconds: 1, source: "one ARM GET — estimate" },
  "azure-native:keyvault:getVault": { seconds: 1, source: "one ARM GET — estimate" },
  "azure-native:storage:getStorageAccount": { seconds: 1, source: "one ARM GET — estimate" },
  "azure-native:synapse:getWorkspace": { seconds: 1, source: "one ARM GET — estimate" },
  "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken": { seconds: 1, source: "one Cloudflare API GET — estimate" },
};

/**
 * Explicit `dependsOn` edges the platform needs although no Output flows along them: real-world ordering the
 * resource graph cannot see. Matched by the type of the dependent resource and of the resource it waits for. The
 * estimator's check (test/tools/insight/deploy-time.test.ts) fails when any other explicit `dependsOn` makes the
 * critical path longer than the graph of data dependencies plus these.
 */
export interface OrderingNeed {
  readonly dependent: string;
  readonly dependency: string;
  readonly reason: string;
  readonly source: string;
}

const RBAC = "Role assignments take up to 10 minutes to take effect; the reader's create fails before that";
const RBAC_SRC = "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting (cited in components/identity/propagation.ts)";
const PG_BUSY = "A flexible server runs one operation at a time and answers a concurrent write with ServerBusy: writes to it are chained";
const PG_SRC = "components/orchestrator/postgres.ts (Azure/bicep-registry-modules#4451)";
const KV_DNS = "Container Apps resolve Key Vault references at create through the vault's private endpoint: the endpoint and its DNS zone group must exist or the vault name resolves to the public address, which is closed";
const KV_DNS_SRC = "https://learn.microsoft.com/azure/container-apps/manage-secrets (Key Vault references); components/orchestrator/index.ts, components/connector/index.ts";

export const ORDERING_NEEDS: readonly OrderingNeed[] = [
  // RBAC propagation
  { dependent: "azure-native:app:ContainerApp", dependency: "time:index/sleep:Sleep", reason: RBAC, source: RBAC_SRC },
  { dependent: "azure-native:app:ContainerApp", dependency: "azure-native:authorization:RoleAssignment", reason: `${RBAC} (the grant itself, which the Sleep also waits for)`, source: RBAC_SRC },
  { dependent: "azure-native:dataprotection:BackupInstance", dependency: "time:index/sleep:Sleep", reason: `${RBAC}: the vault checks its roles on the server when the instance is created`, source: RBAC_SRC },
  { dependent: "azure-native:dataprotection:BackupInstance", dependency: "azure-native:authorization:RoleAssignment", reason: "the vault checks its roles on the server when the instance is created", source: "components/backup/index.ts" },
  // Key Vault data-plane readiness (private DNS before apps)
  { dependent: "azure-native:app:ContainerApp", dependency: "azure-native:network:PrivateEndpoint", reason: KV_DNS, source: KV_DNS_SRC },
  { dependent: "azure-native:app:ContainerApp", dependency: "azure-native:network:PrivateDnsZoneGroup", reason: KV_DNS, source: KV_DNS_SRC },
  { dependent: "azure-native:app:ContainerApp", dependency: "azure-native:keyvault:Secret", reason: "the app references the secret's current version at create", source: "components/orchestrator/index.ts" },
  // The Prefect server's database must accept it before its revision can become healthy
  { dependent: "azure-native:app:ContainerApp", dependency: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra", reason: "the server app logs in to Postgres with its Entra identity at start: the Entra admin must be set", source: "components/orchestrator/index.ts (postgres.ready)" },
  { dependent: "azure-native:app:ContainerApp", dependency: "azure-native:dbforpostgresql:Configuration", reason: "Prefect's migrations create the extensions azure.extensions allows", source: "components/orchestrator/postgres.ts" },
  { dependent: "azure-native:app:ContainerApp", dependency: "azure-native:dbforpostgresql:Database", reason: "the server app connects to its database at start", source: "components/orchestrator/postgres.ts" },
  // Postgres write serialization
  { dependent: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra", dependency: "azure-native:network:PrivateEndpoint", reason: `${PG_BUSY} (the endpoint's connection is a write on the server)`, source: PG_SRC },
  { dependent: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra", dependency: "azure-native:network:PrivateDnsZoneGroup", reason: PG_BUSY, source: PG_SRC },
  { dependent: "azure-native:dbforpostgresql:Configuration", dependency: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra", reason: PG_BUSY, source: PG_SRC },
  { dependent: "azure-native:dbforpostgresql:Database", dependency: "azure-native:dbforpostgresql:Configuration", reason: PG_BUSY, source: PG_SRC },
  { dependent: "azure-native:monitor:DiagnosticSetting", dependency: "azure-native:dbforpostgresql:Database", reason: PG_BUSY, source: PG_SRC },
  { dependent: "azure-native:authorization:ManagementLockByScope", dependency: "azure-native:monitor:DiagnosticSetting", reason: PG_BUSY, source: PG_SRC },
  { dependent: "azure-native:dataprotection:BackupInstance", dependency: "azure-native:authorization:ManagementLockByScope", reason: `${PG_BUSY}: the backup instance waits for the end of the chain`, source: PG_SRC },
  { dependent: "azure-native:dataprotection:BackupInstance", dependency: "azure-native:monitor:DiagnosticSetting", reason: `${PG_BUSY}: the end of the chain where there is no lock (dev, test)`, source: PG_SRC },
  // VNet subnet serialization
  {
    dependent: "azure-native:network:Subnet",
    dependency: "azure-native:network:Subnet",
    reason: "ARM writes the subnets of one VNet one at a time; a concurrent PUT gets 409 AnotherOperationInProgress and azure-native retries it after 20-120 s, so the chain is no slower than reality",
    source: "components/network/index.ts; pulumi/pulumi-azure-native provider/pkg/azure/client_azcore.go (shouldRetryConflict)",
  },
  // Data protection before data
  {
    dependent: "azure-native:storage:BlobContainer",
    dependency: "azure-native:storage:BlobServiceProperties",
    reason: "blob and container soft delete (delete retention policies) are in force before the first filesystem exists, so no filesystem is ever unprotected",
    source: "components/datalake.ts; https://learn.microsoft.com/azure/storage/blobs/soft-delete-container-overview",
  },
  // Names that are references: the dependency is real data, passed as a constant name rather than an Output
  { dependent: "azure-native:datafactory:ManagedPrivateEndpoint", dependency: "azure-native:resources:Resource", reason: "names the factory's managed VNet (managedVirtualNetworkName) by constant: it must exist", source: "components/datafactory/index.ts" },
  { dependent: "azure-native:datafactory:IntegrationRuntime", dependency: "azure-native:resources:Resource", reason: "references the managed VNet by name (ManagedVirtualNetworkReference)", source: "components/datafactory/index.ts" },
  { dependent: "azure-native:datafactory:LinkedService", dependency: "azure-native:datafactory:IntegrationRuntime", reason: "connectVia names the integration runtime: it must exist", source: "components/datafactory/index.ts" },
];
