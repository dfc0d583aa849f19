import * as pulumi from "@pulumi/pulumi";
import type { PlacementArgs } from "../components/cross-cutting";
import type { DataLake } from "../components/datalake";
import { grantee, type ManagedIdentity, type Principal } from "../components/identity";
import { assignRole } from "../components/identity/roles";
import type { Naming } from "../components/naming";
import { Synapse, type SynapseArgs } from "../components/synapse";
import { DATA_DOMAIN_TAGS, type DataDomainSettings } from "../contracts/data-domains";

/**
 * What a data domain is once built: `DataPlatform.dataDomains` (the lead wires each domain's Prefect worker to it).
 * `naming` names the domain's further resources (its worker app: `naming.name("containerApp")`, reserved by the config
 * validation so that it fits).
 */
export interface DataDomainResources {
  readonly name: string;
  readonly team: string;
  readonly costCenter: string;
  readonly concurrencyLimit: number;
  readonly synapseMode: DataDomainSettings["synapse"];
  readonly isDefault: boolean;
  /** The domain worker's identity (the default domain: the orchestrator identity). */
  readonly identity: ManagedIdentity;
  /** The domain's lake filesystems: its data filesystems, then its own workspace's filesystem (own workspaces only). */
  readonly filesystems: readonly string[];
  /** Filesystem → `https://<account>.dfs.core.windows.net/<filesystem>`. */
  readonly lakeUrls: Readonly<Record<string, pulumi.Output<string>>>;
  /** The workspace the domain uses: its own, or the environment's (shared). */
  readonly synapse: Synapse;
  /** `https://<workspace>.dev.azuresynapse.net` of that workspace. */
  readonly synapseDevEndpoint: pulumi.Output<string>;
  readonly naming: Naming;
  /** Tags on the domain's own resources (data-domain, its team, its cost center). */
  readonly tags: Readonly<Record<string, string>>;
}

export interface DataDomainArgs extends PlacementArgs {
  readonly settings: DataDomainSettings;
  readonly identity: ManagedIdentity;
  readonly dataLake: Pick<DataLake, "filesystemId" | "dfsEndpoint">;
  /** The domain's data filesystems (the worker writes these) and its own workspace's filesystem, if any. */
  readonly filesystems: { readonly data: readonly string[]; readonly synapse?: string };
  /** `own`: the workspace to create (everything but naming, placement, lake and tags). `shared`: the workspace used. */
  readonly synapse:
    | { readonly own: Omit<SynapseArgs, keyof PlacementArgs | "defaultFilesystem" | "tags"> }
    | { readonly shared: Synapse };
  /** The domain's people: read its filesystems (engineers write them where `engineersWrite`). */
  readonly groups: { readonly engineers?: Principal; readonly analysts?: Principal };
  readonly engineersWrite: boolean;
  /**
   * The Key Vault secrets the worker reads (e.g. the Prefect API auth string), each granted Key Vault Secrets User on
   * that secret alone. Default: none.
   */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * One data domain: the role assignments that give its worker identity its own filesystems (and nothing else in the
 * lake), its people groups read (dev: write) on those filesystems, its own Synapse workspace when it has one, and the
 * secrets its worker reads. Identity, filesystems and factory roles are created by their components (Identity,
 * DataLake, DataFactory): this component holds what is scoped to the domain. Children are named by the domain, never by
 * its position in the list (the component's name is `<platform>-domain-<domain>`).
 */
export class DataDomain extends pulumi.ComponentResource {
  readonly resources: DataDomainResources;

  constructor(name: string, args: DataDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:platform:DataDomain", name, {}, opts);
    const { settings } = args;
    const tags = {
      [DATA_DOMAIN_TAGS.domain]: settings.name,
      [DATA_DOMAIN_TAGS.team]: settings.team,
      [DATA_DOMAIN_TAGS.costCenter]: settings.costCenter,
    };

    // The worker reads and writes its domain's data filesystems: Storage Blob Data Contributor on each container, the
    // narrowest scope Azure RBAC offers for blob data (`…/storageAccounts/<account>/blobServices/default/containers/<fs>`,
    // https://learn.microsoft.com/azure/storage/blobs/assign-azure-role-data-access "Scope the role assignment").
    for (const filesystem of args.filesystems.data) {
      assignRole(`${name}-worker-fs-${filesystem}`, args.dataLake.filesystemId(filesystem), {
        ...grantee(args.identity),
        role: "Storage Blob Data Contributor",
        description: `data domain ${settings.name}: its worker reads and writes filesystem ${filesystem}`,
      }, { parent: this });
    }
    for (const [group, principal] of Object.entries(args.groups) as [string, Principal | undefined][]) {
      if (!principal) continue;
      const write = group === "engineers" && args.engineersWrite;
      for (const filesystem of args.filesystems.data) {
        assignRole(`${name}-${group}-fs-${filesystem}`, args.dataLake.filesystemId(filesystem), {
          ...grantee(principal),
          role: write ? "Storage Blob Data Contributor" : "Storage Blob Data Reader",
          description: `data domain ${settings.name}: its ${group} ${write ? "read and write" : "read"} filesystem ${filesystem}`,
        }, { parent: this });
      }
    }
    for (const [secret, id] of Object.entries(args.secrets ?? {})) {
      assignRole(`${name}-worker-kv-${secret}`, id, {
        ...grantee(args.identity),
        role: "Key Vault Secrets User",
        description: `data domain ${settings.name}: its worker reads the ${secret} secret`,
      }, { parent: this });
    }

    let synapse: Synapse;
    if ("own" in args.synapse) {
      const fs = args.filesystems.synapse;
      if (!fs) throw new pulumi.ResourceError(`data domain ${settings.name}: an own Synapse workspace needs its own filesystem`, this);
      synapse = new Synapse(
        `${name}-synapse`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          naming: args.naming,
          ...args.synapse.own,
          defaultFilesystem: fs,
          tags,
        },
        { parent: this },
      );
    } else {
      synapse = args.synapse.shared;
    }
    const dfs = args.dataLake.dfsEndpoint;
    const filesystems = [...args.filesystems.data, ...(args.filesystems.synapse ? [args.filesystems.synapse] : [])];
    this.resources = {
      name: settings.name,
      team: settings.team,
      costCenter: settings.costCenter,
      concurrencyLimit: settings.concurrencyLimit,
      synapseMode: settings.synapse,
      isDefault: settings.isDefault,
      identity: args.identity,
      filesystems,
      lakeUrls: Object.fromEntries(filesystems.map((fs) => [fs, dfs.apply((endpoint) => `${endpoint.replace(/\/$/, "")}/${fs}`)])),
      synapse,
      synapseDevEndpoint: synapse.connectivityEndpoints.apply((endpoints) => {
        if (!endpoints["dev"]) throw new pulumi.ResourceError(`data domain ${settings.name}: its Synapse workspace has no dev endpoint`, this);
        return endpoints["dev"];
      }),
      naming: args.naming,
      tags,
    };
    this.registerOutputs({ name: settings.name, filesystems });
  }
}
