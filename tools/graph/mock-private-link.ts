import { isResourceType, parseResourceId, providerResourceId, resourceGroupId, tryParseResourceId } from "../../lib/resource-id";

/**
 * Offline stand-in for what Azure does when a managed private endpoint (Data Factory or Synapse managed VNet) is
 * created: a *Pending* private endpoint connection appears on the target, named by Azure, whose private endpoint is
 * `<factory or workspace>.<managed endpoint name>` in a Microsoft-managed subscription. The reads of the target
 * (`get*` invokes) then list those connections, exactly as the approval code expects to find them in real use.
 * Only the program's wiring consumes this; tests assert on the approval resources the program registers.
 */
type Inputs = Record<string, unknown>;

interface RequestedConnection {
  targetId: string;
  privateEndpointName: string;
}

const requested: RequestedConnection[] = [];
const MANAGED_SUBSCRIPTION = "00000000-0000-4000-8000-0000000000aa";

function request(targetId: unknown, privateEndpointName: string): void {
  if (typeof targetId !== "string") return;
  requested.push({ targetId, privateEndpointName });
}

/** The connections requested on the `type` resource `name` in `resourceGroupName` (compared as ARM does: ignoring case). */
function connectionsOn(type: string, resourceGroupName: unknown, name: unknown): Inputs[] {
  const same = (a: string | undefined, b: unknown) => a?.toLowerCase() === String(b).toLowerCase();
  return requested
    .filter((r) => {
      const target = tryParseResourceId(r.targetId);
      return target !== undefined && isResourceType(target, type) && same(target.resourceGroupName, resourceGroupName) && same(target.name, name);
    })
    .map((r, i) => {
      const connection = `${String(name)}.mock-connection-${i}`;
      return {
        id: `${r.targetId}/privateEndpointConnections/${connection}`,
        name: connection,
        privateEndpoint: {
          id: providerResourceId(resourceGroupId(MANAGED_SUBSCRIPTION, "managed-rg"), "Microsoft.Network", [["privateEndpoints", r.privateEndpointName]]),
        },
        privateLinkServiceConnectionState: { status: "Pending", description: "requested by a managed private endpoint" },
      };
    });
}

export const PRIVATE_LINK_STATE: Record<string, (inputs: Inputs, id: string) => Inputs> = {
  "azure-native:datafactory:ManagedPrivateEndpoint": (i) => {
    const properties = (i["properties"] ?? {}) as Inputs;
    request(properties["privateLinkResourceId"], `${String(i["factoryName"])}.${String(i["managedPrivateEndpointName"])}`);
    return { properties: { ...properties, provisioningState: "Succeeded", connectionState: { status: "Pending" } } };
  },
  "azure-native:synapse:Workspace": (i) => {
    const workspace = String(i["workspaceName"]);
    const lake = i["defaultDataLakeStorage"] as { resourceId?: string; createManagedPrivateEndpoint?: boolean } | undefined;
    if (lake?.createManagedPrivateEndpoint && lake.resourceId) {
      request(lake.resourceId, `${workspace}.synapse-ws-custstgacct--${workspace}-${parseResourceId(lake.resourceId).name}`);
    }
    return {
      connectivityEndpoints: {
        dev: `https://${workspace}.dev.azuresynapse.net`,
        sql: `${workspace}.sql.azuresynapse.net`,
        sqlOnDemand: `${workspace}-ondemand.sql.azuresynapse.net`,
        web: `https://web.azuresynapse.net?workspace=${workspace}`,
      },
    };
  },
};

export const PRIVATE_LINK_INVOKES: Record<string, (inputs: Inputs) => Inputs> = {
  "azure-native:storage:getStorageAccount": (i) => ({
    name: i["accountName"],
    privateEndpointConnections: connectionsOn("Microsoft.Storage/storageAccounts", i["resourceGroupName"], i["accountName"]),
  }),
  "azure-native:keyvault:getVault": (i) => ({
    name: i["vaultName"],
    properties: {
      privateEndpointConnections: connectionsOn("Microsoft.KeyVault/vaults", i["resourceGroupName"], i["vaultName"]),
    },
  }),
  "azure-native:synapse:getWorkspace": (i) => ({
    name: i["workspaceName"],
    privateEndpointConnections: connectionsOn("Microsoft.Synapse/workspaces", i["resourceGroupName"], i["workspaceName"]),
  }),
};

/** ARM IDs of child resources the data components create: [parent type, parent name input, child segment]. */
export const PRIVATE_LINK_CHILD_TYPES: Record<string, [string, string, string]> = {
  "azure-native:synapse:SqlPool": ["Microsoft.Synapse/workspaces", "workspaceName", "sqlPools"],
  "azure-native:synapse:BigDataPool": ["Microsoft.Synapse/workspaces", "workspaceName", "bigDataPools"],
  "azure-native:synapse:WorkspaceAadAdmin": ["Microsoft.Synapse/workspaces", "workspaceName", "administrators"],
  "azure-native:synapse:PrivateEndpointConnection": ["Microsoft.Synapse/workspaces", "workspaceName", "privateEndpointConnections"],
  "azure-native:storage:PrivateEndpointConnection": ["Microsoft.Storage/storageAccounts", "accountName", "privateEndpointConnections"],
  "azure-native:keyvault:PrivateEndpointConnection": ["Microsoft.KeyVault/vaults", "vaultName", "privateEndpointConnections"],
  "azure-native:datafactory:IntegrationRuntime": ["Microsoft.DataFactory/factories", "factoryName", "integrationRuntimes"],
  "azure-native:datafactory:LinkedService": ["Microsoft.DataFactory/factories", "factoryName", "linkedservices"],
  "azure-native:datafactory:ManagedPrivateEndpoint": ["Microsoft.DataFactory/factories", "factoryName", "managedVirtualNetworks/default/managedprivateendpoints"],
};

/** The generic `resources.Resource`: its ID is built from namespace, parent path, type and name, as ARM does. */
export function genericResourceId(rg: string, inputs: Inputs): string {
  const parent = inputs["parentResourcePath"] ? `/${String(inputs["parentResourcePath"])}` : "";
  return `${rg}/providers/${String(inputs["resourceProviderNamespace"])}${parent}/${String(inputs["resourceType"])}/${String(inputs["resourceName"])}`;
}
