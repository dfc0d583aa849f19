import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { BackupPolicyError, DATASOURCE, postgresPolicy } from "./policies";
import type { CoreOutputs } from "../core-outputs";
import { attachCrossCutting, type CrossCuttingArgs, type PlacementArgs } from "../cross-cutting";
import { assignRole } from "../identity/roles";
import { afterRbacPropagation } from "../identity/propagation";
import { type RoleName } from "../../contracts/roles";

/** A resource the vault protects: Azure Backup needs its ID, name and region (same region as the vault). */
export interface ProtectedResource {
  readonly id: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
}

/** The vault's durability settings: what differs per environment (stacks/config/environments.ts). */
export interface BackupVaultSettings {
  /** Vault storage redundancy (cannot change once the vault holds backups). */
  readonly redundancy: "LocallyRedundant" | "ZoneRedundant" | "GeoRedundant";
  /** Restore in the paired region; needs GeoRedundant storage. */
  readonly crossRegionRestore: boolean;
  /** Locked is irreversible: retention can then never be shortened nor backups deleted early. */
  readonly immutability: "Disabled" | "Unlocked" | "Locked";
  /** AlwaysOn is irreversible: soft delete can then never be turned off. */
  readonly softDelete: "Off" | "On" | "AlwaysOn";
  readonly softDeleteRetentionDays: number;
  /** How long recovery points stay in the vault. */
  readonly retentionDays: number;
}

/**
 * No `lake` argument: vaulted ADLS Gen2 backup is not available to this platform (region, redundancy and API; the
 * evidence is on ADLS_VAULTED_BACKUP in ./policies.ts).
 */
export interface BackupArgs extends PlacementArgs, CrossCuttingArgs, BackupVaultSettings {
  /**
   * The Prefect Postgres flexible server, the ID of the resource group holding it, and the last write to the server
   * its owner makes (`after`): configuring protection is one more operation on the server, which takes one at a
   * time (ServerBusy otherwise; see components/orchestrator/postgres.ts). Default: none.
   */
  readonly postgres?: {
    readonly server: ProtectedResource;
    readonly resourceGroupId: pulumi.Input<string>;
    /** Default: none. */
    readonly after?: readonly pulumi.Resource[];
  };
}

/**
 * The environment's Data Protection backup vault: redundancy, immutability and soft delete per environment, a system
 * identity holding exactly the roles Azure Backup needs on what it protects, the long-term-retention policy and the
 * backup instance of the Prefect Postgres. An instance is only registered after its roles exist: Azure Backup
 * validates the vault identity's permissions when the instance is created. The lake is not backed up into the vault
 * (ADLS_VAULTED_BACKUP in ./policies.ts says why).
 */
export class Backup extends pulumi.ComponentResource implements CoreOutputs {
  readonly vault: azure.dataprotection.BackupVault;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  readonly instances: Record<string, azure.dataprotection.BackupInstance> = {};

  private readonly componentName: string;
  private readonly args: BackupArgs;

  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:backup:Backup", name, {}, opts);
    // Checked before any child exists, so a bad retention registers nothing (the config schema has the same floor).
    const postgresPolicyProperties = args.postgres ? policyOrError(() => postgresPolicy(args.retentionDays), this) : undefined;
    this.componentName = name;
    this.args = args;
    if (args.crossRegionRestore && args.redundancy !== "GeoRedundant") {
      throw new pulumi.ResourceError(`backup: cross-region restore needs GeoRedundant storage, not ${args.redundancy}`, this);
    }

