import { createHash } from "node:crypto";
import { addDays, unixSeconds } from "../../lib/dates";
import { providerResourceId, resourceGroupId } from "../../lib/resource-id";
import { genericResourceId, PRIVATE_LINK_CHILD_TYPES, PRIVATE_LINK_INVOKES, PRIVATE_LINK_STATE } from "./mock-private-link";

/**
 * What the offline mocks answer for resources and invokes: deterministic stand-ins for the values Azure, Entra and
 * Cloudflare compute (IDs, principal IDs, endpoints). Deterministic so that two evaluations give identical graphs.
 * Tests must never treat these values as evidence; they only let the program's wiring resolve.
 */
export const MOCK_SUBSCRIPTION_ID = "00000000-0000-4000-8000-00000000c0de";
export const MOCK_TENANT_ID = "00000000-0000-4000-8000-0000000000e1";

export function mockUuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** ARM resource types for the tokens whose ID shape matters (child resources, scope-based extension resources). */
const ARM_TYPES: Record<string, string> = {
  "azure-native:operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces",
  "azure-native:network:VirtualNetwork": "Microsoft.Network/virtualNetworks",
  "azure-native:network:NetworkSecurityGroup": "Microsoft.Network/networkSecurityGroups",
  "azure-native:network:PrivateEndpoint": "Microsoft.Network/privateEndpoints",
  "azure-native:privatedns:PrivateZone": "Microsoft.Network/privateDnsZones",
  "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults",
  "azure-native:storage:StorageAccount": "Microsoft.Storage/storageAccounts",
  "azure-native:synapse:Workspace": "Microsoft.Synapse/workspaces",
  "azure-native:synapse:PrivateLinkHub": "Microsoft.Synapse/privateLinkHubs",
  "azure-native:datafactory:Factory": "Microsoft.DataFactory/factories",
  "azure-native:dataprotection:BackupVault": "Microsoft.DataProtection/backupVaults",
  "azure-native:dbforpostgresql:Server": "Microsoft.DBforPostgreSQL/flexibleServers",
  "azure-native:app:ManagedEnvironment": "Microsoft.App/managedEnvironments",
  "azure-native:app:ContainerApp": "Microsoft.App/containerApps",
  "azure-native:managedidentity:UserAssignedIdentity": "Microsoft.ManagedIdentity/userAssignedIdentities",
};

/** Child resources: ID = parent ID + segment. [parent type, parent name input, child segment]. */
const CHILD_TYPES: Record<string, [string, string, string]> = {
  "azure-native:network:Subnet": ["Microsoft.Network/virtualNetworks", "virtualNetworkName", "subnets"],
  "azure-native:network:PrivateDnsZoneGroup": ["Microsoft.Network/privateEndpoints", "privateEndpointName", "privateDnsZoneGroups"],
  "azure-native:privatedns:VirtualNetworkLink": ["Microsoft.Network/privateDnsZones", "privateZoneName", "virtualNetworkLinks"],
  "azure-native:keyvault:Secret": ["Microsoft.KeyVault/vaults", "vaultName", "secrets"],
  "azure-native:keyvault:Key": ["Microsoft.KeyVault/vaults", "vaultName", "keys"],
  "azure-native:storage:BlobContainer": ["Microsoft.Storage/storageAccounts", "accountName", "blobServices/default/containers"],
  "azure-native:storage:BlobServiceProperties": ["Microsoft.Storage/storageAccounts", "accountName", "blobServices"],
  ...PRIVATE_LINK_CHILD_TYPES,
};

/** Extension resources whose ID hangs off `scope` / `resourceUri`. */
const EXTENSION_TYPES: Record<string, [string, string]> = {
  "azure-native:authorization:RoleAssignment": ["scope", "Microsoft.Authorization/roleAssignments"],
  "azure-native:authorization:ManagementLockByScope": ["scope", "Microsoft.Authorization/locks"],
  "azure-native:monitor:DiagnosticSetting": ["resourceUri", "Microsoft.Insights/diagnosticSettings"],
};

