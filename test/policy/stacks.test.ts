import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { PolicyPackConfig } from "@pulumi/policy";
import { platformPolicies } from "../../policy/policies";
import { runPoliciesOnGraph } from "../../policy/run-on-graph";
import { PROJECT_ROOT, listStacks, stackGraph } from "../../tools/graph";

/** The pack config CI passes for this stack: policy/config/<environment>.json. */
function packConfig(environment: string): PolicyPackConfig {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, "policy", "config", `${environment}.json`), "utf8")) as PolicyPackConfig;
}

/**
 * Violations caused by another helper's UNCOMMITTED work in progress, reported to the lead instead of loosening the
 * rule. Each entry must name the owner and be removed as soon as the component is fixed; the rule stays mandatory
 * (the offline plan and `pulumi up --policy-pack` fail on it) and the matching violations show as a todo here.
 */
const KNOWN_IN_PROGRESS: { policy: string; type: string; owner: string; why: string }[] = [
  // Empty: the Orchestrator's Container Apps got their diagnostic settings (was: diagnostics-on-supported-resources).
];
const isKnown = (v: { policy: string; type?: string }) => KNOWN_IN_PROGRESS.some((k) => k.policy === v.policy && k.type === v.type);

describe("mandatory policies pass on every stack's captured graph", () => {
  for (const stack of listStacks()) {
    it(`${stack}: no mandatory violation`, async () => {
      const graph = await stackGraph(stack);
      const environment = String(graph.outputs["environment"]);
      const found = await runPoliciesOnGraph(graph, { config: packConfig(environment) });
      const mandatory = found.filter((v) => v.level === "mandatory" && !isKnown(v));
      assert.deepEqual(
        mandatory.map((v) => `${v.policy}: ${v.type} ${v.name}: ${v.message}`),
        [],
        `mandatory violations in ${stack}`,
      );
    });

    it(`${stack}: known in-progress violations of other components (see KNOWN_IN_PROGRESS)`, async (t) => {
      const graph = await stackGraph(stack);
      const found = (await runPoliciesOnGraph(graph, { config: packConfig(String(graph.outputs["environment"])) })).filter(isKnown);
      if (found.length) t.todo(found.map((v) => `${v.policy}: ${v.name}`).join("; "));
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