    this.vault = new azure.dataprotection.BackupVault(
      `${name}-vault`,
      {
        vaultName: args.naming.name("backupVault"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        identity: { type: "SystemAssigned" },
        properties: {
          storageSettings: [{ datastoreType: "VaultStore", type: args.redundancy }],
          featureSettings: {
            crossRegionRestoreSettings: { state: args.crossRegionRestore ? "Enabled" : "Disabled" },
            crossSubscriptionRestoreSettings: { state: "Disabled" },
          },
          securitySettings: {
            immutabilitySettings: { state: args.immutability },
            softDeleteSettings: { state: args.softDelete, retentionDurationInDays: args.softDeleteRetentionDays },
          },
          monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: "Enabled" } },
        },
        tags: args.tags,
      },
      { parent: this, protect: args.protect },
    );
    this.id = this.vault.id;
    this.name = this.vault.name;
    this.location = this.vault.location;
    this.principalId = this.vault.identity.apply((identity) => {
      if (!identity?.principalId) throw new pulumi.ResourceError("backup: the vault has no system-assigned identity", this);
      return identity.principalId;
    });

    attachCrossCutting(this, name, args, {
      purpose: "bvault",
      id: this.vault.id,
      diagnostics: { logs: "allLogs", metrics: true },
    }, args);

    if (args.postgres && postgresPolicyProperties) this.protectPostgres(args.postgres, postgresPolicyProperties);

    this.registerOutputs({ id: this.id, name: this.name, location: this.location, principalId: this.principalId });
  }

  private protectPostgres({ server, resourceGroupId, after }: NonNullable<BackupArgs["postgres"]>, properties: azure.types.input.dataprotection.BackupPolicyArgs): void {
    const roles = [
      this.grant("psql", server.id, "PostgreSQL Flexible Server Long Term Retention Backup Role", "Backup vault: long-term retention backups of the Prefect database"),
      // Azure Backup reads the server's resource group to discover the server (its PG-flex manifest lists Reader there).
      this.grant("psql-rg", resourceGroupId, "Reader", "Backup vault: discover the Prefect Postgres server for long-term retention backup"),
    ];
    const policy = this.policy("psql", properties);
    // Azure Backup checks the vault identity's roles when the instance is created, and a new role assignment can take
    // up to 10 minutes to take effect (RBAC_PROPAGATION, components/identity/propagation.ts, cites it): wait that long
    // after the grants, once (the Sleep re-arms only when a grant is replaced).
    const propagated = afterRbacPropagation(this, `${this.componentName}-psql-rbac-propagation`, roles);
    this.instance("psql", server, DATASOURCE.postgres, policy, [...roles, ...(propagated ? [propagated] : []), ...(after ?? [])]);
  }

  private grant(purpose: string, scope: pulumi.Input<string>, role: RoleName, description: string): azure.authorization.RoleAssignment {
    return assignRole(
      `${this.componentName}-${purpose}-ra`,
      scope,
      { principalId: this.principalId, principalType: "ServicePrincipal", role, description },
      { parent: this },
    );
  }

  private policy(purpose: string, properties: azure.types.input.dataprotection.BackupPolicyArgs): azure.dataprotection.BackupPolicy {
    return new azure.dataprotection.BackupPolicy(
      `${this.componentName}-${purpose}-policy`,
      {
        backupPolicyName: this.args.naming.name("backupPolicy", purpose),
        resourceGroupName: this.args.resourceGroupName,
        vaultName: this.vault.name,
        properties,
      },
      { parent: this },
    );
  }

  private instance(
    purpose: string,
    target: ProtectedResource,
    kind: { datasourceType: string; resourceType: string },
    policy: azure.dataprotection.BackupPolicy,
    waitFor: pulumi.Resource[],
  ): void {
    const datasource = {
      resourceID: target.id,
      resourceUri: target.id,
      resourceName: target.name,
      resourceLocation: target.location,
      datasourceType: kind.datasourceType,
      resourceType: kind.resourceType,
    };
    this.instances[purpose] = new azure.dataprotection.BackupInstance(
      `${this.componentName}-${purpose}-instance`,
      {
        backupInstanceName: this.args.naming.name("backupInstance", purpose),
        resourceGroupName: this.args.resourceGroupName,
        vaultName: this.vault.name,
        properties: {
          objectType: "BackupInstance",
          friendlyName: target.name,
          dataSourceInfo: { ...datasource, objectType: "Datasource" },
          dataSourceSetInfo: { ...datasource, objectType: "DatasourceSet" },
          policyInfo: { policyId: policy.id },
        },
        tags: this.args.tags,
      },
      // The vault validates its own permissions on the data source when the instance is created.
      { parent: this, dependsOn: waitFor, protect: this.args.protect },
    );
  }
}

/** A policy Azure Backup would refuse, reported on the component before anything is registered. */
function policyOrError<T>(build: () => T, owner: pulumi.Resource): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof BackupPolicyError) throw new pulumi.ResourceError(err.message, owner);
    throw err;
  }
}
