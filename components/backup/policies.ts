import type * as azure from "@pulumi/azure-native";

type PolicyProperties = azure.types.input.dataprotection.BackupPolicyArgs;

/** Data-source types as Azure Backup names them (policy `datasourceTypes`, instance `datasourceType`). */
export const DATASOURCE = {
  /** Vaulted backup of an ADLS Gen2 (HNS) account: operational blob backup does not support HNS accounts. */
  lake: { datasourceType: "Microsoft.Storage/storageAccounts/adlsBlobServices", resourceType: "Microsoft.Storage/storageAccounts" },
  postgres: { datasourceType: "Microsoft.DBforPostgreSQL/flexibleServers", resourceType: "Microsoft.DBforPostgreSQL/flexibleServers" },
} as const;

/**
 * ADLS vaulted backup keeps daily recovery points 7-3650 days. Microsoft's ADLS vaulted backup support matrix
 * (https://learn.microsoft.com/azure/backup/azure-data-lake-storage-backup-support-matrix, preview) lists no retention
 * range; 7 days is the floor this platform relies on, 3650 the 10-year vault maximum Azure Backup documents for blobs.
 * The Postgres long-term-retention policy sets no floor of its own, so this is the floor of the one `retentionDays`
 * both policies share: stacks/config/schema.ts bounds `dataplatform:backup.retentionDays` with it.
 */
export const LAKE_MIN_RETENTION_DAYS = 7;

/**
 * A policy Azure Backup would reject. The policy builders own no resource, so they throw this and leave it to the
 * caller to name the component (e.g. `new pulumi.ResourceError(err.message, backup)`).
 */
export class BackupPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupPolicyError";
  }
}

const VAULT_STORE = { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" } as const;
/** A fixed anchor keeps the schedule stable between runs (a Date.now() here would diff every `up`). */
const SCHEDULE_ANCHOR = "2025-01-05T02:00:00+00:00";

function retentionRule(days: number) {
  return {
    name: "Default",
    objectType: "AzureRetentionRule" as const,
    isDefault: true,
    lifecycles: [
      {
        deleteAfter: { objectType: "AbsoluteDeleteOption" as const, duration: `P${days}D` },
        sourceDataStore: VAULT_STORE,
        targetDataStoreCopySettings: [],
      },
    ],
  };
}

function scheduledRule(name: string, backupType: string, interval: "P1D" | "P1W") {
  return {
    name,
    objectType: "AzureBackupRule" as const,
    backupParameters: { objectType: "AzureBackupParams" as const, backupType },
    dataStore: VAULT_STORE,
    trigger: {
      objectType: "ScheduleBasedTriggerContext" as const,
      schedule: { repeatingTimeIntervals: [`R/${SCHEDULE_ANCHOR}/${interval}`], timeZone: "UTC" },
      taggingCriteria: [{ isDefault: true, taggingPriority: 99, tagInfo: { tagName: "Default" } }],
    },
  };
}

/** Daily vaulted (Discrete) backup of the lake's containers, kept `retentionDays` in the vault. */
export function lakePolicy(retentionDays: number): PolicyProperties {
  if (retentionDays < LAKE_MIN_RETENTION_DAYS) {
    throw new BackupPolicyError(`backup: lake retention ${retentionDays} d is below the ${LAKE_MIN_RETENTION_DAYS} d ADLS vaulted backup allows`);
  }
  return {
    objectType: "BackupPolicy",
    datasourceTypes: [DATASOURCE.lake.datasourceType],
    policyRules: [scheduledRule("BackupDaily", "Discrete", "P1D"), retentionRule(retentionDays)],
  };
}

/** Weekly full long-term-retention backup of the Postgres flexible server (beyond its own 7-35 d PITR window). */
export function postgresPolicy(retentionDays: number): PolicyProperties {
  return {
    objectType: "BackupPolicy",
    datasourceTypes: [DATASOURCE.postgres.datasourceType],
    policyRules: [scheduledRule("BackupWeekly", "Full", "P1W"), retentionRule(retentionDays)],
  };
}