export function mockResourceId(type: string, name: string, inputs: Record<string, unknown>): string {
  if (!type.startsWith("azure-native:")) return mockUuid(`${type}::${name}`);
  const azureName = String(guessAzureName(type, inputs) ?? name);
  const rg = resourceGroupId(MOCK_SUBSCRIPTION_ID, String(inputs["resourceGroupName"] ?? "rg-unknown"));
  if (type === "azure-native:resources:ResourceGroup") return rg;
  if (type === "azure-native:resources:Resource") return genericResourceId(rg, inputs);
  const extension = EXTENSION_TYPES[type];
  if (extension) {
    const [provider, extensionType] = splitArmType(extension[1]);
    return providerResourceId(String(inputs[extension[0]]), provider, [[extensionType, azureName]]);
  }
  const child = CHILD_TYPES[type];
  if (child) {
    const [provider, parentType] = splitArmType(child[0]);
    // The child segment may carry a fixed name between its types (`blobServices/default/containers`): it stays whole.
    return providerResourceId(rg, provider, [[parentType, String(inputs[child[1]])], [child[2], azureName]]);
  }
  const [, module, kind] = type.split(":") as [string, string, string];
  const [provider, armType] = splitArmType(ARM_TYPES[type] ?? `Microsoft.${module}/${kind.charAt(0).toLowerCase()}${kind.slice(1)}s`);
  return providerResourceId(rg, provider, [[armType, azureName]]);
}

/** `Microsoft.KeyVault/vaults` → [`Microsoft.KeyVault`, `vaults`]. */
function splitArmType(armType: string): [provider: string, type: string] {
  const slash = armType.indexOf("/");
  return [armType.slice(0, slash), armType.slice(slash + 1)];
}

function guessAzureName(type: string, inputs: Record<string, unknown>): unknown {
  if (type === "azure-native:resources:ResourceGroup") return inputs["resourceGroupName"];
  if (type === "azure-native:authorization:RoleAssignment") return inputs["roleAssignmentName"] ?? mockUuid(JSON.stringify(inputs));
  // The resource's own name input (`privateEndpointName` on PrivateEndpoint) wins over other *Name inputs it carries.
  const kind = type.split(":")[2] ?? "";
  const ownInput = inputs[`${kind.charAt(0).toLowerCase()}${kind.slice(1)}Name`];
  if (typeof ownInput === "string") return ownInput;
  const candidates = Object.keys(inputs).filter((k) => k.endsWith("Name") && k !== "resourceGroupName");
  const own = candidates.find((k) => !Object.values(CHILD_TYPES).some(([, parentInput]) => parentInput === k) || candidates.length === 1);
  return own ? inputs[own] : inputs["name"];
}

/** The full mock state of a custom resource: its inputs, its Azure `name`, a system identity and computed outputs. */
export function mockState(type: string, name: string, inputs: Record<string, unknown>): { id: string; state: Record<string, unknown> } {
  const id = mockResourceId(type, name, inputs);
  const azureName = type.startsWith("azure-native:") ? { name: String(guessAzureName(type, inputs) ?? name) } : {};
  const computed = COMPUTED_STATE[type]?.(inputs, id, name) ?? {};
  return { id, state: { ...inputs, ...azureName, ...systemIdentity(inputs, id), ...computed } };
}

