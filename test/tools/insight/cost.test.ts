import { describe, expect, it } from "vitest";
import { HOURS_PER_MONTH, type Price, PRICES } from "../../../contracts/prices";
import type { Graph, GraphResource } from "../../../tools/graph";
import { graphResource } from "../../support/graph-resource";
import { componentOf, costDelta, cronRunsPerMonth, estimateCost, gibibytes, renderCost, renderCostDelta } from "../../../tools/insight/cost";

/** A resource as the graph captures it, with only what the estimator reads. */
function res(type: string, name: string, parent: string | undefined, inputs: Record<string, unknown> = {}, custom = true): GraphResource {
  return graphResource({
    urn: `urn:pulumi:t::dataplatform::${type}::${name}`,
    type,
    name,
    custom,
    ...(parent ? { parent: `urn:pulumi:t::dataplatform::${parent}` } : {}),
    inputs: { location: "westeurope", ...inputs },
  });
}

const PLATFORM = "dataplatform:platform:DataPlatform::dp";
const NETWORK = "dataplatform:network:Network::dp-network";
const ORCH = "dataplatform:orchestrator:Orchestrator::dp-orchestrator";

function graph(resources: GraphResource[]): Graph {
  return {
    project: "dataplatform",
    stack: "t",
    resources: [
      res("dataplatform:platform:DataPlatform", "dp", undefined, {}, false),
      res("dataplatform:network:Network", "dp-network", PLATFORM, {}, false),
      res("dataplatform:orchestrator:Orchestrator", "dp-orchestrator", PLATFORM, {}, false),
      ...resources,
    ],
    outputs: {},
    secretOutputs: [],
    invokes: [],
  };
}

/** Round figures so the expected answers are exact. */
const TABLE: Record<string, Price> = {
  ...PRICES,
  "privateEndpoint.hour": { ...PRICES["privateEndpoint.hour"], value: 0.01 },
  "natGateway.hour": { ...PRICES["natGateway.hour"], value: 0.05 },
  "containerApps.vcpuActive.second": { ...PRICES["containerApps.vcpuActive.second"], value: 0.00001 },
  "containerApps.memoryActive.gibSecond": { ...PRICES["containerApps.memoryActive.gibSecond"], value: 0.000001 },
  "postgres.compute.Standard_B1ms.hour": { ...PRICES["postgres.compute.Standard_B1ms.hour"], value: 0.02 },
  "postgres.storage.gbMonth": { ...PRICES["postgres.storage.gbMonth"], value: 0.1 },
};

const app = (name: string, min: number, cpu: number, memory: string) =>
  res("azure-native:app:ContainerApp", name, ORCH, {
    workloadProfileName: "Consumption",
    template: { containers: [{ name: "c", resources: { cpu, memory } }], scale: { minReplicas: min, maxReplicas: 5 } },
  });

