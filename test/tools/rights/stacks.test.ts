import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { type Graph, stackGraph } from "../../../tools/graph";
import { missing, stackRights } from "../../../tools/rights";
import { rightsJson, rightsSection } from "../../../tools/rights/report";
import { BOOTSTRAP_PROJECT, BOOTSTRAP_STACK } from "../../../tools/plan/deploy-rights";
import { graphOf, STACKS } from "../../support/graphs";

let bootstrap: Graph;
beforeAll(async () => {
  bootstrap = await stackGraph(BOOTSTRAP_STACK, { project: BOOTSTRAP_PROJECT });
});

describe.each(STACKS)("deploy rights of the real stack %s (Pulumi.<stack>.yaml)", (stack) => {
  it("runs for plan, deploy and the admin, models every operation, and prints a section per identity", async () => {
    const rights = stackRights(await graphOf(stack), bootstrap);
    assert.deepEqual(rights.map((r) => r.identity.role), ["plan", "deploy", "admin"]);
    const unmodelled = rights.flatMap((r) => r.verdicts).filter((v) => v.requirement.call.plane === "missing-model");
    assert.deepEqual(unmodelled.map((v) => v.reason), [], "every type and invoke in the graph has an entry in contracts/deploy-rights/operations.ts");
    const text = rightsSection(rights).join("\n");
    for (const who of [`plan-${stack}`, `deploy-${stack}`, "admin"]) assert.match(text, new RegExp(`^${who} — .*: \\d+ operations, \\d+ granted, \\d+ missing$`, "m"));
    assert.equal(text.split("\n").filter((l) => l.startsWith("- MISSING")).length, missing(rights).length, "every missing right is printed");
    const json = rightsJson(rights);
    assert.deepEqual(json.map((j) => j.identity), [`plan-${stack}`, `deploy-${stack}`, "admin"]);
    assert.equal(json.flatMap((j) => j.missing).length, missing(rights).length, "--rights-json lists the same missing rights");
  });

  it("the admin's bootstrap run needs nothing the admin is not expected to hold", async () => {
    const [, , admin] = stackRights(await graphOf(stack), bootstrap);
    assert.deepEqual(admin!.verdicts.filter((v) => !v.granted).map((v) => v.reason), []);
  });

  it("CI reaches and opens its own state: plan reads, deploy reads and writes, both decrypt", async () => {
    const rights = stackRights(await graphOf(stack), bootstrap);
    const state = rights.flatMap((r) => r.verdicts).filter((v) => v.requirement.operation === "state");
    assert.ok(state.length >= 6);
    assert.deepEqual(state.filter((v) => !v.granted).map((v) => v.reason), []);
  });

  it("passes: plan-<env> and deploy-<env> hold every right their runs need, and reach every plane they call", async () => {
    const rights = stackRights(await graphOf(stack), bootstrap);
    for (const identity of rights) {
      assert.deepEqual(identity.verdicts.filter((v) => !v.granted).map((v) => v.reason), [], `${identity.identity.role}-${stack}`);
    }
    assert.equal(missing(rights).length, 0);
  });
});
