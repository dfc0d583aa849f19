import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { PREFECT_DESIRED_STATE_ENV, type PrefectDesiredState } from "../../contracts/prefect-config";
import { PREFECT_CONTRACT } from "../../components/prefect/desired-state";
import type { Graph, GraphResource } from "../../tools/graph";
import { prefectConfiguration } from "../../tools/plan/prefect-config";
import { allGraphs, ofType } from "../support/graphs";
import { threeDomainGraph } from "./data-domains/fixture";

/**
 * The Prefect configuration each stack applies (issue 11 points 4-5, issue 12 point 6), on the real stacks and the
 * 3-domain stack: every domain's worker applies its pool with the domain's limit and every standard flow deployed to it.
 */
type Props = Record<string, unknown>;

function workerApps(graph: Graph): GraphResource[] {
  const workers = new Set(ofType(graph, "dataplatform:orchestrator:DomainWorker").map((w) => w.urn));
  return ofType(graph, "azure-native:app:ContainerApp").filter((a) => a.parent && workers.has(a.parent));
}

function appliedState(app: GraphResource): PrefectDesiredState {
  const init = ((app.inputs["template"] as Props)["initContainers"] as Props[])[0]!;
  const variable = (init["env"] as Props[]).find((e) => e["name"] === PREFECT_DESIRED_STATE_ENV)!;
  return JSON.parse(String(variable["value"])) as PrefectDesiredState;
}

const FLOWS = PREFECT_CONTRACT.flows.map((f) => f.name).sort();

describe("the Prefect configuration the stacks apply", () => {
  let stacks: Graph[];
  let three: Graph;
  beforeAll(async () => {
    [stacks, three] = await Promise.all([allGraphs(), threeDomainGraph()]);
  });

  it("dev, test and prod: one worker (the default domain `platform`) whose pool carries every standard flow", () => {
    for (const graph of stacks) {
      const apps = workerApps(graph);
      assert.equal(apps.length, 1, `${graph.stack}: one domain worker`);
      const state = appliedState(apps[0]!);
      assert.deepEqual(state.workPools.map((p) => [p.name, p.concurrencyLimit]), [["platform", 4]], graph.stack);
      assert.deepEqual(state.deployments.map((d) => d.flow).sort(), FLOWS, graph.stack);
      assert.ok(state.deployments.every((d) => d.workPool === "platform" && d.tags.includes(`env:${graph.stack}`)), graph.stack);
      assert.ok(prefectConfiguration(graph).some((l) => l.startsWith("| backup-on-demand/platform | platform |")), `${graph.stack}: the plan lists the deployments`);
    }
  });

  it("3 domains + the default: each worker applies its own pool (its limit), its own deployments and nothing of another domain", () => {
    const apps = workerApps(three);
    const byDomain = new Map(apps.map((a) => [appliedState(a).workPools[0]!.name, appliedState(a)]));
    assert.deepEqual([...byDomain.keys()].sort(), ["finance", "marketing", "platform", "sales"]);
    // test/stacks/data-domains/Pulumi.dev.yaml: sales 8, finance 2, marketing and platform the default 4.
    assert.deepEqual(
      [...byDomain].map(([domain, s]) => [domain, s.workPools.map((p) => p.concurrencyLimit)]).sort(),
      [["finance", [2]], ["marketing", [4]], ["platform", [4]], ["sales", [8]]],
    );
    for (const [domain, state] of byDomain) {
      assert.equal(state.workPools.length, 1, `${domain}: only its own pool`);
      assert.deepEqual(state.deployments.map((d) => `${d.flow}/${d.name}@${d.workPool}`).sort(), FLOWS.map((f) => `${f}/${domain}@${domain}`).sort());
      const foreign = state.variables.filter((v) => /^dataplatform_domain_/.test(v.name) && !v.name.startsWith(`dataplatform_domain_${domain}_`));
      assert.deepEqual(foreign, [], `${domain} writes no other domain's variables`);
      assert.deepEqual(state.globalConcurrencyLimits.map((g) => g.name).sort(), ["adf-pipeline-runs", "backup-on-demand"]);
    }
    // Each domain's Synapse endpoint is the workspace it uses: finance its own, the others the environment's.
    const endpoint = (d: string) => byDomain.get(d)!.variables.find((v) => v.name === `dataplatform_domain_${d}_synapse_endpoint`)!.value;
    assert.notEqual(endpoint("finance"), endpoint("platform"));
    assert.equal(endpoint("sales"), endpoint("platform"));
    const deployments = prefectConfiguration(three).filter((l) => /^\| (adf-pipeline-run|synapse-pipeline-run|backup-on-demand)\//.test(l));
    assert.equal(deployments.length, 4 * FLOWS.length, "the plan lists every flow in every domain's pool");
  });
});
