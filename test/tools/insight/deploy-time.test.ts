import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { DEPLOY_TIMES, ORDERING_NEEDS } from "../../../contracts/deploy-times";
import { listStacks, stackGraph } from "../../../tools/graph";
import {
  criticalPath,
  deployTimeSection,
  edges,
  isLogicalType,
  missingTypes,
  operationSeconds,
  orderingFinding,
  parseGoDuration,
  simulate,
  updateEstimate,
} from "../../../tools/insight/deploy-time";
import { graphOf } from "./fixtures";

const names = (chain: { name: string }[]) => chain.map((s) => s.name);

describe("deploy-time estimator on synthetic graphs with known answers", () => {
  it("a chain takes the sum of its steps; the chain is printed in order with start/finish", () => {
    const g = graphOf([{ name: "a", seconds: 10 }, { name: "b", seconds: 20, data: ["a"] }, { name: "c", seconds: 30, data: ["b"] }]);
    const path = criticalPath(g);
    assert.equal(path.total, 60);
    assert.deepEqual(names(path.chain), ["a", "b", "c"]);
    assert.deepEqual(path.chain.map((s) => s.finish), [10, 30, 60]);
    assert.equal(simulate(g, 8), 60);
  });

  it("a diamond takes its longer branch", () => {
    const g = graphOf([
      { name: "a", seconds: 10 },
      { name: "b", seconds: 20, data: ["a"] },
      { name: "c", seconds: 50, data: ["a"] },
      { name: "d", seconds: 5, data: ["b", "c"] },
    ]);
    const path = criticalPath(g);
    assert.equal(path.total, 65);
    assert.deepEqual(names(path.chain), ["a", "c", "d"]);
  });

  it("independent resources run in parallel; --parallel bounds them (list scheduling in registration order)", () => {
    const g = graphOf([{ name: "a", seconds: 10 }, { name: "b", seconds: 20 }, { name: "c", seconds: 30 }]);
    assert.equal(criticalPath(g).total, 30);
    assert.equal(simulate(g, 8), 30);
    assert.equal(simulate(g, 1), 60);
    // a and b start; a ends at 10 and c starts, ending at 40.
    assert.equal(simulate(g, 2), 40);
    assert.throws(() => simulate(g, 0), /--parallel must be a positive integer/);
  });

  it("an explicit dependsOn orders like data, but the lower bound counts data edges only", () => {
    const g = graphOf([{ name: "slow", seconds: 100 }, { name: "feed", seconds: 20 }, { name: "x", seconds: 10, data: ["feed"], explicit: ["slow"] }]);
    assert.deepEqual(
      edges(g).map((e) => `${e.kind}:${e.from.split("::").pop()}>${e.to.split("::").pop()}`).sort(),
      ["data:feed>x", "explicit:slow>x"],
    );
    assert.equal(criticalPath(g).total, 110);
    // Without the explicit edge, x finishes at 30 and the slow resource alone bounds the run.
    assert.equal(criticalPath(g, { edges: "data" }).total, 100);
    const finding = orderingFinding(g);
    // Sleep ← Sleep is no documented need: the explicit edge is unjustified, and it is on the critical path.
    assert.equal(finding.justified.total, 100);
    assert.ok(finding.all.total > finding.justified.total);
    assert.deepEqual(finding.unjustified.map((u) => u.onCriticalPath), [true]);
    assert.match(deployTimeSection(g).join("\n"), /⚠️ Explicit `dependsOn` with no documented need lengthens the critical path by 10s: time:Sleep x ← time:Sleep slow/);
  });

  it("a documented ordering need (a Container App after RBAC propagation) is justified", () => {
    const g = graphOf([
      { name: "propagation", seconds: 600 },
      { name: "app", type: "azure-native:app:ContainerApp", explicit: ["propagation"] },
    ]);
    const finding = orderingFinding(g);
    assert.equal(finding.all.total, 600 + DEPLOY_TIMES["azure-native:app:ContainerApp"]!.create);
    assert.equal(finding.justified.total, finding.all.total);
    assert.equal(finding.dataOnly.total, 600);
    assert.deepEqual(finding.unjustified, []);
  });

  it("a child of a custom resource waits for its parent; a component parent costs nothing", () => {
    const g = graphOf([
      { name: "comp", type: "p:index:Component", custom: false },
      { name: "parent", seconds: 40, parent: "comp" },
      { name: "child", seconds: 5, parent: "parent" },
    ]);
    assert.equal(criticalPath(g).total, 45);
    assert.equal(criticalPath(g, { edges: "data" }).total, 45);
  });

  it("time.Sleep takes its createDuration; a Go duration is parsed or refused with the reason", () => {
    assert.equal(parseGoDuration("10m"), 600);
    assert.equal(parseGoDuration("1h5m30s"), 3930);
    assert.equal(parseGoDuration("250ms"), 0.25);
    assert.throws(() => parseGoDuration("10 minutes"), /not a duration: "10 minutes"/);
    assert.throws(() => parseGoDuration(""), /not a duration/);
  });

  it("a type with no entry is named, in the plan and by the estimator", () => {
    const g = graphOf([{ name: "x", type: "azure-native:made:Up" }]);
    assert.deepEqual(missingTypes(g), ["azure-native:made:Up"]);
    assert.throws(() => operationSeconds(g.resources[0]!, "create"), /no deploy time for azure-native:made:Up \(x\): add it to contracts\/deploy-times\.ts/);
    assert.match(deployTimeSection(g).join("\n"), /No estimate: no deploy time for azure-native:made:Up/);
  });

  it("an update costs only what changes: creates and updates along the graph, then deletes", () => {
    const base = graphOf([
      { name: "a", seconds: 100 },
      { name: "b", type: "azure-native:storage:StorageAccount", data: ["a"], inputs: { sku: "LRS" } },
      { name: "gone", type: "azure-native:network:PrivateEndpoint" },
    ]);
    const head = graphOf([
      { name: "a", seconds: 100 },
      { name: "b", type: "azure-native:storage:StorageAccount", data: ["a"], inputs: { sku: "ZRS" } },
      { name: "new", type: "azure-native:keyvault:Vault", data: ["b"] },
    ]);
    const update = updateEstimate(base, head);
    assert.deepEqual(update.counts, { create: 1, update: 1, delete: 1, same: 1 });
    const t = (type: string) => DEPLOY_TIMES[type]!;
    // a is unchanged (its Sleep does not wait again), b is updated, new is created after it; gone is deleted last.
    assert.equal(update.apply.total, t("azure-native:storage:StorageAccount").update + t("azure-native:keyvault:Vault").create);
    assert.deepEqual(names(update.apply.chain), ["b", "new"]);
    assert.equal(update.deletes.total, t("azure-native:network:PrivateEndpoint").delete);
    assert.equal(update.total, update.apply.total + update.deletes.total);
    // No change at all: nothing to wait for.
    assert.equal(updateEstimate(head, head).total, 0);
  });
});

