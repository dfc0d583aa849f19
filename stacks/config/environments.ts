import type { BackupVaultSettings } from "../../components/backup";
import type { LockLevel } from "../../components/cross-cutting";
import type { PostgresSettings } from "../../components/orchestrator/postgres";
import type { Environment } from "../../contracts/environments";

/**
 * What differs per environment (docs/environments.md), as data. dev is cheap and disposable, prod is durable.
 * Every value here is a default: the stack file may override it under the same section name, and
 * `stacks/config.ts` merges the two in one place.
 */

export type StorageRedundancy = "LRS" | "ZRS" | "GRS" | "GZRS" | "RAGRS" | "RAGZRS";

export interface EnvironmentProfile {
  monitoring: { retentionInDays: number; dailyQuotaGb: number };
  /** softDeleteRetentionDays: how long deleted lake files and filesystems stay recoverable. */
  storage: { redundancy: StorageRedundancy; softDeleteRetentionDays: number };
  durability: { protectStateful: boolean; lock: LockLevel | "none" };
  backup: BackupVaultSettings;
  postgres: PostgresSettings;
  containerApps: { serverMinReplicas: number; workerMinReplicas: number; maxReplicas: number; zoneRedundant: boolean };
  /** Dedicated SQL pools cannot auto-pause; Spark pools auto-pause after `autoPauseMinutes` idle. */
  synapse: {
    dedicatedPool: { enabled: boolean; sku: string };
    sparkPool: { enabled: boolean; nodeSize: "Small" | "Medium" | "Large"; maxNodes: number; autoPauseMinutes: number };
  };
}

export const ENVIRONMENT_DEFAULTS: Record<Environment, EnvironmentProfile> = {
  dev: {
    monitoring: { retentionInDays: 30, dailyQuotaGb: 1 },
    storage: { redundancy: "LRS", softDeleteRetentionDays: 7 },
    durability: { protectStateful: true, lock: "none" },
    backup: {
      redundancy: "LocallyRedundant",
      crossRegionRestore: false,
      immutability: "Unlocked",
      softDelete: "On",
      softDeleteRetentionDays: 14,
      retentionDays: 7,
    },
    postgres: {
      tier: "Burstable",
      sku: "Standard_B1ms",
      storageSizeGb: 32,
      highAvailability: "Disabled",
      geoRedundantBackup: false,
      backupRetentionDays: 7,
    },
    containerApps: { serverMinReplicas: 1, workerMinReplicas: 0, maxReplicas: 2, zoneRedundant: false },
    synapse: {
      dedicatedPool: { enabled: false, sku: "DW100c" },
      sparkPool: { enabled: false, nodeSize: "Small", maxNodes: 3, autoPauseMinutes: 15 },
    },
  },
  test: {
    monitoring: { retentionInDays: 30, dailyQuotaGb: 5 },
    storage: { redundancy: "ZRS", softDeleteRetentionDays: 14 },
    durability: { protectStateful: true, lock: "none" },
    backup: {
      redundancy: "LocallyRedundant",
      crossRegionRestore: false,
      immutability: "Unlocked",
      softDelete: "On",
      softDeleteRetentionDays: 14,
      retentionDays: 14,
    },
    postgres: {
      tier: "GeneralPurpose",
      sku: "Standard_D2ds_v5",
      storageSizeGb: 64,
      highAvailability: "Disabled",
      geoRedundantBackup: false,
      backupRetentionDays: 14,
    },
    containerApps: { serverMinReplicas: 1, workerMinReplicas: 1, maxReplicas: 3, zoneRedundant: false },
    synapse: {
      dedicatedPool: { enabled: false, sku: "DW100c" },
      sparkPool: { enabled: false, nodeSize: "Small", maxNodes: 3, autoPauseMinutes: 15 },
    },
  },
  prod: {
    monitoring: { retentionInDays: 90, dailyQuotaGb: -1 },
    storage: { redundancy: "GZRS", softDeleteRetentionDays: 30 },
    durability: { protectStateful: true, lock: "CanNotDelete" },
    backup: {
      redundancy: "GeoRedundant",
      crossRegionRestore: true,
      immutability: "Locked",
      softDelete: "AlwaysOn",
      softDeleteRetentionDays: 14,
      retentionDays: 35,
    },
    postgres: {
      tier: "GeneralPurpose",
      sku: "Standard_D2ds_v5",
      storageSizeGb: 128,
      highAvailability: "ZoneRedundant",
      geoRedundantBackup: true,
      backupRetentionDays: 35,
    },
    // One Prefect server everywhere (its availability: docs/components.md#orchestrator); workers and the zone-redundant
    // environment carry the redundancy prod needs.
    containerApps: { serverMinReplicas: 1, workerMinReplicas: 2, maxReplicas: 6, zoneRedundant: true },
    synapse: {
      dedicatedPool: { enabled: false, sku: "DW100c" },
      sparkPool: { enabled: false, nodeSize: "Small", maxNodes: 3, autoPauseMinutes: 15 },
    },
  },
};
