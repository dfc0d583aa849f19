import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { attachCrossCutting, type CrossCuttingArgs, type PlacementArgs } from "../cross-cutting";

export const PREFECT_DATABASE = "prefect";
/** Extensions Prefect's migrations create; Azure refuses CREATE EXTENSION for anything not allow-listed here. */
const ALLOWED_EXTENSIONS = ["pg_trgm"] as const;

export interface PostgresSettings {
  readonly tier: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
  readonly sku: string;
  readonly storageSizeGb: number;
  readonly highAvailability: "Disabled" | "SameZone" | "ZoneRedundant";
  readonly geoRedundantBackup: boolean;
  readonly backupRetentionDays: number;
}

/** The Entra principal that administers the server and is the identity Prefect connects as. */
export interface PostgresAdministrator {
  readonly objectId: pulumi.Input<string>;
  /** Its display name: for a managed identity, the identity's resource name. This is also the Postgres role name. */
  readonly principalName: pulumi.Input<string>;
}

export interface PostgresArgs extends PlacementArgs, CrossCuttingArgs {
  readonly tenantId: pulumi.Input<string>;
  readonly settings: PostgresSettings;
  readonly administrator: PostgresAdministrator;
}

export interface PrefectPostgres {
  readonly server: azure.dbforpostgresql.Server;
  readonly database: azure.dbforpostgresql.Database;
  /** Everything the Prefect server must wait for before it connects (private endpoint, admin, extensions, database). */
  readonly ready: readonly pulumi.Resource[];
  /** The last write to the server in the chain (lock, else diagnostics, else database): later writers wait for it. */
  readonly settled: pulumi.Resource;
}

/**
 * The Prefect database: a Postgres flexible server with Microsoft Entra authentication only (password authentication
 * off, so no password exists to leak or rotate), no public network access (private endpoint `postgresqlServer`),
 * `pg_trgm` allow-listed, and the `prefect` database. Sizing, HA and backups come from the environment's settings.
 */
export function prefectPostgres(parent: pulumi.Resource, name: string, args: PostgresArgs): PrefectPostgres {
  const { settings } = args;
  if (settings.tier === "Burstable" && settings.highAvailability !== "Disabled") {
    throw new pulumi.ResourceError(`orchestrator: Postgres high availability (${settings.highAvailability}) is not available on the Burstable tier`, parent);
  }
  const server = new azure.dbforpostgresql.Server(
    `${name}-psql`,
    {
      serverName: args.naming.name("postgresServer", "prefect"),
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      version: "16",
      sku: { name: settings.sku, tier: settings.tier },
      storage: { storageSizeGB: settings.storageSizeGb, autoGrow: "Enabled" },
      backup: {
        backupRetentionDays: settings.backupRetentionDays,
        geoRedundantBackup: settings.geoRedundantBackup ? "Enabled" : "Disabled",
      },
      highAvailability: { mode: settings.highAvailability },
      network: { publicNetworkAccess: "Disabled" },
      authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: args.tenantId },
      tags: args.tags,
    },
    { parent, protect: args.protect },
  );

  // A flexible server takes one operation at a time and answers a concurrent one with "Server '<name>' is busy with
  // another operation. Please try again later. (Code: ServerBusy)" (e.g. Azure/bicep-registry-modules#4451, hit by
  // a configuration next to other writes). So every write to the server is chained, one after the other:
  // private endpoint (its connection is a write on the server) → Entra admin → azure.extensions → database →
  // diagnostic setting → lock. The same attachCrossCutting children and names as before, created in three calls so
  // each can wait for the previous step.
  const { privateEndpoints } = attachCrossCutting(parent, name, args, {
    purpose: "psql",
    id: server.id,
    privateLinkGroups: ["postgresqlServer"],
  }, { ...(args.privateEndpoints ? { privateEndpoints: args.privateEndpoints } : {}) });
  const endpointReady = privateEndpoints.flatMap((pe) => [pe.endpoint, pe.dnsZoneGroup]);

  const admin = new azure.dbforpostgresql.AdministratorsMicrosoftEntra(
    `${name}-psql-admin`,
    {
      resourceGroupName: args.resourceGroupName,
      serverName: server.name,
      objectId: args.administrator.objectId,
      principalName: args.administrator.principalName,
      principalType: "ServicePrincipal",
      tenantId: args.tenantId,
    },
    { parent, dependsOn: endpointReady },
  );
  const extensions = new azure.dbforpostgresql.Configuration(
    `${name}-psql-extensions`,
    {
      resourceGroupName: args.resourceGroupName,
      serverName: server.name,
      configurationName: "azure.extensions",
      value: ALLOWED_EXTENSIONS.join(","),
      source: "user-override",
    },
    { parent, dependsOn: [admin] },
  );
  const database = new azure.dbforpostgresql.Database(
    `${name}-psql-db`,
    {
      resourceGroupName: args.resourceGroupName,
      serverName: server.name,
      databaseName: PREFECT_DATABASE,
      charset: "UTF8",
      collation: "en_US.utf8",
    },
    { parent, dependsOn: [extensions], protect: args.protect },
  );
  const { diagnosticSetting } = attachCrossCutting(parent, name, args, {
    purpose: "psql",
    id: server.id,
    diagnostics: { logs: "allLogs", metrics: true },
    dependsOn: [database],
  }, { ...(args.diagnostics ? { diagnostics: args.diagnostics } : {}) });
  const afterDiagnostics = diagnosticSetting ?? database;
  const { lock } = attachCrossCutting(parent, name, args, {
    purpose: "psql",
    id: server.id,
    dependsOn: [afterDiagnostics],
  }, { ...(args.lock ? { lock: args.lock } : {}) });
  return { server, database, ready: [...endpointReady, admin, extensions, database], settled: lock ?? afterDiagnostics };
}
