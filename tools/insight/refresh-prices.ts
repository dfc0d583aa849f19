import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Price, PRICE_REGION, PRICES, type RetailMeter } from "../../contracts/prices";

/**
 * `tsx tools/insight/refresh-prices.ts [--region westeurope] [--write]`: refreshes contracts/prices.ts from the Azure
 * Retail Prices API. Needs network, so no test runs it; the tests cover the filter and the row choice below.
 *
 * API: https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices — unauthenticated GET
 * https://prices.azure.com/api/retail/prices?$filter=…, 100 items a page with `NextPageLink`; the filter fields used
 * here are the documented item properties serviceName, armRegionName, productName, skuName, meterName and priceType
 * (filter values are case-sensitive from api-version 2023-01-01-preview on, so they are copied exactly as the API
 * returns them). Prices are in USD, Microsoft's pricing currency.
 *
 * Prints one line per entry (old → new). With --write it rewrites each changed entry's value, region, source and
 * observed date in contracts/prices.ts, to be reviewed and committed; entries without a meter (Cloudflare) are kept.
 */

const API = "https://prices.azure.com/api/retail/prices";
const API_VERSION = "2023-01-01-preview";

export interface RetailItem {
  currencyCode: string;
  retailPrice: number;
  unitOfMeasure: string;
  armRegionName: string;
  serviceName: string;
  productName: string;
  skuName: string;
  meterName: string;
  type: string;
  tierMinimumUnits: number;
  effectiveStartDate: string;
}

function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The OData `$filter` selecting one meter in one region (documented field names, exact values). */
export function retailFilter(meter: RetailMeter, region: string): string {
  const clauses = [`serviceName eq ${quote(meter.serviceName)}`, `armRegionName eq ${quote(meter.meterRegion ?? region)}`];
  if (meter.productName) clauses.push(`productName eq ${quote(meter.productName)}`);
  if (meter.skuName) clauses.push(`skuName eq ${quote(meter.skuName)}`);
  clauses.push(`meterName eq ${quote(meter.meterName)}`, `priceType eq ${quote(meter.priceType)}`);
  return clauses.join(" and ");
}

export function retailUrl(meter: RetailMeter, region: string): string {
  return `${API}?api-version=${API_VERSION}&currencyCode='USD'&$filter=${encodeURIComponent(retailFilter(meter, region))}`;
}

/**
 * The one row a meter names: of the USD Consumption rows, those at the meter's tier (default the first tier), newest
 * effective date first. Throws when none or several distinct prices remain: a refresh must never pick a price by luck.
 */
export function chooseItem(meter: RetailMeter, items: RetailItem[]): RetailItem {
  const tier = meter.tierMinimumUnits ?? 0;
  const rows = items
    .filter((i) => i.currencyCode === "USD" && i.type === "Consumption" && i.tierMinimumUnits === tier)
    .sort((a, b) => b.effectiveStartDate.localeCompare(a.effectiveStartDate));
  if (rows.length === 0) throw new Error(`no USD Consumption row at tier ${tier} for ${retailFilter(meter, "<region>")}`);
  const newest = rows.filter((r) => r.effectiveStartDate === rows[0]!.effectiveStartDate);
  const prices = new Set(newest.map((r) => r.retailPrice));
  if (prices.size > 1) {
    throw new Error(`ambiguous: ${newest.length} rows (${[...prices].join(", ")}) for ${retailFilter(meter, "<region>")}; narrow the meter with productName/skuName`);
  }
  return newest[0]!;
}

async function fetchAll(url: string): Promise<RetailItem[]> {
  const items: RetailItem[] = [];
  let next: string | null = url;
  while (next) {
    const response = await fetch(next);
    if (!response.ok) throw new Error(`${response.status} ${response.statusText} from ${next}`);
    const page = (await response.json()) as { Items: RetailItem[]; NextPageLink: string | null };
    items.push(...page.Items);
    next = page.NextPageLink;
  }
  return items;
}

/** Rewrites the value/region/source/observed of one entry in the prices.ts text. */
export function rewriteEntry(text: string, id: string, update: Pick<Price, "value" | "region" | "source" | "observed">): string {
  const start = text.indexOf(`  "${id}": {`);
  if (start < 0) throw new Error(`no entry "${id}" in contracts/prices.ts`);
  const end = text.indexOf("\n  },", start);
  const block = text.slice(start, end);
  const updated = block
    .replace(/value: [0-9.e-]+,/, `value: ${update.value},`)
    .replace(/region: "[^"]*",/, `region: ${JSON.stringify(update.region)},`)
    .replace(/source: [^,]+, observed: [^,]+,/, `source: ${JSON.stringify(update.source)}, observed: ${JSON.stringify(update.observed)},`);
  return text.slice(0, start) + updated + text.slice(end);
}

async function main(argv: string[]): Promise<number> {
  const regionAt = argv.indexOf("--region");
  const region = regionAt >= 0 ? argv[regionAt + 1]! : PRICE_REGION;
  const write = argv.includes("--write");
  const today = new Date().toISOString().slice(0, 10);
  const file = join(__dirname, "..", "..", "contracts", "prices.ts");
  let text = readFileSync(file, "utf8");
  let failures = 0;
  for (const [id, price] of Object.entries(PRICES) as [string, Price][]) {
    if (!price.meter) {
      process.stdout.write(`${id}: no retail meter (not Azure), kept: ${price.value} ${price.unit}\n`);
      continue;
    }
    try {
      const url = retailUrl(price.meter, region);
      const item = chooseItem(price.meter, await fetchAll(url));
      const found = price.meter.meterRegion ? "global" : region;
      const changed = item.retailPrice !== price.value || price.region !== found;
      process.stdout.write(`${id}: ${price.value} (${price.region}) -> ${item.retailPrice} per ${item.unitOfMeasure} (${found})${changed ? "" : " unchanged"}\n`);
      if (write && changed) text = rewriteEntry(text, id, { value: item.retailPrice, region: found, source: url, observed: today });
    } catch (error) {
      failures++;
      process.stderr.write(`${id}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  if (write) {
    text = text.replace(/export const PRICES_TAKEN = "[^"]*";/, `export const PRICES_TAKEN = "${today}";`);
    writeFileSync(file, text);
    process.stdout.write(`wrote ${file}: review the diff, update the header if the method changed, commit\n`);
  }
  return failures ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
