import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { CoreOutputs } from "../core-outputs";
import { attachCrossCutting, type CrossCuttingArgs, type PlacementArgs } from "../cross-cutting";
import type { DataLakeRef } from "../datalake";
import { approveManagedPrivateEndpoint } from "../network/managed-pe-approval";
import { assignRole } from "../identity/roles";
import { synapseRbacIdentity, synapseRbacJob } from "./rbac-job";
import type { SynapseRoleAssignmentSpec } from "./roles";

export type { SynapseRole, SynapseRoleAssignmentSpec } from "./roles";

export interface SynapseArgs extends PlacementArgs, CrossCuttingArgs {
  /** The Entra tenant: the only tenant managed private endpoints may link to (data exfiltration protection). */
  readonly tenantId: pulumi.Input<string>;
  /** Entra group that becomes the workspace's SQL Active Directory admin (there is no SQL login/password). */
  readonly entraAdminGroup: { readonly objectId: pulumi.Input<string>; readonly displayName: pulumi.Input<string> };
  /** The workspace's default data lake. */
  readonly dataLake: DataLakeRef;
  /** The lake filesystem the workspace owns: the only scope its identity gets data rights on. */
  readonly defaultFilesystem: string;
  /** "Enabled" only for the gateway's allowlist mode, which then adds firewall rules. Default: "Disabled". */
  readonly publicNetworkAccess?: "Disabled" | "Enabled";
  /**
   * Dedicated SQL pool (billed per hour while online). Dedicated pools have no auto-pause: pause them on a schedule
   * (e.g. from the orchestrator) if they are not needed around the clock. Default: none.
   */
  readonly dedicatedPool?: { readonly sku: string; readonly storageAccountType: "LRS" | "GRS" };
  /** Spark pool with auto-pause and autoscale. Default: none. */
  readonly sparkPool?: { readonly nodeSize: "Small" | "Medium" | "Large"; readonly minNodes: number; readonly maxNodes: number; readonly autoPauseMinutes: number; readonly sparkVersion: string };
  /**
   * Synapse RBAC (data-plane) roles at workspace scope, e.g. for the orchestrator MI and the gateway app, enforced by
   * the RBAC job from inside the VNet (./rbac-job.ts); needs `rbacJobEnvironment`. Default: none (no job, no identity).
   */
  readonly synapseRoleAssignments?: readonly SynapseRoleAssignmentSpec[];
  /**
   * The internal, VNet-integrated Container Apps environment the RBAC job runs in (the orchestrator's): it resolves the
   * workspace's `Dev` private endpoint. Required when `synapseRoleAssignments` is not empty. Default: none.
   */
  readonly rbacJobEnvironment?: { readonly id: pulumi.Input<string> };
}

/**
 * A Synapse workspace that is private and Entra-only: managed VNet with data exfiltration protection (links only to
 * the own tenant), Entra admin group and no SQL password, private endpoints Sql/SqlOnDemand/Dev plus a private link
 * hub (Web) for Studio, its managed identity allowed to write only its own lake filesystem, optional pools, and Synapse
 * RBAC role assignments for the principals that run pipelines and queries, kept by a job inside the VNet.
 */
export class Synapse extends pulumi.ComponentResource implements CoreOutputs {
  readonly workspace: azure.synapse.Workspace;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly resourceGroupName: pulumi.Output<string>;
  /** The workspace's system-assigned managed identity. */
  readonly principalId: pulumi.Output<string>;
  readonly connectivityEndpoints: pulumi.Output<Record<string, string>>;
  readonly privateLinkHub: azure.synapse.PrivateLinkHub;
  readonly dedicatedPool?: azure.synapse.SqlPool;
  readonly sparkPool?: azure.synapse.BigDataPool;
  /** The RBAC job's identity: Synapse Administrator from the workspace's creation on (none without assignments). */
  readonly rbacJobIdentity?: azure.managedidentity.UserAssignedIdentity;
  /** The Container Apps Job that reconciles `synapseRoleAssignments` (none without assignments). */
  readonly rbacJob?: azure.app.Job;