/** How a secret value is marked on the wire between the SDK and the (mock) monitor. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

type StateBuilder = (inputs: Record<string, unknown>, id: string, name: string) => Record<string, unknown>;

/** Computed outputs per token, beyond echoing the inputs. Extend when a component reads a new computed output. */
export const COMPUTED_STATE: Record<string, StateBuilder> = {
  ...PRIVATE_LINK_STATE,
  "azure-native:managedidentity:UserAssignedIdentity": (_i, id) => ({
    principalId: mockUuid(`${id}#principal`),
    clientId: mockUuid(`${id}#client`),
    tenantId: MOCK_TENANT_ID,
  }),
  "azure-native:storage:StorageAccount": (i) => ({
    primaryEndpoints: {
      blob: `https://${String(i["accountName"])}.blob.core.windows.net/`,
      dfs: `https://${String(i["accountName"])}.dfs.core.windows.net/`,
    },
  }),
  "azure-native:keyvault:Vault": (i) => ({
    properties: { ...(i["properties"] as object), vaultUri: `https://${String(i["vaultName"])}.vault.azure.net/` },
  }),
  // Key Vault answers the versionless URI (what Container Apps references follow) and the URI of this version.
  "azure-native:keyvault:Secret": (i, id) => {
    const uri = `https://${String(i["vaultName"])}.vault.azure.net/secrets/${String(i["secretName"])}`;
    // `properties` holds the value, so it arrives as one secret: answer inside the same secret wrapper.
    const input = (i["properties"] ?? {}) as Record<string, unknown>;
    const wrapped = input[SECRET_SIG] === SECRET_SIG_VALUE;
    const properties = { ...((wrapped ? input["value"] : input) as object), secretUri: uri, secretUriWithVersion: `${uri}/${mockUuid(id).replace(/-/g, "")}` };
    return { properties: wrapped ? { [SECRET_SIG]: SECRET_SIG_VALUE, value: properties } : properties };
  },
  // azure-native flattens the key's `properties` into top-level outputs (x-ms-client-flatten in the keys.json spec).
  "azure-native:keyvault:Key": (i) => {
    const p = (i["properties"] ?? {}) as Record<string, unknown>;
    const uri = `https://${String(i["vaultName"])}.vault.azure.net/keys/${String(i["keyName"])}`;
    return { ...p, keyUri: uri, keyUriWithVersion: `${uri}/${mockUuid(uri).replace(/-/g, "")}` };
  },
  "azuread:index/application:Application": (_i, id) => ({ clientId: mockUuid(`${id}#client`), objectId: id }),
  "azuread:index/servicePrincipal:ServicePrincipal": (_i, id) => ({ objectId: id }),
  // Stand-in for the client secret Entra generates: deterministic, recognisably fake, traceable through the graph.
  "azuread:index/applicationPassword:ApplicationPassword": (_i, id) => ({ value: `mock-client-secret-${mockUuid(`${id}#value`)}`, keyId: mockUuid(`${id}#key`) }),
  "time:index/offset:Offset": (i) => timestamps(MOCK_NOW, addDays(MOCK_NOW, Number(i["offsetDays"] ?? 0)), "offset"),
  // The base is `rfc3339` when set (a slot based half a period after another), otherwise "now", as the provider does.
  "time:index/rotating:Rotating": (i) => {
    const base = typeof i["rfc3339"] === "string" ? i["rfc3339"] : MOCK_NOW;
    return timestamps(base, addDays(base, Number(i["rotationDays"] ?? 0)), "rotation");
  },
  "time:index/static:Static": () => timestamps(MOCK_NOW, MOCK_NOW, "static"),
  "azure-native:app:ManagedEnvironment": (i, id) => ({
    defaultDomain: `${mockUuid(id).slice(0, 12)}.${String(i["location"] ?? "westeurope")}.azurecontainerapps.io`,
    staticIp: "10.0.0.62",
  }),
  // ARM answers the internal FQDN of an app once its environment exists; the mock derives it from the app's name.
  "azure-native:app:ContainerApp": (i) => {
    const configuration = (i["configuration"] ?? {}) as { ingress?: Record<string, unknown> };
    const fqdn = `${String(i["containerAppName"])}.internal.mock-env.westeurope.azurecontainerapps.io`;
    return {
      latestRevisionFqdn: configuration.ingress ? fqdn.replace(/^([^.]+)/, "$1--0000001") : "",
      configuration: { ...configuration, ...(configuration.ingress ? { ingress: { ...configuration.ingress, fqdn } } : {}) },
    };
  },
  "azure-native:dbforpostgresql:Server": (i) => ({ fullyQualifiedDomainName: `${String(i["serverName"])}.postgres.database.azure.com` }),
  // Stand-in for a generated secret: deterministic so graphs compare equal; never a real credential.
  "random:index/randomPassword:RandomPassword": (_i, id) => ({ result: `mock-${mockUuid(`${id}#password`)}` }),
  // Okta (components/okta): the org of the stack's explicit provider, registered before its resources, gives the
  // issuer Okta computes for an ORG_URL authorization server: https://<org>.<baseUrl>/oauth2/<id>
  // (okta/terraform-provider-okta docs/resources/auth_server.md `issuer`).
  "pulumi:providers:okta": (i) => {
    oktaOrg = `${String(i["orgName"])}.${String(i["baseUrl"])}`;
    return {};
  },
  "okta:auth/server:Server": (_i, id) => ({ issuer: `https://${oktaOrg ?? "mock-org.okta.com"}/oauth2/${id}` }),
  "okta:app/oAuth:OAuth": (_i, id) => ({ clientId: oktaId("0oa", id) }),
};

/** The Okta org of the last registered okta provider (one program per process). */
let oktaOrg: string | undefined;
/** Okta-shaped IDs: a 3-character type prefix and 17 more characters (`0oa…` client IDs, `00g…` groups). */
const oktaId = (prefix: string, seed: string) => `${prefix}${createHash("sha256").update(seed).digest("hex").slice(0, 17)}`;

/** A fixed "now" for the time provider's resources, so graphs stay deterministic. */
export const MOCK_NOW = "2026-01-01T00:00:00Z";

/** Offset: `rfc3339`/`unix` are the shifted time. Rotating: `rfc3339` is the start, `rotationRfc3339` the deadline. */
function timestamps(start: string, shifted: string, kind: "offset" | "rotation" | "static"): Record<string, unknown> {
  const at = kind === "offset" ? shifted : start;
  return {
    rfc3339: at,
    unix: unixSeconds(at),
    ...(kind === "offset" ? { baseRfc3339: start } : {}),
    ...(kind === "rotation" ? { rotationRfc3339: shifted } : {}),
  };
}

/** Resources with a system-assigned identity get a principal ID, as Azure assigns one at creation. */
export function systemIdentity(inputs: Record<string, unknown>, id: string): Record<string, unknown> | undefined {
  const identity = inputs["identity"] as { type?: string } | undefined;
  if (!identity?.type || !/SystemAssigned/i.test(identity.type)) return undefined;
  return { identity: { ...identity, principalId: mockUuid(`${id}#system`), tenantId: MOCK_TENANT_ID } };
}

/** Published Cloudflare ranges (https://www.cloudflare.com/ips/), as the getIpRanges data source returns them. */
export const CLOUDFLARE_IP_RANGES = {
  ipv4Cidrs: [
    "173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22", "141.101.64.0/18", "108.162.192.0/18",
    "190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22", "198.41.128.0/17", "162.158.0.0/15", "104.16.0.0/13",
    "104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22",
  ],
  ipv6Cidrs: [
    "2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32", "2405:8100::/32", "2a06:98c0::/29", "2c0f:f248::/32",
  ],
};

type InvokeHandler = (inputs: Record<string, unknown>) => Record<string, unknown>;

/** Invokes the program may make offline. Anything else throws: an unmocked data source is a harness gap, not a pass. */
export const MOCK_INVOKES: Record<string, InvokeHandler> = {
  ...PRIVATE_LINK_INVOKES,
  "azure-native:authorization:getClientConfig": () => ({
    clientId: mockUuid("deployer#client"),
    objectId: mockUuid("deployer#object"),
    subscriptionId: MOCK_SUBSCRIPTION_ID,
    tenantId: MOCK_TENANT_ID,
  }),
  "azuread:index/getClientConfig:getClientConfig": () => ({
    clientId: mockUuid("deployer#client"),
    objectId: mockUuid("deployer#object"),
    tenantId: MOCK_TENANT_ID,
  }),
  "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken": (i) => ({
    accountId: i["accountId"],
    tunnelId: i["tunnelId"],
    token: `mock-tunnel-token-${mockUuid(`tunnel#${String(i["tunnelId"])}`)}`,
  }),
  // Microsoft Graph's service principal in the tenant (looked up to grant the deploy identity a Graph app role).
  "azuread:index/getServicePrincipal:getServicePrincipal": (i) => {
    const key = String(i["clientId"] ?? i["displayName"] ?? i["objectId"]);
    return { id: mockUuid(`sp#${key}`), objectId: mockUuid(`sp#${key}`), clientId: String(i["clientId"] ?? mockUuid(`sp-client#${key}`)) };
  },
  // The environment's resource group, which bootstrap creates and the platform stack only reads (stacks/platform.ts).
  // Region: the one every stack file uses; nothing places resources by it (placement takes dataplatform:location).
  "azure-native:resources:getResourceGroup": (i) => ({
    id: resourceGroupId(MOCK_SUBSCRIPTION_ID, String(i["resourceGroupName"])),
    name: String(i["resourceGroupName"]),
    location: "westeurope",
    properties: { provisioningState: "Succeeded" },
  }),
  // An Okta group found by its exact name (components/okta checks the name it gets back).
  "okta:group/getGroup:getGroup": (i) => ({ id: oktaId("00g", `group#${String(i["name"])}`), name: String(i["name"]), description: "", users: [] }),
  "cloudflare:index/getIpRanges:getIpRanges": () => ({ ...CLOUDFLARE_IP_RANGES, cidrs: [...CLOUDFLARE_IP_RANGES.ipv4Cidrs, ...CLOUDFLARE_IP_RANGES.ipv6Cidrs] }),
};
