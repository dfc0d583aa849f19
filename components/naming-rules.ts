/**
 * Azure's naming rules for the resource kinds this platform names, from
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules.
 * `pattern` is the whole-name rule (charset, first/last character); lengths are checked separately.
 */
export interface NamingRule {
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
  resourceGroup: { nameInput: "resourceGroupName", abbreviation: "rg", minLength: 1, maxLength: 90, pattern: /^[-\w.()]*[-\w()]$/ },
  virtualNetwork: { nameInput: "virtualNetworkName", abbreviation: "vnet", minLength: 2, maxLength: 64, pattern: /^\w([-\w.]*\w)?$/ },
  subnet: { nameInput: "subnetName", abbreviation: "snet", minLength: 1, maxLength: 80, pattern: /^\w([-\w.]*\w)?$/ },
  networkSecurityGroup: { nameInput: "networkSecurityGroupName", abbreviation: "nsg", minLength: 1, maxLength: 80, pattern: /^\w([-\w.]*\w)?$/ },
  privateEndpoint: { nameInput: "privateEndpointName", abbreviation: "pep", minLength: 2, maxLength: 64, pattern: /^\w([-\w.]*\w)?$/ },
  privateDnsZoneLink: { nameInput: "virtualNetworkLinkName", abbreviation: "vnetlink", minLength: 1, maxLength: 80, pattern: /^\w([-\w.]*\w)?$/ },
  logAnalyticsWorkspace: { nameInput: "workspaceName", abbreviation: "log", minLength: 4, maxLength: 63, pattern: /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/ },
  keyVault: {
    nameInput: "vaultName",
    abbreviation: "kv",
    minLength: 3,
    maxLength: 24,
    pattern: /^[a-zA-Z]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    forbidden: /--/,
    globallyUnique: true,
  },
  storageAccount: { nameInput: "accountName", abbreviation: "st", minLength: 3, maxLength: 24, pattern: /^[a-z0-9]+$/, compact: true, globallyUnique: true },
  synapseWorkspace: {
    nameInput: "workspaceName",
    abbreviation: "synw",
    minLength: 1,
    maxLength: 50,
    pattern: ALNUM_HYPHEN_LOWER,
    forbidden: /-ondemand/,
    globallyUnique: true,
  },
  synapsePrivateLinkHub: { nameInput: "privateLinkHubName", abbreviation: "synplh", minLength: 1, maxLength: 45, pattern: /^[a-z0-9]+$/, compact: true },
  dataFactory: { nameInput: "factoryName", abbreviation: "adf", minLength: 3, maxLength: 63, pattern: /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/, forbidden: /--/, globallyUnique: true },
  backupVault: { nameInput: "vaultName", abbreviation: "bvault", minLength: 2, maxLength: 50, pattern: /^[A-Za-z][-A-Za-z0-9]*$/ },
  postgresServer: { nameInput: "serverName", abbreviation: "psql", minLength: 3, maxLength: 63, pattern: ALNUM_HYPHEN_LOWER, globallyUnique: true },
  containerAppsEnvironment: { nameInput: "environmentName", abbreviation: "cae", minLength: 2, maxLength: 60, pattern: ALNUM_HYPHEN_LOWER },
  containerApp: { nameInput: "containerAppName", abbreviation: "ca", minLength: 2, maxLength: 32, pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/, forbidden: /--/ },
  userAssignedIdentity: { nameInput: "resourceName", abbreviation: "id", minLength: 3, maxLength: 128, pattern: /^[A-Za-z0-9][-\w]*$/ },
  managementLock: { nameInput: "lockName", abbreviation: "lock", minLength: 1, maxLength: 90, pattern: /^[^<>%&:\\?/]+$/ },
  diagnosticSetting: { nameInput: "name", abbreviation: "diag", minLength: 1, maxLength: 260, pattern: /^[^<>*%&:\\?+/]+$/ },
} satisfies Record<string, NamingRule>;

export type ResourceKind = keyof typeof NAMING_RULES;

/** Checks one name against its kind's rule; returns what is wrong, or undefined. */
export function namingViolation(kind: ResourceKind, name: string): string | undefined {
  const rule: NamingRule = NAMING_RULES[kind];
  if (name.length < rule.minLength || name.length > rule.maxLength) {
    return `${kind} name "${name}" is ${name.length} characters; Azure allows ${rule.minLength}-${rule.maxLength}`;
  }
  if (!rule.pattern.test(name)) return `${kind} name "${name}" does not match ${rule.pattern}`;
  if (rule.forbidden?.test(name)) return `${kind} name "${name}" contains the forbidden form ${rule.forbidden}`;
  return undefined;
}