  constructor(name: string, args: SynapseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:synapse:Synapse", name, {}, opts);
    const workspaceName = args.naming.name("synapseWorkspace");
    const assignments = args.synapseRoleAssignments ?? [];
    // Checked before anything is registered: a bad argument leaves nothing half-created.
    if (assignments.length > 0 && !args.rbacJobEnvironment) {
      throw new pulumi.ResourceError(`Synapse ${workspaceName}: synapseRoleAssignments need rbacJobEnvironment (the job that applies them runs there)`, this);
    }
    if (assignments.length > 0) this.rbacJobIdentity = synapseRbacIdentity(this, name, args);

    this.workspace = new azure.synapse.Workspace(
      `${name}-workspace`,
      {
        workspaceName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        identity: { type: "SystemAssigned" },
        // Named, so that the Synapse-managed resource group is predictable rather than `synapseworkspace-managedrg-<guid>`.
        managedResourceGroupName: args.naming.name("resourceGroup", "synapse-managed"),
        managedVirtualNetwork: "default",
        managedVirtualNetworkSettings: {
          preventDataExfiltration: true,
          allowedAadTenantIdsForLinking: [args.tenantId],
          linkedAccessCheckOnTargetResource: true,
        },
        azureADOnlyAuthentication: true,
        // The RBAC job's identity becomes Synapse Administrator at creation, on the ARM plane (the deploy identity's
        // workspace PUT): the creator is Synapse Administrator ("Who can assign Synapse RBAC roles?",
        // https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-synapse-rbac), and this
        // property names one more initial admin (@pulumi/azure-native synapse CspWorkspaceAdminPropertiesArgs, from the
        // ARM spec: "Initial workspace AAD admin properties for a CSP subscription"; Microsoft's tenant-move how-to shows
        // an ordinary workspace reporting its initialWorkspaceAdminObjectId). Its docs mention CSP subscriptions only:
        // docs/components.md#synapse says what to do if a workspace was created without it or the service ignored it.
        ...(this.rbacJobIdentity ? { cspWorkspaceAdminProperties: { initialWorkspaceAdminObjectId: this.rbacJobIdentity.principalId } } : {}),
        publicNetworkAccess: args.publicNetworkAccess ?? "Disabled",
        trustedServiceBypassEnabled: false,
        defaultDataLakeStorage: {
          resourceId: args.dataLake.id,
          accountUrl: args.dataLake.dfsEndpoint,
          filesystem: args.defaultFilesystem,
          createManagedPrivateEndpoint: true,
        },
        tags: args.tags,
      },
      // Managed VNet, exfiltration protection and the default lake are fixed at creation: changing them replaces it.
      // The initial admin only counts at creation: never sent to an existing workspace (no diff, no update).
      { parent: this, protect: args.protect, ignoreChanges: ["cspWorkspaceAdminProperties"] },
    );
    this.id = this.workspace.id;
    this.name = this.workspace.name;
    this.location = this.workspace.location;
    this.resourceGroupName = pulumi.output(args.resourceGroupName);
    this.principalId = this.workspace.identity.apply((identity) => {
      if (!identity?.principalId) throw new pulumi.ResourceError(`Synapse ${workspaceName} has no system-assigned identity`, this);
      return identity.principalId;
    });
    this.connectivityEndpoints = this.workspace.connectivityEndpoints.apply((e) => ({ ...e }));

    const admin = new azure.synapse.WorkspaceAadAdmin(
      `${name}-entra-admin`,
      {
        workspaceName: this.workspace.name,
        resourceGroupName: args.resourceGroupName,
        administratorType: "ActiveDirectory",
        login: args.entraAdminGroup.displayName,
        sid: args.entraAdminGroup.objectId,
        tenantId: args.tenantId,
      },
      { parent: this },
    );

    // The workspace reads and writes its own filesystem only (not the account, not the other filesystems).
    assignRole(`${name}-workspace-lake-ra`, args.dataLake.filesystemId(args.defaultFilesystem), {
      principalId: this.principalId,
      principalType: "ServicePrincipal",
      role: "Storage Blob Data Contributor",
      description: `Synapse workspace ${workspaceName}: its default filesystem`,
    }, { parent: this });

    // createManagedPrivateEndpoint makes Synapse request `synapse-ws-custstgacct--<workspace>-<account>` (dfs) on the
    // lake: pending until approved on the lake's side, and with exfiltration protection the workspace has no other path.
    approveManagedPrivateEndpoint(
      `${name}-lake-mpe-approval`,
      { kind: "storage", resourceGroupName: args.dataLake.resourceGroupName, accountName: args.dataLake.name },
      {
        privateEndpointName: pulumi.interpolate`${this.workspace.name}.synapse-ws-custstgacct--${this.workspace.name}-${args.dataLake.name}`,
        description: `Synapse workspace ${workspaceName}: default data lake (managed VNet)`,
      },
      { parent: this, dependsOn: [this.workspace] },
    );

    attachCrossCutting(this, name, args, {
      purpose: "synw",
      id: this.workspace.id,
      diagnostics: { logs: "allLogs", metrics: true },
      privateLinkGroups: ["Sql", "SqlOnDemand", "Dev"],
    }, args);

    this.privateLinkHub = new azure.synapse.PrivateLinkHub(
      `${name}-plhub`,
      { privateLinkHubName: args.naming.name("synapsePrivateLinkHub"), resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags },
      { parent: this },
    );
    // Studio (web) over private link; the hub holds no data: no lock, no protect, and it emits no diagnostics.
    attachCrossCutting(this, name, args, { purpose: "synplh", id: this.privateLinkHub.id, privateLinkGroups: ["Web"] }, {
      privateEndpoints: args.privateEndpoints,
    });

    if (args.dedicatedPool) this.dedicatedPool = this.createDedicatedPool(name, args, args.dedicatedPool);
    if (args.sparkPool) this.sparkPool = this.createSparkPool(name, args, args.sparkPool);

    if (this.rbacJobIdentity && args.rbacJobEnvironment) {
      this.rbacJob = synapseRbacJob(this, name, {
        placement: args,
        environmentId: args.rbacJobEnvironment.id,
        identity: this.rbacJobIdentity,
        workspaceName: this.workspace.name,
        devEndpoint: this.connectivityEndpoints.apply((endpoints) => {
          if (!endpoints["dev"]) throw new pulumi.ResourceError(`Synapse ${workspaceName} has no dev endpoint`, this);
          return endpoints["dev"];
        }),
        assignments,
        dependsOn: [this.workspace, admin],
      });
    }

    this.registerOutputs({
      id: this.id,
      name: this.name,
      location: this.location,
      principalId: this.principalId,
      connectivityEndpoints: this.connectivityEndpoints,
      privateLinkHubId: this.privateLinkHub.id,
    });
  }

