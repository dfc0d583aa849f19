/**
 * Retail list prices for the SKUs the platform uses — data only, read by tools/insight/cost.ts.
 *
 * HOW THIS TABLE WAS TAKEN (read before trusting a figure):
 * - It was NOT taken from the Azure Retail Prices API (https://prices.azure.com/api/retail/prices): the session that
 *   wrote it had no network. Each figure was read from published material found through the project's offline search
 *   index (pages, docs and public code corpora) on {@link PRICES_TAKEN}: Microsoft and Cloudflare pages where they give a
 *   figure, otherwise third-party pages or public repositories that recorded Retail Prices API answers with a date.
 *   `source` names where each figure was read and `observed` is the date that source gives for it (or, when it gives
 *   none, the date it was read here).
 * - Azure prices are regional. `region` is the region the source states for the figure. Where no West Europe figure was
 *   found the table holds the region that was found (mostly eastus) and says so: the estimate prints which prices come
 *   from another region than the stack's.
 * - Currency is USD everywhere: Microsoft prices Azure in USD (https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices,
 *   "The currency that Microsoft uses to price all Azure services is USD").
 * - A maintainer refreshes the table with `tsx tools/insight/refresh-prices.ts` (needs network; never run by the tests):
 *   it queries the Retail Prices API with each entry's `meter` filter for westeurope and prints the changed entries with
 *   today's date and the API as their source, to be reviewed and committed here.
 *
 * A SKU or resource type the platform uses that has no entry here is NOT zero: the estimate lists it as "not priced".
 */

/** The date this table was assembled (UTC). */
export const PRICES_TAKEN = "2026-12-02";

/** The region the stacks deploy to (Pulumi.<stack>.yaml `dataplatform:location`); the refresh script queries it. */
export const PRICE_REGION = "westeurope";

/**
 * The Retail Prices API fields that select one meter (names as in the API's documented item properties, see
 * https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices): used verbatim by
 * tools/insight/refresh-prices.ts as an OData `$filter` (`serviceName eq '…' and armRegionName eq '…' and …`).
 * Cloudflare has no such API: its entries carry no meter.
 */
export interface RetailMeter {
  serviceName: string;
  productName?: string;
  skuName?: string;
  meterName: string;
  priceType: "Consumption";
  /**
   * The `armRegionName` the API files this meter under when it is not the stack's region: networking meters such as
   * Private Link and NAT gateway are priced once for all regions and filed under "Global" (observed in public code that
   * queried them, e.g. repo-index:68982503254 "Private Link ... standard meters are not regional", repo-index:58527174418
   * "NAT Gateway | armRegionName == \"Global\"").
   */
  meterRegion?: string;
  /** Tiered meters (e.g. Log Analytics ingestion: first 5 GB free) list a row per tier: the tier this price is. */
  tierMinimumUnits?: number;
}

export interface Price {
  value: number;
  currency: "USD";
  /** The unit the value is per, as the source states it ("1 Hour", "1 GB/Month", "1 Second", "1M requests", …). */
  unit: string;
  /** Region the figure is for; "global" when the provider prices it the same everywhere. */
  region: string;
  /** URL, or `repo-index:<id>` for a public-code excerpt the offline index returns without naming its repository. */
  source: string;
  /** Date the source gives for the figure (YYYY-MM-DD). */
  observed: string;
  meter?: RetailMeter;
  note?: string;
}

const C3X_PE = "https://c3x.dev/resources/azure/azurerm_private_endpoint/";
/** A public note quoting the retail API: "Virtual Network Private Link" and "Azure DNS (Private Zone $0.50, first 25 zones; Private Queries $0.40 per million)". */
const RETAIL_PL_DNS = "repo-index:70949320906";
const C3X_NAT = "https://c3x.dev/resources/azure/azurerm_nat_gateway/";
const C3X_SYNAPSE = "https://c3x.dev/resources/azure/azurerm_synapse_workspace";
/** A public test fixture "live-verified 2026-08-28 westeurope" (Container Apps and Postgres Flexible Server rows). */
const WEU_FIXTURE = "repo-index:68345421042";
/** A public descriptor table "VERIFIED against the live Retail API (eastus) on 2026-07-26" (Postgres Flexible Server rows). */
const EASTUS_PG = "repo-index:62523139940";
/** A public Terraform comment "East US, verified prices.azure.com 2026-08-09" (Log Analytics rows). */
const EASTUS_LAW = "repo-index:62430078124";

