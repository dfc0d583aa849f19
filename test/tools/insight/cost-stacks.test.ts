import { describe, expect, it } from "vitest";
import { PRICES } from "../../../contracts/prices";
import { listStacks, stackGraph } from "../../../tools/graph";
import { estimateCost } from "../../../tools/insight/cost";
import { prReport } from "../../../tools/plan/pr-report";

/** The plan's cost figures for every real stack are present and sane (issue 13 point 5). */
describe("monthly cost of the real stacks", async () => {
  const stacks = listStacks();
  const estimates = Object.fromEntries(await Promise.all(stacks.map(async (s) => [s, estimateCost(await stackGraph(s))] as const)));

  it.each(stacks)("%s costs more than nothing a month, by component", (stack) => {
    const estimate = estimates[stack]!;
    expect(estimate.total).toBeGreaterThan(0);
    expect(estimate.byComponent.map((c) => c.component)).toEqual(expect.arrayContaining(["orchestrator", "network"]));
    expect(estimate.byComponent.every((c) => c.component !== "(outside the platform)")).toBe(true);
  });

  it("prod costs more than dev", () => {
    expect(estimates["prod"]!.total).toBeGreaterThan(estimates["dev"]!.total);
  });

  it.each(stacks)("%s: every fixed item names prices that have a value, a unit, a region, a source and a date", (stack) => {
    for (const item of estimates[stack]!.fixed) {
      expect(item.prices.length, `${item.resource} ${item.item}`).toBeGreaterThan(0);
      for (const id of item.prices) {
        const price = PRICES[id];
        expect(price, id).toBeDefined();
        expect(price.value).toBeGreaterThan(0);
        expect(price.currency).toBe("USD");
        expect(price.unit).not.toBe("");
        expect(price.region).not.toBe("");
        expect(price.source).toMatch(/^(https:\/\/|repo-index:\d+$)/);
        expect(price.observed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });

  it.each(stacks)("%s: usage-priced services are shown as rates (Synapse serverless, Data Factory runs)", (stack) => {
    const items = estimates[stack]!.rates.map((r) => r.item);
    expect(items).toContain("serverless SQL data processed");
    expect(items).toContain("pipeline activity runs");
  });

  it("the pull-request report carries the cost change per component", async () => {
    const report = await prReport({ stack: "dev", base: "HEAD" }, { step() {}, done() {} });
    expect(report.markdown).toContain("### Monthly cost change");
    expect(report.markdown).toMatch(/Fixed monthly cost: \$[\d,.]+ → \$[\d,.]+ \(\*\*(?:\+|-|±)\$[\d,.]+\*\*\)/);
  }, 600_000);
});