describe("cost estimator on synthetic graphs", () => {
  it("prices a private endpoint, a NAT gateway, a container app and a Postgres server with known answers", () => {
    const estimate = estimateCost(
      graph([
        res("azure-native:network:PrivateEndpoint", "pe", NETWORK),
        res("azure-native:network:NatGateway", "nat", NETWORK),
        app("worker", 2, 1, "2Gi"),
        res("azure-native:dbforpostgresql:Server", "psql", ORCH, {
          sku: { name: "Standard_B1ms", tier: "Burstable" },
          storage: { storageSizeGB: 32 },
          highAvailability: { mode: "ZoneRedundant" },
        }),
      ]),
      TABLE,
    );
    const network = 730 * 0.01 + 730 * 0.05; // 7.30 + 36.50
    const worker = 2 * (1 * 0.00001 + 2 * 0.000001) * 730 * 3600; // 63.072
    const psql = 2 * 730 * 0.02 + 2 * 32 * 0.1; // 29.20 + 6.40 (HA standby doubles both)
    expect(estimate.byComponent).toEqual([
      { component: "orchestrator", monthly: expect.closeTo(worker + psql, 6) },
      { component: "network", monthly: expect.closeTo(network, 6) },
    ]);
    expect(estimate.total).toBeCloseTo(network + worker + psql, 6);
    expect(HOURS_PER_MONTH).toBe(730);
  });

  it("a scale-to-zero app has no fixed cost, only rates; an idle-free minimum of one counts once", () => {
    const zero = estimateCost(graph([app("idle", 0, 1, "2Gi")]), TABLE);
    expect(zero.total).toBe(0);
    expect(zero.rates.some((r) => r.resource === "idle" && r.rate?.includes("replica-hour"))).toBe(true);
    const one = estimateCost(graph([app("one", 1, 0.5, "1Gi")]), TABLE);
    expect(one.total).toBeCloseTo((0.5 * 0.00001 + 1 * 0.000001) * 730 * 3600, 6);
  });

  it("usage-priced services are rates, never part of the total", () => {
    const estimate = estimateCost(
      graph([
        res("azure-native:synapse:Workspace", "synw", ORCH),
        res("azure-native:datafactory:Factory", "adf", ORCH),
        res("azure-native:operationalinsights:Workspace", "law", ORCH, { retentionInDays: 90, workspaceCapping: { dailyQuotaGb: 1 } }),
      ]),
      TABLE,
    );
    expect(estimate.total).toBe(0);
    const items = estimate.rates.map((r) => `${r.resource}: ${r.item}: ${r.rate}`);
    expect(items).toContain("synw: serverless SQL data processed: $5.00 per 1 TB processed");
    expect(items).toContain("adf: pipeline activity runs: $1.00 per 1K activity runs");
    expect(items).toContain("law: retention days 32-90: $0.10 per 1 GB/Month");
    expect(estimate.rates.find((r) => r.item === "data ingested")?.note).toBe("daily cap 1 GB: at most $69.96/month");
  });

  it("a priced resource type missing from the table is listed as not priced, never silently zero", () => {
    const estimate = estimateCost(
      graph([
        res("azure-native:cache:Redis", "redis", ORCH, { sku: { name: "Standard", family: "C", capacity: 1 } }),
        res("azure-native:dbforpostgresql:Server", "big", ORCH, { sku: { name: "Standard_E64ds_v5" }, storage: { storageSizeGB: 32 } }),
        res("azure-native:network:PrivateEndpoint", "pe", NETWORK),
      ]),
      TABLE,
    );
    expect(estimate.notPriced.map((n) => [n.resource, n.type])).toEqual([
      ["redis", "azure-native:cache:Redis"],
      ["big", "azure-native:dbforpostgresql:Server"],
    ]);
    expect(estimate.notPriced[1]!.reason).toMatch(/Standard_E64ds_v5/);
    const text = renderCost(estimate).join("\n");
    expect(text).toMatch(/Not priced[^\n]*\n\n- azure-native:cache:Redis x1 \(orchestrator\)/);
    expect(text).toMatch(/azure-native:dbforpostgresql:Server x1 \(orchestrator\): PostgreSQL flexible server SKU Standard_E64ds_v5/);
    // Only the endpoint is in the total.
    expect(estimate.total).toBeCloseTo(7.3, 6);
  });

  it("free resource types and non-cloud providers are neither priced nor listed", () => {
    const estimate = estimateCost(
      graph([res("azure-native:network:VirtualNetwork", "vnet", NETWORK), res("random:index/randomPassword:RandomPassword", "pw", ORCH)]),
      TABLE,
    );
    expect(estimate.notPriced).toEqual([]);
    expect(estimate.fixed).toEqual([]);
  });

  it("groups by the ancestor directly under the DataPlatform, through nested components", () => {
    const nested = res("dataplatform:rotation:RotatingClientSecret", "dp-network-secret", NETWORK, {}, false);
    const deep = res("azure-native:network:PrivateEndpoint", "deep", "dataplatform:rotation:RotatingClientSecret::dp-network-secret");
    const loose = res("azure-native:network:PrivateEndpoint", "loose", undefined);
    const components = componentOf(graph([nested, deep, loose]));
    expect(components.get(deep.urn)).toBe("network");
    expect(components.get(loose.urn)).toBe("(outside the platform)");
  });

  it("flags prices taken for another region than the stack's", () => {
    const estimate = estimateCost(
      graph([res("azure-native:network:NatGateway", "nat", NETWORK), res("azure-native:operationalinsights:Workspace", "law", ORCH, { retentionInDays: 30 })]),
      TABLE,
    );
    expect(estimate.region).toBe("westeurope");
    // NAT gateway meters are global; the Log Analytics figure is eastus's.
    expect(estimate.otherRegion).toEqual(["logAnalytics.ingestion.gb"]);
    expect(renderCost(estimate).join("\n")).toContain("- logAnalytics.ingestion.gb: eastus");
  });

  it("parses Container Apps memory and cron schedules", () => {
    expect(gibibytes("2Gi")).toBe(2);
    expect(gibibytes("0.5Gi")).toBe(0.5);
    expect(gibibytes("512Mi")).toBe(0.5);
    expect(gibibytes("lots")).toBeNaN();
    expect(cronRunsPerMonth("*/15 * * * *")).toBe(2920);
    expect(cronRunsPerMonth("0 2 * * *")).toBeCloseTo(30, 0);
    expect(cronRunsPerMonth("0 2 1 * *")).toBeUndefined();
  });
});

