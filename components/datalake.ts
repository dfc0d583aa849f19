import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { CoreOutputs } from "./core-outputs";
import { attachCrossCutting, type CrossCuttingArgs, diagnosticSetting, type PlacementArgs } from "./cross-cutting";
import { namingViolation } from "./naming/rules";

export type LakeRedundancy = "LRS" | "ZRS" | "GRS" | "GZRS" | "RAGRS" | "RAGZRS";

export interface DataLakeArgs extends PlacementArgs, CrossCuttingArgs {
  /** Replication per environment (dev LRS, test ZRS, prod GZRS). */
  readonly redundancy: LakeRedundancy;
  /** Filesystems (containers) to create, e.g. raw, curated, synapse. */
  readonly filesystems: readonly string[];
  /** Days a deleted blob/directory or filesystem stays recoverable (1-365). */
  readonly softDeleteRetentionDays: pulumi.Input<number>;
}

/**
 * The environment's ADLS Gen2 account: hierarchical namespace, Entra-only data access (no shared key, no public
 * blobs), reachable only through its private endpoints (dfs, blob), soft delete for blobs and filesystems, and one
 * container per filesystem. Account diagnostics carry metrics only; the logs live on the blob service sub-resource.
 */
export class DataLake extends pulumi.ComponentResource implements CoreOutputs {
  readonly account: azure.storage.StorageAccount;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly resourceGroupName: pulumi.Output<string>;
  /** `https://<account>.dfs.core.windows.net/` */
  readonly dfsEndpoint: pulumi.Output<string>;
  readonly blobService: azure.storage.BlobServiceProperties;
  /** Filesystem name → container resource (its `id` is the narrowest scope for data-plane roles). */
  readonly filesystems: Record<string, azure.storage.BlobContainer> = {};
  readonly filesystemNames: readonly string[];

  constructor(name: string, args: DataLakeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:datalake:DataLake", name, {}, opts);

    this.account = new azure.storage.StorageAccount(
      `${name}-account`,
      {
        accountName: args.naming.name("storageAccount", "lake"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "StorageV2",
        sku: { name: `Standard_${args.redundancy}` },
        accessTier: "Hot",
        isHnsEnabled: true,
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowBlobPublicAccess: false,
        allowCrossTenantReplication: false,
        // Copies into this account only from accounts reachable over private link (no exfiltration via copy).
        allowedCopyScope: "PrivateLink",
        isLocalUserEnabled: false,
        isSftpEnabled: false,
        publicNetworkAccess: "Disabled",
        networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
        encryption: {
          keySource: "Microsoft.Storage",
          requireInfrastructureEncryption: true,
          services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
        },
        tags: args.tags,
      },
      // Infrastructure encryption and HNS can only be chosen at creation: a change replaces the account (and its data).
      { parent: this, protect: args.protect },
    );
    this.id = this.account.id;
    this.name = this.account.name;
    this.location = this.account.location;
    this.resourceGroupName = pulumi.output(args.resourceGroupName);
    this.dfsEndpoint = this.account.primaryEndpoints.dfs;

    // HNS accounts support blob and container soft delete but not versioning, change feed or point-in-time restore
    // (https://learn.microsoft.com/azure/storage/blobs/storage-feature-support-in-storage-accounts): those stay off.
    this.blobService = new azure.storage.BlobServiceProperties(
      `${name}-blob-service`,
      {
        accountName: this.account.name,
        resourceGroupName: args.resourceGroupName,
        blobServicesName: "default",
        deleteRetentionPolicy: { enabled: true, days: args.softDeleteRetentionDays, allowPermanentDelete: false },
        containerDeleteRetentionPolicy: { enabled: true, days: args.softDeleteRetentionDays },
        isVersioningEnabled: false,
      },
      { parent: this },
    );

    for (const filesystem of args.filesystems) {
      const problem = namingViolation("blobContainer", filesystem);
      if (problem) throw new pulumi.ResourceError(`DataLake ${name}: ${problem}`, this);
      this.filesystems[filesystem] = new azure.storage.BlobContainer(
        `${name}-fs-${filesystem}`,
        {
          accountName: this.account.name,
          resourceGroupName: args.resourceGroupName,
          containerName: filesystem,
          publicAccess: "None",
        },
        { parent: this, protect: args.protect, dependsOn: [this.blobService] },
      );
    }
    this.filesystemNames = [...args.filesystems];

    // Storage accounts emit metrics only at account level; read/write/delete logs belong to blobServices/default
    // (ADLS Gen2 dfs operations are logged there too).
    attachCrossCutting(this, name, args, {
      purpose: "lake",
      id: this.account.id,
      diagnostics: { logs: "none", metrics: true },
      privateLinkGroups: ["dfs", "blob"],
    }, args);
    if (args.diagnostics) {
      diagnosticSetting(`${name}-lake-blob-diag`, this.blobService.id, args.diagnostics.workspaceId, { logs: "allLogs", metrics: true }, {
        parent: this,
      });
    }

    this.registerOutputs({ id: this.id, name: this.name, location: this.location, dfsEndpoint: this.dfsEndpoint });
  }

  /** The container resource ID of one filesystem: the scope for roles that should reach that filesystem only. */
  filesystemId(filesystem: string): pulumi.Output<string> {
    const container = this.filesystems[filesystem];
    if (!container) throw new pulumi.ResourceError(`DataLake has no filesystem "${filesystem}" (has ${Object.keys(this.filesystems).join(", ")})`, this);
    return container.id;
  }
}

/** What other components need from the lake: where it is, its dfs endpoint, and its filesystems' scopes. */
export type DataLakeRef = Pick<DataLake, "id" | "name" | "resourceGroupName" | "dfsEndpoint" | "filesystemId">;
