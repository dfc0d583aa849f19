import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { type CoreOutputs, locationOf } from "../core-outputs";
import { attachCrossCutting, type CrossCuttingArgs, type PlacementArgs } from "../cross-cutting";
import type { DataLakeRef } from "../datalake";
import type { KeyVaultRef } from "../keyvault";
import type { Synapse } from "../synapse";
import { type ApprovalTarget, approveManagedPrivateEndpoint } from "../network/managed-pe-approval";
import { assignRole } from "../identity/roles";

export interface DataFactoryArgs extends PlacementArgs, CrossCuttingArgs {
  readonly keyVault: KeyVaultRef;
  readonly dataLake: DataLakeRef;
  /** The lake filesystems the factory moves data between: its only data-plane scopes. */
  readonly filesystems: readonly string[];
  /** The Synapse workspace the factory reaches through managed private endpoints. Default: none (no Synapse endpoints). */
  readonly synapse?: Pick<Synapse, "id" | "name" | "resourceGroupName">;
  /** Synapse endpoints that get a managed private endpoint. Default: both SQL endpoints, `["Sql", "SqlOnDemand"]`. */
  readonly synapseGroupIds?: readonly ("Sql" | "SqlOnDemand")[];
  /**
   * Further Synapse workspaces by a stable label (data domains' own workspaces, by domain name): each gets the same
   * managed private endpoints as `synapse`, purpose `synapse-<label>-<group>`. Default: none.
   */
  readonly moreSynapse?: Readonly<Record<string, Pick<Synapse, "id" | "name" | "resourceGroupName">>>;
  /**
   * Factory global parameters: values every pipeline shares (`@pipeline().globalParameters.<name>`), set on the
   * factory resource itself (`Microsoft.DataFactory/factories` property `globalParameters`, a map of
   * `{ type: Object|String|Int|Float|Bool|Array, value }`: Azure/azure-rest-api-specs
   * specification/datafactory/resource-manager/Microsoft.DataFactory/stable/2018-06-01/datafactory.json
   * `GlobalParameterSpecification`; @pulumi/azure-native datafactory/factory.d.ts `globalParameters`; types Array, Bool,
   * Float, Int, Object, String: https://learn.microsoft.com/azure/templates/microsoft.datafactory/factories/globalparameters).
   * Default: none.
   */
  readonly globalParameters?: Readonly<Record<string, GlobalParameter>>;
}

/** One Data Factory global parameter (the subset of types the platform sets). */
export type GlobalParameter =
  | { readonly type: "String"; readonly value: pulumi.Input<string> }
  | { readonly type: "Array"; readonly value: pulumi.Input<readonly string[]> };

/**
 * The Data Factory API version that knows `managedVirtualNetworks`. azure-native 3.28 has no typed resource for it
 * (no `datafactory.ManagedVirtualNetwork`; `pulumi package add` would not make one either): its code generator turns
 * a PUT+GET path into a resource only when the path also has a DELETE or a default state
 * (pulumi/pulumi-azure-native provider/pkg/openapi/discover.go, `typeName != "" && (hasDelete || defaultState != nil)`),
 * and ManagedVirtualNetworks has CreateOrUpdate, Get and ListByFactory only (Azure/azure-rest-api-specs
 * specification/datafactory/resource-manager/Microsoft.DataFactory/stable/2018-06-01). Hence the generic resource.
 */
const DATA_FACTORY_API_VERSION = "2018-06-01";
const MANAGED_VNET = "default";

/**
 * A private Data Factory: public network access off, system-assigned identity, a managed VNet with an Azure
 * integration runtime inside it, managed private endpoints to the lake (dfs), the vault and Synapse that are approved
 * in code on the target side, linked services that authenticate with the factory's identity (no keys), a private
 * endpoint `dataFactory` for authoring, and the factory identity's roles on the vault and the filesystems it moves.
 */
