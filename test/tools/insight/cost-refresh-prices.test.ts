import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Price, PRICES, type RetailMeter } from "../../../contracts/prices";
import { chooseItem, type RetailItem, retailFilter, retailUrl, rewriteEntry } from "../../../tools/insight/refresh-prices";

const meter: RetailMeter = {
  serviceName: "Log Analytics",
  productName: "Log Analytics",
  skuName: "Analytics Logs",
  meterName: "Analytics Logs Data Ingestion",
  priceType: "Consumption",
  tierMinimumUnits: 5,
};

function row(overrides: Partial<RetailItem>): RetailItem {
  return {
    currencyCode: "USD",
    retailPrice: 1,
    unitOfMeasure: "1 GB",
    armRegionName: "westeurope",
    serviceName: "Log Analytics",
    productName: "Log Analytics",
    skuName: "Analytics Logs",
    meterName: "Analytics Logs Data Ingestion",
    type: "Consumption",
    tierMinimumUnits: 0,
    effectiveStartDate: "2024-01-01T00:00:00Z",
    ...overrides,
  };
}

describe("price refresh (no network: the filter and the row choice)", () => {
  it("filters on the API's documented fields, exact values, quotes escaped", () => {
    expect(retailFilter(meter, "westeurope")).toBe(
      "serviceName eq 'Log Analytics' and armRegionName eq 'westeurope' and productName eq 'Log Analytics' and skuName eq 'Analytics Logs' and meterName eq 'Analytics Logs Data Ingestion' and priceType eq 'Consumption'",
    );
    expect(retailFilter({ serviceName: "O'Brien", meterName: "m", priceType: "Consumption" }, "x")).toContain("serviceName eq 'O''Brien'");
    // Networking meters priced once for all regions are filed under "Global".
    expect(retailFilter({ serviceName: "NAT Gateway", meterName: "Standard Gateway", priceType: "Consumption", meterRegion: "Global" }, "westeurope")).toBe(
      "serviceName eq 'NAT Gateway' and armRegionName eq 'Global' and meterName eq 'Standard Gateway' and priceType eq 'Consumption'",
    );
    expect(retailUrl(meter, "westeurope")).toMatch(/^https:\/\/prices\.azure\.com\/api\/retail\/prices\?api-version=2023-01-01-preview&currencyCode='USD'&\$filter=serviceName%20eq%20/);
  });

  it("every Azure price names a retail meter; only Cloudflare's have none", () => {
    for (const [id, price] of Object.entries(PRICES) as [string, Price][]) {
      if (id.startsWith("cloudflare")) expect(price.meter, id).toBeUndefined();
      else expect(price.meter?.priceType, id).toBe("Consumption");
    }
  });

  it("picks the meter's tier and the newest row, and refuses to guess between prices", () => {
    const rows = [
      row({ tierMinimumUnits: 0, retailPrice: 0 }),
      row({ tierMinimumUnits: 5, retailPrice: 2.99, effectiveStartDate: "2023-01-01T00:00:00Z" }),
      row({ tierMinimumUnits: 5, retailPrice: 3.1 }),
      row({ tierMinimumUnits: 5, retailPrice: 9, type: "DevTestConsumption" }),
    ];
    expect(chooseItem(meter, rows).retailPrice).toBe(3.1);
    expect(() => chooseItem(meter, [...rows, row({ tierMinimumUnits: 5, retailPrice: 4 })])).toThrow(/ambiguous/);
    expect(() => chooseItem(meter, [row({ tierMinimumUnits: 0 })])).toThrow(/no USD Consumption row at tier 5/);
  });

  it("rewrites one entry of contracts/prices.ts and nothing else", () => {
    const text = readFileSync(join(__dirname, "..", "..", "..", "contracts", "prices.ts"), "utf8");
    const updated = rewriteEntry(text, "natGateway.hour", { value: 0.052, region: "westeurope", source: "https://prices.azure.com/x", observed: "2027-01-02" });
    const changed = updated.split("\n").filter((line, i) => line !== text.split("\n")[i]);
    expect(changed).toEqual([`    value: 0.052, currency: "USD", unit: "1 Hour", region: "westeurope", source: "https://prices.azure.com/x", observed: "2027-01-02",`]);
    expect(() => rewriteEntry(text, "nope", { value: 1, region: "r", source: "s", observed: "o" })).toThrow(/no entry "nope"/);
  });
});
