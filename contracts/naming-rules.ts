/**
 * Azure's naming rules for the resource kinds this platform names, from
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules.
 * `pattern` is the whole-name rule (charset, first/last character); lengths are checked separately.
 */
export interface NamingRule {
  /** Pulumi type tokens whose `nameInput` this rule governs (the graph tests check every one in every stack). */
  types: readonly string[];
  /** The input that carries the Azure name on the azure-native resource. */
  nameInput: string;
  /** Abbreviation from the Cloud Adoption Framework, used as the name's prefix. */
  abbreviation: string;
  minLength: number;
  maxLength: number;
  pattern: RegExp;
  /** Lower-case letters and digits only: parts are joined without separators. */
  compact?: boolean;
  /** The name is a DNS label or otherwise unique across Azure: it gets the deterministic suffix. */
  globallyUnique?: boolean;
  /** Extra forbidden forms Azure documents beyond the pattern. */
  forbidden?: RegExp;
}

const ALNUM_HYPHEN_LOWER = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export const NAMING_RULES = {
  resourceGroup: { types: ["azure-native:resources:ResourceGroup"], nameInput: "resourceGroupName", abbreviation: "rg", minLength: 1, maxLength: 90, pattern: /^[-\w.()]*[-\w()]$/ },
  virtualNetwork: { types: ["azure-native:network:VirtualNetwork"], nameInput: "virtualNetworkName", abbreviation: "vnet", minLength: 2, maxLength: 64, pattern: /^\w([-\w.]*\w)?$/ },
  subnet: { types: ["azure-native:network:Subnet"], nameInput: "subnetName", abbreviation: "snet", minLength: 1, maxLength: 80, pattern: /^\w([-\w.]*\w)?$/ },
  networkSecurityGroup: { types: ["azure-native:network:NetworkSecurityGroup"], nameInput: "networkSecurityGroupName", abbreviation: "nsg", minLength: 1, maxLength: 80, pattern: /^\w([-\w.]*\w)?$/ },
  // https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork
  publicIp: { types: ["azure-native:network:PublicIPAddress"], nameInput: "publicIpAddressName", abbreviation: "pip", minLength: 1, maxLength: 80, pattern: /^\w([-\w.]*\w)?$/ },
  natGateway: { types: ["azure-native:network:NatGateway"], nameInput: "natGatewayName", abbreviation: "ng", minLength: 1, maxLength: 80, pattern: /^\w([-\w.]*\w)?$/ },
  privateEndpoint: { types: ["azure-native:network:PrivateEndpoint"], nameInput: "privateEndpointName", abbreviation: "pep", minLength: 2, maxLength: 64, pattern: /^\w([-\w.]*\w)?$/ },
  privateDnsZoneLink: { types: ["azure-native:privatedns:VirtualNetworkLink"], nameInput: "virtualNetworkLinkName", abbreviation: "vnetlink", minLength: 1, maxLength: 80, pattern: /^\w([-\w.]*\w)?$/ },
  logAnalyticsWorkspace: { types: ["azure-native:operationalinsights:Workspace"], nameInput: "workspaceName", abbreviation: "log", minLength: 4, maxLength: 63, pattern: /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/ },
  keyVault: { types: ["azure-native:keyvault:Vault"],
    nameInput: "vaultName",
    abbreviation: "kv",
    minLength: 3,
    maxLength: 24,
    pattern: /^[a-zA-Z]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    forbidden: /--/,
    globallyUnique: true,
  },
  // Keys and secrets live inside one environment's vault: named by purpose (e.g. `platform-cmk`), not by env/region.
  keyVaultKey: { types: ["azure-native:keyvault:Key"], nameInput: "keyName", abbreviation: "key", minLength: 1, maxLength: 127, pattern: /^[0-9A-Za-z-]+$/ },
  keyVaultSecret: { types: ["azure-native:keyvault:Secret"], nameInput: "secretName", abbreviation: "secret", minLength: 1, maxLength: 127, pattern: /^[0-9A-Za-z-]+$/ },
  storageAccount: { types: ["azure-native:storage:StorageAccount"], nameInput: "accountName", abbreviation: "st", minLength: 3, maxLength: 24, pattern: /^[a-z0-9]+$/, compact: true, globallyUnique: true },
  synapseWorkspace: { types: ["azure-native:synapse:Workspace"],
    nameInput: "workspaceName",
    abbreviation: "synw",
    minLength: 1,
    maxLength: 50,
    pattern: ALNUM_HYPHEN_LOWER,
    forbidden: /-ondemand/,
    globallyUnique: true,
  },
  synapsePrivateLinkHub: { types: ["azure-native:synapse:PrivateLinkHub"], nameInput: "privateLinkHubName", abbreviation: "synplh", minLength: 1, maxLength: 45, pattern: /^[a-z0-9]+$/, compact: true },
  dataFactory: { types: ["azure-native:datafactory:Factory"], nameInput: "factoryName", abbreviation: "adf", minLength: 3, maxLength: 63, pattern: /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/, forbidden: /--/, globallyUnique: true },
  backupVault: { types: ["azure-native:dataprotection:BackupVault"], nameInput: "vaultName", abbreviation: "bvault", minLength: 2, maxLength: 50, pattern: /^[A-Za-z][-A-Za-z0-9]*$/ },
  backupPolicy: { types: ["azure-native:dataprotection:BackupPolicy"], nameInput: "backupPolicyName", abbreviation: "bkpol", minLength: 3, maxLength: 150, pattern: /^[A-Za-z][-A-Za-z0-9]*$/ },
  backupInstance: { types: ["azure-native:dataprotection:BackupInstance"], nameInput: "backupInstanceName", abbreviation: "bi", minLength: 3, maxLength: 150, pattern: /^[A-Za-z][-A-Za-z0-9]*$/ },
  postgresServer: { types: ["azure-native:dbforpostgresql:Server"], nameInput: "serverName", abbreviation: "psql", minLength: 3, maxLength: 63, pattern: ALNUM_HYPHEN_LOWER, globallyUnique: true },
  containerAppsEnvironment: { types: ["azure-native:app:ManagedEnvironment"], nameInput: "environmentName", abbreviation: "cae", minLength: 2, maxLength: 60, pattern: ALNUM_HYPHEN_LOWER },
  containerApp: { types: ["azure-native:app:ContainerApp"], nameInput: "containerAppName", abbreviation: "ca", minLength: 2, maxLength: 32, pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/, forbidden: /--/ },
  // Container Apps jobs: the containerApps rule (2-32, lower-case letters, digits, hyphens; letter first; no "--"); CAF abbreviation "caj".
  containerAppJob: { types: ["azure-native:app:Job"], nameInput: "jobName", abbreviation: "caj", minLength: 2, maxLength: 32, pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/, forbidden: /--/ },
  userAssignedIdentity: { types: ["azure-native:managedidentity:UserAssignedIdentity"], nameInput: "resourceName", abbreviation: "id", minLength: 3, maxLength: 128, pattern: /^[A-Za-z0-9][-\w]*$/ },
  managementLock: { types: ["azure-native:authorization:ManagementLockByScope"], nameInput: "lockName", abbreviation: "lock", minLength: 1, maxLength: 90, pattern: /^[^<>%&:\\?/]+$/ },
  diagnosticSetting: { types: ["azure-native:monitor:DiagnosticSetting"], nameInput: "name", abbreviation: "diag", minLength: 1, maxLength: 260, pattern: /^[^<>*%&:\\?+/]+$/ },
  blobContainer: { types: ["azure-native:storage:BlobContainer"], nameInput: "containerName", abbreviation: "fs", minLength: 3, maxLength: 63, pattern: ALNUM_HYPHEN_LOWER, forbidden: /--/ },
  synapseSqlPool: { types: ["azure-native:synapse:SqlPool"], nameInput: "sqlPoolName", abbreviation: "syndp", minLength: 1, maxLength: 60, pattern: /^[A-Za-z0-9_]+$/, compact: true },
  synapseSparkPool: { types: ["azure-native:synapse:BigDataPool"], nameInput: "bigDataPoolName", abbreviation: "synsp", minLength: 1, maxLength: 15, pattern: /^[A-Za-z][A-Za-z0-9]*$/, compact: true },
  dataFactoryIntegrationRuntime: { types: ["azure-native:datafactory:IntegrationRuntime"], nameInput: "integrationRuntimeName", abbreviation: "ir", minLength: 3, maxLength: 63, pattern: /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/, forbidden: /--/ },
  dataFactoryManagedPrivateEndpoint: { types: ["azure-native:datafactory:ManagedPrivateEndpoint"], nameInput: "managedPrivateEndpointName", abbreviation: "mpe", minLength: 1, maxLength: 127, pattern: /^[A-Za-z0-9_][^<>*#.%&:\\+?/]*$/ },
  // Gateway allowlist mode: one rule per Cloudflare IPv4 range, named by position (`cloudflare-<n>`).
  synapseFirewallRule: { types: ["azure-native:synapse:IpFirewallRule"], nameInput: "ruleName", abbreviation: "fw", minLength: 1, maxLength: 128, pattern: /^[^<>*%&:\\/?]*[^<>*%&:\\/?.]$/ },
  dataFactoryLinkedService: { types: ["azure-native:datafactory:LinkedService"], nameInput: "linkedServiceName", abbreviation: "ls", minLength: 1, maxLength: 260, pattern: /^[A-Za-z0-9_][^<>*#.%&:\\+?/]*$/ },
} satisfies Record<string, NamingRule>;

/**
 * azure-native types whose Azure name is not chosen by the naming helper, and why. A type in the graph that is in
 * neither a rule's `types` nor here fails the naming test: add a rule (or a reason) when you add a resource type.
 */
export const UNNAMED_TYPES: Record<string, string> = {
  "azure-native:privatedns:PrivateZone": "the zone name is fixed by the private-link service (privatelink.*)",
  "azure-native:network:PrivateDnsZoneGroup": "always named 'default' under its private endpoint",
  "azure-native:authorization:RoleAssignment": "ARM names role assignments by GUID; the provider generates it",
  "azure-native:dbforpostgresql:Configuration": "a server parameter: its name is Postgres's own (e.g. azure.extensions)",
  "azure-native:dbforpostgresql:Database": "the application's database name (prefect), fixed by what connects to it",
  "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": "named by the administrator's Entra object ID",
  "azure-native:privatedns:PrivateRecordSet": "a DNS record name inside its zone (e.g. the wildcard '*')",
  "azure-native:storage:BlobServiceProperties": "a singleton, always 'default' under its storage account",
  "azure-native:synapse:WorkspaceAadAdmin": "a singleton ('activeDirectory') under its Synapse workspace",
  "azure-native:resources:Resource": "generic ARM resource, used for fixed-name singletons (Data Factory managedVirtualNetworks/default)",
  "azure-native:storage:PrivateEndpointConnection": "named by Azure when a (managed) private endpoint requests it; looked up, not chosen",
  "azure-native:keyvault:PrivateEndpointConnection": "named by Azure when a (managed) private endpoint requests it; looked up, not chosen",
  "azure-native:synapse:PrivateEndpointConnection": "named by Azure when a (managed) private endpoint requests it; looked up, not chosen",
};

export type ResourceKind = keyof typeof NAMING_RULES;
