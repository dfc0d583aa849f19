import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { evaluateStack } from "../../../tools/graph";
import { unwrap } from "../../../tools/graph/secrets";

describe("the graph harness", () => {
  it("fails the evaluation when an unmocked invoke would silently drop a resource", async () => {
    const result = await evaluateStack("dev", {
      config: {},
      fresh: true,
      project: { dir: ".", main: "test/tools/graph/unmocked-invoke-fixture.ts" },
    });
    assert.equal(result.ok, false, "an evaluation that lost a resource reported success");
    if (result.ok) return;
    assert.match(result.failure.error, /unmocked invoke dataplatform:test:getUnmocked/);
    assert.deepEqual(
      result.failure.resources.filter((r) => r.custom).map((r) => r.name),
      ["rg"],
      "the resource fed by the failed invoke is not in the graph",
    );
  });

  it("unwraps secrets and resource references and lists the secret paths", () => {
    const sig = "4dabf18193072939515e22adb298388d";
    const { value, secretPaths } = unwrap({
      plain: "a",
      nested: { password: { [sig]: "1b47061264138c4ac30d75fd1eb44270", value: "s3cret" } },
      list: [{ [sig]: "1b47061264138c4ac30d75fd1eb44270", value: { inner: 1 } }],
      ref: { [sig]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:x", id: "id-1" },
    });
    assert.deepEqual(value, {
      plain: "a",
      nested: { password: "s3cret" },
      list: [{ inner: 1 }],
      ref: { resourceUrn: "urn:x", id: "id-1" },
    });
    assert.deepEqual(secretPaths, ["nested.password", "list[0]"]);
  });
});