describe("cost delta between a base and a head graph", () => {
  it("shows the change per component and the new resources it cannot price", () => {
    const base = estimateCost(graph([res("azure-native:network:PrivateEndpoint", "pe", NETWORK), app("worker", 1, 1, "2Gi")]), TABLE);
    const head = estimateCost(
      graph([
        res("azure-native:network:PrivateEndpoint", "pe", NETWORK),
        res("azure-native:network:PrivateEndpoint", "pe2", NETWORK),
        app("worker", 3, 1, "2Gi"),
        res("azure-native:cache:Redis", "redis", ORCH),
        res("azure-native:synapse:Workspace", "synw", ORCH),
      ]),
      TABLE,
    );
    const delta = costDelta(base, head);
    const perReplica = (0.00001 + 2 * 0.000001) * 730 * 3600;
    expect(delta.components).toEqual([
      { component: "orchestrator", base: expect.closeTo(perReplica, 6), head: expect.closeTo(3 * perReplica, 6), delta: expect.closeTo(2 * perReplica, 6) },
      { component: "network", base: expect.closeTo(7.3, 6), head: expect.closeTo(14.6, 6), delta: expect.closeTo(7.3, 6) },
    ]);
    expect(delta.delta).toBeCloseTo(2 * perReplica + 7.3, 6);
    expect(delta.newNotPriced.map((n) => n.resource)).toEqual(["redis"]);
    expect(delta.newRates.map((r) => `${r.resource}: ${r.item}`)).toEqual(["pe2: data processed", "synw: serverless SQL data processed"]);
    const text = renderCostDelta(delta).join("\n");
    expect(text).toContain("| orchestrator | $31.54 | $94.61 | +$63.07 |");
    expect(text).toContain("New resources with no price in the table");
  });

  it("an unchanged stack has a zero delta", () => {
    const g = graph([res("azure-native:network:PrivateEndpoint", "pe", NETWORK)]);
    const delta = costDelta(estimateCost(g, TABLE), estimateCost(g, TABLE));
    expect(delta.components).toEqual([]);
    expect(delta.delta).toBe(0);
    expect(renderCostDelta(delta).join("\n")).toContain("No component's fixed monthly cost changes.");
  });
});
