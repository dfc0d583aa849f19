import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { allGraphs, ofType } from "../../support/graphs";

describe("Data Factory managed VNet (a generic resource: azure-native has no typed one)", () => {
  it("ignores its read-only properties and is never deleted on its own (the API has no DELETE)", async () => {
    for (const graph of await allGraphs()) {
      const vnets = ofType(graph, "azure-native:resources:Resource").filter((r) => r.inputs["resourceType"] === "managedVirtualNetworks");
      assert.equal(vnets.length, 1, graph.stack);
      assert.deepEqual(vnets[0]!.ignoreChanges, ["properties"], graph.stack);
      assert.equal(vnets[0]!.retainOnDelete, true, graph.stack);
      assert.equal(vnets[0]!.inputs["resourceName"], "default", "the name the integration runtime references");
    }
  });
});