describe("deploy-time estimate of the real stacks", () => {
  for (const stack of listStacks()) {
    it(`${stack}: every type has a deploy time, and the estimate is present and sane`, async () => {
      const graph = await stackGraph(stack);
      assert.deepEqual(missingTypes(graph), [], "types with no entry in contracts/deploy-times.ts");
      const path = criticalPath(graph);
      const last = path.chain[path.chain.length - 1]!;
      const resource = graph.resources.find((r) => r.urn === last.urn);
      assert.ok(resource?.custom, `the critical path ends at a real resource of the graph, not ${last.urn}`);
      const times = graph.resources.map((r) => operationSeconds(r, "create"));
      assert.ok(path.total >= Math.max(...times), "at least the longest single resource");
      assert.ok(path.total < times.reduce((a, b) => a + b, 0), "less than everything one after the other");
      assert.equal(path.chain.reduce((sum, s) => sum + s.seconds, 0), path.total, "the chain's steps add up to the total");
      const bounded = simulate(graph, 8);
      assert.ok(bounded >= path.total && bounded <= times.reduce((a, b) => a + b, 0));
      const section = deployTimeSection(graph).join("\n");
      assert.match(section, /Fresh `pulumi up`: \*\*\d+m \d\ds\*\*/);
      assert.ok(section.includes(last.name));
    });

    it(`${stack}: no explicit dependsOn lengthens the critical path beyond data dependencies plus documented needs`, async () => {
      const finding = orderingFinding(await stackGraph(stack));
      assert.ok(finding.dataOnly.total <= finding.justified.total);
      const culprits = finding.unjustified.filter((u) => u.onCriticalPath).map((u) => `${u.dependent} ← ${u.dependency}`);
      assert.equal(finding.all.total, finding.justified.total, `undocumented orderings lengthen the critical path: ${culprits.join("; ")}`);
    });
  }

  it("prod's zone-redundant Postgres (a standby in another zone) makes prod's fresh deploy longer than dev's", async () => {
    const [dev, prod] = await Promise.all([stackGraph("dev"), stackGraph("prod")]);
    const server = (g: typeof dev) => g.resources.find((r) => r.type === "azure-native:dbforpostgresql:Server")!;
    assert.ok(operationSeconds(server(prod), "create") > operationSeconds(server(dev), "create"));
    assert.ok(criticalPath(prod).total > criticalPath(dev).total);
  });

  it("the table covers only what it should: Pulumi type tokens, non-negative seconds, a source for each", () => {
    for (const [type, entry] of Object.entries(DEPLOY_TIMES)) {
      assert.match(type, /^[a-z-]+:[A-Za-z/]+:[A-Za-z]+$/, type);
      assert.ok(!isLogicalType(type, true), type);
      for (const op of ["create", "update", "delete"] as const) assert.ok(entry[op] >= 0, `${type} ${op}`);
      assert.ok(entry.source.length > 10, `${type} has no source`);
      if (entry.upperBound) assert.ok(entry.upperBound.create >= entry.create, `${type}: its upper bound is below its typical time`);
    }
    for (const need of ORDERING_NEEDS) {
      assert.ok(DEPLOY_TIMES[need.dependent] && DEPLOY_TIMES[need.dependency], `${need.dependent} ← ${need.dependency}: unknown type`);
      assert.ok(need.reason && need.source);
    }
  });
});
