import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { type Graph, stackGraph } from "../../../tools/graph";
import { prefectConfiguration } from "../../../tools/plan/prefect-config";
import { graphOf } from "../../support/graphs";
import { runPlan } from "../../support/run-plan";

/** The three-domain DomainWorker program (test/components/orchestrator/domain-worker-fixture.ts). */
function threeDomains(): Promise<Graph> {
  return stackGraph("dw-base", { config: { "fixture:variant": "base" }, project: { dir: ".", main: "test/components/orchestrator/domain-worker-fixture.ts" } });
}

describe("the plan's Prefect configuration", () => {
  let graph: Graph;
  beforeAll(async () => {
    graph = await threeDomains();
  });

  it("lists each domain's pool and limit, the global limits, the variables and every deployment, read from the workers' apps", () => {
    const lines = prefectConfiguration(graph);
    assert.ok(lines.includes("| sales | process | 4 | ca-dataplatform-sales-dev-weu |"), lines.join("\n"));
    assert.ok(lines.includes("| finance | process | 2 | ca-dataplatform-finance-dev-weu |"));
    assert.ok(lines.some((l) => /^\| customer-analytics \| process \| 3 \| ca-dataplatform-cus-[0-9a-f]{4}-dev-weu \|$/.test(l)));
    assert.ok(lines.some((l) => l.startsWith("| adf-pipeline-runs | 20 | Data Factory pipeline runs")));
    assert.equal(lines.filter((l) => l.startsWith("| adf-pipeline-runs |")).length, 1, "platform-wide items once, not once per worker");
    assert.ok(lines.includes("| dataplatform_domain_finance_team | `fin-data` |"));
    assert.ok(lines.includes("| dataplatform_data_factory_name | `adf-dataplatform-dev-weu` |"));
    const deployments = lines.filter((l) => /^\| (adf-pipeline-run|synapse-pipeline-run|backup-on-demand)\//.test(l));
    assert.equal(deployments.length, 9);
    assert.ok(lines.includes('| backup-on-demand/sales | sales | env:dev domain:sales team:sales-eng cost-center:cc-1001 | `{"domain":"sales"}` |'));
  });

  it("says so when no domain worker applies a configuration", () => {
    assert.deepEqual(prefectConfiguration({ ...graph, resources: [] }), ["- none: no domain worker applies a Prefect configuration in this stack"]);
  });

  it("is a section of `npm run plan`", async () => {
    const dev = await graphOf("dev");
    const run = await runPlan(["dev"]);
    const section = run.stdout.split("## Prefect configuration\n\n")[1]?.split("\n\n## ")[0];
    assert.ok(section !== undefined, run.stdout.slice(-2000) + run.stderr);
    assert.equal(section.trimEnd(), prefectConfiguration(dev).join("\n").trimEnd());
  }, 600_000);
});
