import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import type { PolicyPackConfig } from "@pulumi/policy";
import { platformPolicies } from "../../policy/policies";
import { runPoliciesOnGraph } from "../../policy/run-on-graph";
import { PROJECT_ROOT, listStacks, stackGraph } from "../../tools/graph";

/** The pack config CI passes for this stack: policy/config/<environment>.json. */
function packConfig(environment: string): PolicyPackConfig {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, "policy", "config", `${environment}.json`), "utf8")) as PolicyPackConfig;
}

describe("mandatory policies pass on every stack's captured graph", () => {
  for (const stack of listStacks()) {
    it(`${stack}: no mandatory violation`, async () => {
      const graph = await stackGraph(stack);
      const environment = String(graph.outputs["environment"]);
      const found = await runPoliciesOnGraph(graph, { config: packConfig(environment) });
      const mandatory = found.filter((v) => v.level === "mandatory");
      assert.deepEqual(
        mandatory.map((v) => `${v.policy}: ${v.type} ${v.name}: ${v.message}`),
        [],
        `mandatory violations in ${stack}`,
      );
    });

    it(`${stack}: rules actually met the stack's resources (not vacuously green)`, async () => {
      const graph = await stackGraph(stack);
      const types = new Set(graph.resources.map((r) => r.type));
      // Every stack has at least the resource group, Log Analytics workspace and VNet: a broken runner that skipped
      // resources would let a missing-tag fixture through; prove the same graph minus its tags fails.
      assert.ok(types.has("azure-native:operationalinsights:Workspace"));
      const untagged = graph.resources.map((r) => ("tags" in r.inputs ? { ...r, inputs: { ...r.inputs, tags: {} } } : r));
      const found = await runPoliciesOnGraph(untagged, { config: packConfig(String(graph.outputs["environment"])) });
      const tagged = graph.resources.filter((r) => r.custom && r.type.startsWith("azure-native:") && ("location" in r.inputs || "tags" in r.inputs));
      assert.equal(found.filter((v) => v.policy === "required-tags").length, tagged.length);
    });
  }

  it("the prod graph is checked with the prod config (locks required)", async () => {
    const graph = await stackGraph("prod");
    const unlocked = graph.resources.filter((r) => r.type !== "azure-native:authorization:ManagementLockByScope");
    const found = await runPoliciesOnGraph(unlocked, { config: packConfig("prod") });
    assert.ok(found.some((v) => v.policy === "stateful-durability" && /CanNotDelete/.test(v.message)));
    assert.ok(platformPolicies.length >= 30);
  });
});