export const PRICES = {
  // --- Private Link (https://azure.microsoft.com/pricing/details/private-link/) -------------------------------------
  "privateEndpoint.hour": {
    value: 0.01, currency: "USD", unit: "1 Hour", region: "global", source: C3X_PE, observed: PRICES_TAKEN,
    meter: { serviceName: "Virtual Network", productName: "Virtual Network Private Link", skuName: "Standard", meterName: "Standard Private Endpoint", priceType: "Consumption", meterRegion: "Global" },
    note: "~$7.30/month per endpoint; 'the first 6 months free per subscription' is not applied here",
  },
  "privateEndpoint.gbProcessed": {
    value: 0.01, currency: "USD", unit: "1 GB", region: "global", source: C3X_PE, observed: PRICES_TAKEN,
    meter: { serviceName: "Virtual Network", productName: "Virtual Network Private Link", skuName: "Standard", meterName: "Standard Data Processed - Ingress", priceType: "Consumption", meterRegion: "Global" },
    note: "charged in each direction (ingress and egress); same figure from the retail API in " + RETAIL_PL_DNS,
  },
  // --- Azure DNS private zones ----------------------------------------------------------------------------------------
  "privateDns.zone.month": {
    value: 0.5, currency: "USD", unit: "1 zone/Month", region: "global", source: RETAIL_PL_DNS, observed: PRICES_TAKEN,
    meter: { serviceName: "Azure DNS", meterName: "Private Zone", priceType: "Consumption", meterRegion: "Global" },
    note: "first 25 zones (the price per zone drops beyond); the meter's armRegionName was not observed: the refresh fails loudly if it is not Global",
  },
  "privateDns.queries.million": {
    value: 0.4, currency: "USD", unit: "1M queries", region: "global", source: RETAIL_PL_DNS, observed: PRICES_TAKEN,
    meter: { serviceName: "Azure DNS", meterName: "Private Queries", priceType: "Consumption", meterRegion: "Global" },
  },
  // --- NAT gateway and its public IP -------------------------------------------------------------------------------
  "natGateway.hour": {
    value: 0.045, currency: "USD", unit: "1 Hour", region: "global", source: C3X_NAT, observed: PRICES_TAKEN,
    meter: { serviceName: "NAT Gateway", meterName: "Standard Gateway", priceType: "Consumption", meterRegion: "Global" },
  },
  "natGateway.gbProcessed": {
    value: 0.045, currency: "USD", unit: "1 GB", region: "global", source: C3X_NAT, observed: PRICES_TAKEN,
    meter: { serviceName: "NAT Gateway", meterName: "Standard Data Processed", priceType: "Consumption", meterRegion: "Global" },
  },
  "publicIp.standardStatic.hour": {
    value: 0.005, currency: "USD", unit: "1 Hour", region: "eastus", source: C3X_NAT, observed: PRICES_TAKEN,
    meter: { serviceName: "Virtual Network", productName: "IP Addresses", meterName: "Standard IPv4 Static Public IP", priceType: "Consumption" },
    note: "the source gives ~$3.65/month for a static Standard IP",
  },
  // --- Container Apps, Consumption plan (billing model: https://learn.microsoft.com/azure/container-apps/billing) ---
  "containerApps.vcpuActive.second": {
    value: 0.000034, currency: "USD", unit: "1 vCPU Second", region: "westeurope", source: WEU_FIXTURE, observed: "2026-08-28",
    meter: { serviceName: "Azure Container Apps", meterName: "Standard vCPU Active Usage", priceType: "Consumption" },
    note: "180,000 vCPU-s/month free per subscription (billing page) are not subtracted",
  },
  "containerApps.memoryActive.gibSecond": {
    value: 0.000004, currency: "USD", unit: "1 GiB Second", region: "westeurope", source: WEU_FIXTURE, observed: "2026-08-28",
    meter: { serviceName: "Azure Container Apps", meterName: "Standard Memory Active Usage", priceType: "Consumption" },
    note: "360,000 GiB-s/month free per subscription (billing page) are not subtracted",
  },
  "containerApps.vcpuIdle.second": {
    value: 0.000004, currency: "USD", unit: "1 vCPU Second", region: "westeurope", source: WEU_FIXTURE, observed: "2026-08-28",
    meter: { serviceName: "Azure Container Apps", meterName: "Standard vCPU Idle Usage", priceType: "Consumption" },
  },
  "containerApps.requests.million": {
    value: 0.56, currency: "USD", unit: "1M requests", region: "westeurope", source: WEU_FIXTURE, observed: "2026-08-28",
    meter: { serviceName: "Azure Container Apps", meterName: "Standard Requests", priceType: "Consumption" },
  },
  // --- PostgreSQL flexible server --------------------------------------------------------------------------------
  "postgres.compute.Standard_B1ms.hour": {
    value: 0.02086, currency: "USD", unit: "1 Hour", region: "westeurope", source: WEU_FIXTURE, observed: "2026-08-28",
    meter: { serviceName: "Azure Database for PostgreSQL", productName: "Azure Database for PostgreSQL Flexible Server Burstable BS Series Compute", skuName: "B1MS", meterName: "B1MS", priceType: "Consumption" },
  },
  "postgres.compute.Standard_D2ds_v5.hour": {
    value: 0.178, currency: "USD", unit: "1 Hour", region: "eastus", source: EASTUS_PG, observed: "2026-07-26",
    meter: { serviceName: "Azure Database for PostgreSQL", productName: "Azure Database for PostgreSQL Flexible Server General Purpose Ddsv5 Series Compute", skuName: "2 vCore", meterName: "vCore", priceType: "Consumption" },
    note: "no West Europe figure was found offline; the West Europe B1ms figure is 1.23x the eastus one, so expect this to be higher",
  },
  "postgres.storage.gbMonth": {
    value: 0.115, currency: "USD", unit: "1 GB/Month", region: "westeurope", source: WEU_FIXTURE, observed: "2026-08-28",
    meter: { serviceName: "Azure Database for PostgreSQL", productName: "Az DB for PostgreSQL Flexible Server Storage", skuName: "Storage", meterName: "Storage Data Stored", priceType: "Consumption" },
    note: "the fixture's B1ms + 32 GB hourly figure (0.025901) less B1ms compute (0.02086) is 0.115/GB-month; eastus is 0.115 too (" + EASTUS_PG + ")",
  },
  // --- Log Analytics (cost model: https://learn.microsoft.com/azure/azure-monitor/logs/cost-logs) -------------------
  "logAnalytics.ingestion.gb": {
    value: 2.3, currency: "USD", unit: "1 GB", region: "eastus", source: EASTUS_LAW, observed: "2026-08-09",
    meter: { serviceName: "Log Analytics", productName: "Log Analytics", skuName: "Analytics Logs", meterName: "Analytics Logs Data Ingestion", priceType: "Consumption", tierMinimumUnits: 5 },
    note: "tiered meter: the first 5 GB/month are free (tier 0 row); this is the charged tier",
  },
  "logAnalytics.retention.gbMonth": {
    value: 0.1, currency: "USD", unit: "1 GB/Month", region: "eastus", source: EASTUS_LAW, observed: "2026-08-09",
    meter: { serviceName: "Log Analytics", productName: "Log Analytics", skuName: "Analytics Logs", meterName: "Analytics Logs Data Retention", priceType: "Consumption" },
    note: "only retention beyond the 31 days included with ingestion is charged",
  },
  // --- Key Vault ---------------------------------------------------------------------------------------------------
  "keyVault.standard.operations10k": {
    value: 0.03, currency: "USD", unit: "10K operations", region: "global",
    source: "https://learn.microsoft.com/en-us/answers/questions/5608202/how-to-correctly-estimate-azure-key-vault-cost", observed: PRICES_TAKEN,
    meter: { serviceName: "Key Vault", skuName: "Standard", meterName: "Operations", priceType: "Consumption" },
  },
  // --- Storage (ADLS Gen2 / block blob, hot) -------------------------------------------------------------------------
  "storage.hot.LRS.gbMonth": {
    value: 0.0184, currency: "USD", unit: "1 GB/Month", region: "eastus", source: "repo-index:58134657488", observed: PRICES_TAKEN,
    meter: { serviceName: "Storage", productName: "Blob Storage", skuName: "Hot LRS", meterName: "Hot LRS Data Stored", priceType: "Consumption" },
    note: "flat-namespace block blob; ADLS Gen2 hierarchical namespace has its own product ('Azure Data Lake Storage Gen2 Hierarchical Namespace'); ZRS/GZRS figures were not found offline",
  },
  // --- Synapse (workspace itself is free; compute is usage) --------------------------------------------------------
  "synapse.serverless.tb": {
    value: 5, currency: "USD", unit: "1 TB processed", region: "eastus", source: C3X_SYNAPSE, observed: PRICES_TAKEN,
    meter: { serviceName: "Azure Synapse Analytics", productName: "Azure Synapse Analytics Serverless SQL Pool", meterName: "Standard Data Processed", priceType: "Consumption" },
    note: "also https://docs.azure.cn/en-us/synapse-analytics/sql/data-processed for what counts as processed",
  },
  "synapse.dedicated.DW100c.hour": {
    value: 1.2, currency: "USD", unit: "1 Hour", region: "eastus", source: C3X_SYNAPSE, observed: PRICES_TAKEN,
    meter: { serviceName: "Azure Synapse Analytics", productName: "Azure Synapse Analytics Dedicated SQL Pool", skuName: "DW100c", meterName: "100 DWUs", priceType: "Consumption" },
  },
  "synapse.spark.memoryOptimized.vcoreHour": {
    value: 0.143, currency: "USD", unit: "1 vCore Hour", region: "eastus", source: C3X_SYNAPSE, observed: PRICES_TAKEN,
    meter: { serviceName: "Azure Synapse Analytics", productName: "Azure Synapse Analytics Serverless Apache Spark Pool - Memory Optimized", meterName: "vCore", priceType: "Consumption" },
  },
  // --- Data Factory ------------------------------------------------------------------------------------------------
  "dataFactory.orchestration.activityRuns1000": {
    value: 1, currency: "USD", unit: "1K activity runs", region: "eastus", source: C3X_SYNAPSE, observed: PRICES_TAKEN,
    meter: { serviceName: "Azure Data Factory v2", meterName: "Cloud Orchestration Activity Run", priceType: "Consumption" },
    note: "the source: '$1 per 1,000 activity runs (same as Data Factory)'",
  },
  // --- Cloudflare Workers (no retail API; Workers Paid plan) --------------------------------------------------------
  "cloudflareWorkers.paidPlan.month": {
    value: 5, currency: "USD", unit: "1 account/Month", region: "global", source: "https://github.com/halideworks/onelight/wiki/Pricing/27483f22b43b0b0952dbddc2323bf25d5018b109", observed: "2026-08-03",
    note: "one plan per Cloudflare account, shared by every stack in it: shown as a rate, not added to a stack",
  },
  "cloudflareWorkers.requests.million": {
    value: 0.3, currency: "USD", unit: "1M requests", region: "global", source: "https://github.com/halideworks/onelight/wiki/Pricing/27483f22b43b0b0952dbddc2323bf25d5018b109", observed: "2026-08-03",
    note: "beyond the 10M requests/month the paid plan includes",
  },
} as const satisfies Record<string, Price>;

export type PriceId = keyof typeof PRICES;

/** Hours in a billing month as Azure's calculator counts them (730 = 8760 / 12). */
export const HOURS_PER_MONTH = 730;
