import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { azureState, evaluateStack, readStackConfig, refreshDiffs, stackGraph, type Graph, type GraphResource } from "../../../tools/graph";
import { AZURE_READ_MODELS } from "../../../tools/graph/azure-read-models";
import { inputDiff, projectToInputs, refreshedInputs } from "../../../tools/graph/round-trip";
import { graphResource } from "../../support/graph-resource";
import { STACKS } from "../../support/graphs";

const resource = (over: Partial<GraphResource>): GraphResource => graphResource({ urn: "urn:x", type: "azure-native:x:Y", name: "y", ...over });

/** The refresh model itself, on cases whose answer follows from azure-native's Read and Diff (round-trip.ts). */
describe("refresh model", () => {
  it("keeps only the input shape of typed outputs, but whole subtrees of an untyped property", () => {
    assert.deepEqual(projectToInputs("azure-native:x:Y", { a: { b: 1 } }, { a: { b: 2, readOnly: 3 }, id: "x" }), { a: { b: 2 } });
    assert.deepEqual(projectToInputs("azure-native:resources:Resource", { properties: {} }, { properties: { vNetId: "v" } }), { properties: { vNetId: "v" } });
  });

  it("copies into the inputs only what changed in Azure since the last write", () => {
    const r = resource({ inputs: { a: 1, b: { c: 1 } }, outputs: { a: 1, b: { c: 1 } } });
    assert.deepEqual(refreshedInputs(r, r.outputs, { a: 1, b: { c: 2 } }), { a: 1, b: { c: 2 } });
    assert.deepEqual(refreshedInputs(r, r.outputs, r.outputs), r.inputs, "nothing changed, nothing copied");
  });

  it("diffs input against input, puts ignored paths back, and compares location without case or spaces", () => {
    assert.deepEqual(inputDiff({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } }), ["b.c"]);
    assert.deepEqual(inputDiff({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } }, ["b"]), []);
    assert.deepEqual(inputDiff({ location: "West Europe" }, { location: "westeurope" }), []);
    assert.deepEqual(inputDiff({ xs: [1, 2] }, { xs: [1] }), ["xs[1]"]);
  });
});

/** Issue 9 j: refresh, then up, on a stack nobody changed, must plan nothing. */
describe("refresh round trip of the real stacks", () => {
  for (const stack of STACKS) {
    it(`${stack}: evaluate, answer refresh with what Azure returns, evaluate again: no resource diffs`, async () => {
      const first = await stackGraph(stack);
      const second = await stackGraph(stack, { state: azureState(first, AZURE_READ_MODELS) });
      const modelled = first.resources.filter((r) => r.custom && r.type in AZURE_READ_MODELS);
      assert.ok(modelled.some((r) => r.type === "azure-native:keyvault:Key"), "the key's rotation is exercised");
      assert.ok(modelled.some((r) => r.inputs["resourceType"] === "managedVirtualNetworks"), "the managed VNet is exercised");
      assert.deepEqual(refreshDiffs(first, second, AZURE_READ_MODELS), []);
    }, 300_000);
  }
});

describe("a changed key rotation policy", () => {
  it("plans no no-op update on the key and warns that ARM cannot apply it, naming the key and the data-plane command", async () => {
    const stack = "dev";
    const first = await stackGraph(stack);
    const config = readStackConfig(stack);
    const keyVault = JSON.parse(config["dataplatform:keyVault"] ?? "{}") as Record<string, unknown>;
    config["dataplatform:keyVault"] = JSON.stringify({ ...keyVault, keyExpiryDays: 100 });
    const result = await evaluateStack(stack, { config, state: azureState(first, AZURE_READ_MODELS) });
    assert.ok(result.ok, result.ok ? "" : result.failure.error);
    const second: Graph = result.graph;
    const keyDiffs = refreshDiffs(first, second, AZURE_READ_MODELS).filter((d) => d.type === "azure-native:keyvault:Key");
    assert.deepEqual(keyDiffs, [], "a PUT on an existing key writes nothing (Keys_CreateIfNotExist)");
    const warning = (second.warnings ?? []).find((w) => w.includes("platform-cmk"));
    assert.ok(warning, `warned: ${JSON.stringify(second.warnings)}`);
    assert.match(warning, /rotation policy in Azure \(expiry P\d+D.*\) is not the configured one \(expiry P100D/);
    assert.match(warning, /az keyvault key rotation-policy update/);
    assert.equal((first.warnings ?? []).filter((w) => w.includes("platform-cmk")).length, 0, "no warning while they agree");
  }, 300_000);
});
