/** Private-link sub-resource (group ID) → the private DNS zone its endpoint registers in (Azure public cloud). */
export const PRIVATE_DNS_ZONES = {
  vault: "privatelink.vaultcore.azure.net",
  blob: "privatelink.blob.core.windows.net",
  dfs: "privatelink.dfs.core.windows.net",
  Sql: "privatelink.sql.azuresynapse.net",
  SqlOnDemand: "privatelink.sql.azuresynapse.net",
  Dev: "privatelink.dev.azuresynapse.net",
  Web: "privatelink.azuresynapse.net",
  dataFactory: "privatelink.datafactory.azure.net",
  postgresqlServer: "privatelink.postgres.database.azure.com",
} as const;

export type PrivateLinkGroup = keyof typeof PRIVATE_DNS_ZONES;

export const ALL_PRIVATE_DNS_ZONES: readonly string[] = [...new Set(Object.values(PRIVATE_DNS_ZONES))];