export class DataFactory extends pulumi.ComponentResource implements CoreOutputs {
  readonly factory: azure.datafactory.Factory;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  readonly integrationRuntimeName: string;

  constructor(name: string, args: DataFactoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:datafactory:DataFactory", name, {}, opts);
    const factoryName = args.naming.name("dataFactory");

    this.factory = new azure.datafactory.Factory(
      `${name}-factory`,
      {
        factoryName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        identity: { type: "SystemAssigned" },
        publicNetworkAccess: "Disabled",
        ...(args.globalParameters ? { globalParameters: { ...args.globalParameters } } : {}),
        tags: args.tags,
      },
      { parent: this, protect: args.protect },
    );
    this.id = this.factory.id;
    this.name = this.factory.name;
    this.location = locationOf(this.factory, args.location);
    this.principalId = this.factory.identity.apply((identity) => {
      if (!identity?.principalId) throw new pulumi.ResourceError(`Data Factory ${factoryName} has no system-assigned identity`, this);
      return identity.principalId;
    });
    const base = { factoryName: this.factory.name, resourceGroupName: args.resourceGroupName };

    const managedVnet = new azure.resources.Resource(
      `${name}-managed-vnet`,
      {
        resourceGroupName: args.resourceGroupName,
        resourceProviderNamespace: "Microsoft.DataFactory",
        parentResourcePath: pulumi.interpolate`factories/${this.factory.name}`,
        resourceType: "managedVirtualNetworks",
        resourceName: MANAGED_VNET,
        apiVersion: DATA_FACTORY_API_VERSION,
        properties: {},
      },
      {
        parent: this,
        // Every property of a managed VNet is read-only (`vNetId`, `alias`: entityTypes/ManagedVirtualNetwork.json in
        // the same spec) and the generic resource's `properties` is untyped, so a refresh copies what Azure returns into
        // state and the next `up` "updates" it back to {}: a diff forever, on a resource nothing can change. Ignoring
        // `properties` ends it without hiding anything settable.
        ignoreChanges: ["properties"],
        // There is no DELETE for it: it goes with its factory. Removing it from the program must not fail on a 405.
        retainOnDelete: true,
      },
    );

    this.integrationRuntimeName = args.naming.name("dataFactoryIntegrationRuntime", "managed");
    const runtime = new azure.datafactory.IntegrationRuntime(
      `${name}-ir`,
      {
        ...base,
        integrationRuntimeName: this.integrationRuntimeName,
        properties: {
          type: "Managed",
          description: "Azure integration runtime in the factory's managed VNet: reaches data only through managed private endpoints",
          managedVirtualNetwork: { referenceName: MANAGED_VNET, type: "ManagedVirtualNetworkReference" },
          computeProperties: { location: "AutoResolve", dataFlowProperties: { computeType: "General", coreCount: 8, timeToLive: 10 } },
        },
      },
      { parent: this, dependsOn: [managedVnet] },
    );

    const lakeApproval = this.managedEndpoint(name, args, managedVnet, "lake-dfs", args.dataLake.id, "dfs", {
      kind: "storage",
      resourceGroupName: args.dataLake.resourceGroupName,
      accountName: args.dataLake.name,
    });
    const vaultApproval = this.managedEndpoint(name, args, managedVnet, "vault", args.keyVault.id, "vault", {
      kind: "keyvault",
      resourceGroupName: args.keyVault.resourceGroupName,
      vaultName: args.keyVault.name,
    });
    const workspaces: [string, Pick<Synapse, "id" | "name" | "resourceGroupName">][] = [
      ...(args.synapse ? [["synapse", args.synapse] as [string, Pick<Synapse, "id" | "name" | "resourceGroupName">]] : []),
      ...Object.entries(args.moreSynapse ?? {}).map(([label, s]): [string, Pick<Synapse, "id" | "name" | "resourceGroupName">] => [`synapse-${label}`, s]),
    ];
    for (const [prefix, synapse] of workspaces) {
      for (const group of args.synapseGroupIds ?? ["Sql", "SqlOnDemand"]) {
        this.managedEndpoint(name, args, managedVnet, `${prefix}-${group.toLowerCase()}`, synapse.id, group, {
          kind: "synapse",
          resourceGroupName: synapse.resourceGroupName,
          workspaceName: synapse.name,
        });
      }
    }

    // Linked services authenticate as the factory's managed identity: no account key, SAS or client secret anywhere.
    const runtimeReference = { referenceName: this.integrationRuntimeName, type: "IntegrationRuntimeReference" };
    new azure.datafactory.LinkedService(
      `${name}-ls-vault`,
      {
        ...base,
        linkedServiceName: "ls-keyvault",
        // Secrets are resolved by the Data Factory service (a trusted service of the vault's firewall), not the runtime.
        properties: { type: "AzureKeyVault", baseUrl: args.keyVault.uri, description: "Platform Key Vault (factory managed identity)" },
      },
      { parent: this, dependsOn: [vaultApproval] },
    );
    new azure.datafactory.LinkedService(
      `${name}-ls-lake`,
      {
        ...base,
        linkedServiceName: "ls-datalake",
        // A `url` without credentials means system-assigned managed identity authentication.
        properties: { type: "AzureBlobFS", url: args.dataLake.dfsEndpoint, connectVia: runtimeReference, description: "Data lake (factory managed identity)" },
      },
      { parent: this, dependsOn: [runtime, lakeApproval] },
    );

    assignRole(`${name}-vault-secrets-ra`, args.keyVault.id, {
      principalId: this.principalId,
      principalType: "ServicePrincipal",
      role: "Key Vault Secrets User",
      description: `Data Factory ${factoryName}: reads linked-service secrets`,
    }, { parent: this });
    for (const filesystem of args.filesystems) {
      assignRole(`${name}-fs-${filesystem}-ra`, args.dataLake.filesystemId(filesystem), {
        principalId: this.principalId,
        principalType: "ServicePrincipal",
        role: "Storage Blob Data Contributor",
        description: `Data Factory ${factoryName}: moves data in filesystem ${filesystem}`,
      }, { parent: this });
    }

    attachCrossCutting(this, name, args, {
      purpose: "adf",
      id: this.factory.id,
      diagnostics: { logs: "allLogs", metrics: true },
      privateLinkGroups: ["dataFactory"],
    }, args);

    this.registerOutputs({ id: this.id, name: this.name, location: this.location, principalId: this.principalId });
  }