  private createDedicatedPool(name: string, args: SynapseArgs, pool: NonNullable<SynapseArgs["dedicatedPool"]>): azure.synapse.SqlPool {
    const sqlPool = new azure.synapse.SqlPool(
      `${name}-dedicated-pool`,
      {
        sqlPoolName: args.naming.name("synapseSqlPool"),
        workspaceName: this.workspace.name,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: pool.sku },
        createMode: "Default",
        collation: "SQL_Latin1_General_CP1_CI_AS",
        storageAccountType: pool.storageAccountType,
        tags: args.tags,
      },
      { parent: this, protect: args.protect },
    );
    attachCrossCutting(this, name, args, { purpose: "syndp", id: sqlPool.id, diagnostics: { logs: "allLogs", metrics: true } }, {
      diagnostics: args.diagnostics,
      ...(args.lock ? { lock: args.lock } : {}),
    });
    return sqlPool;
  }

  private createSparkPool(name: string, args: SynapseArgs, pool: NonNullable<SynapseArgs["sparkPool"]>): azure.synapse.BigDataPool {
    const sparkPool = new azure.synapse.BigDataPool(
      `${name}-spark-pool`,
      {
        bigDataPoolName: args.naming.name("synapseSparkPool"),
        workspaceName: this.workspace.name,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        nodeSize: pool.nodeSize,
        nodeSizeFamily: "MemoryOptimized",
        autoScale: { enabled: true, minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
        autoPause: { enabled: true, delayInMinutes: pool.autoPauseMinutes },
        sparkVersion: pool.sparkVersion,
        sessionLevelPackagesEnabled: false,
        isComputeIsolationEnabled: false,
        tags: args.tags,
      },
      { parent: this },
    );
    attachCrossCutting(this, name, args, { purpose: "synsp", id: sparkPool.id, diagnostics: { logs: "allLogs", metrics: true } }, {
      diagnostics: args.diagnostics,
    });
    return sparkPool;
  }
}