  /** A managed private endpoint from the factory's managed VNet to `targetId`, and its approval on the target. */
  private managedEndpoint(
    name: string,
    args: DataFactoryArgs,
    managedVnet: pulumi.Resource,
    purpose: string,
    targetId: pulumi.Input<string>,
    groupId: string,
    target: ApprovalTarget,
  ): pulumi.CustomResource {
    const endpointName = args.naming.name("dataFactoryManagedPrivateEndpoint", purpose);
    const endpoint = new azure.datafactory.ManagedPrivateEndpoint(
      `${name}-mpe-${purpose}`,
      {
        factoryName: this.factory.name,
        resourceGroupName: args.resourceGroupName,
        managedVirtualNetworkName: MANAGED_VNET,
        managedPrivateEndpointName: endpointName,
        properties: { privateLinkResourceId: targetId, groupId },
      },
      { parent: this, dependsOn: [managedVnet] },
    );
    return approveManagedPrivateEndpoint(
      `${name}-mpe-${purpose}-approval`,
      target,
      {
        privateEndpointName: pulumi.interpolate`${this.factory.name}.${endpointName}`,
        description: `Data Factory ${args.naming.name("dataFactory")}: managed private endpoint ${endpointName} (${groupId})`,
      },
      { parent: this, dependsOn: [endpoint] },
    );
  }

}
