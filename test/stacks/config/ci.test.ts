import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { resolvePlatformConfig } from "../../../stacks/config";
import { readStackConfig } from "../../../tools/graph";

/** `dataplatform:ci` (the CI principals bootstrap created) is required, holds GUIDs, and names two different principals. */
function problemsWith(change: (config: Record<string, string>) => void): string {
  const config = readStackConfig("dev");
  change(config);
  try {
    resolvePlatformConfig("dataplatform", "dev", config);
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}

describe("dataplatform:ci", () => {
  it("is read from every stack file", () => {
    for (const stack of ["dev", "test", "prod"]) {
      const { ci } = resolvePlatformConfig("dataplatform", stack, readStackConfig(stack));
      assert.match(ci.deployPrincipalId, /^[0-9a-f-]{36}$/);
      assert.notEqual(ci.deployPrincipalId, ci.planPrincipalId);
    }
  });

  it("is required", () => {
    assert.match(problemsWith((c) => delete c["dataplatform:ci"]), /dataplatform:ci: is required/);
  });

  it("holds object IDs (GUIDs), named key by key", () => {
    const message = problemsWith((c) => (c["dataplatform:ci"] = JSON.stringify({ deployPrincipalId: "deploy-dev", planPrincipalId: "5c2e8a41-7b3d-4e6f-9a12-0c4d6e8f2d02" })));
    assert.match(message, /dataplatform:ci\.deployPrincipalId: "deploy-dev" is not a GUID/);
  });

  it("names two different service principals", () => {
    const id = "5c2e8a41-7b3d-4e6f-9a12-0c4d6e8f2d01";
    const message = problemsWith((c) => (c["dataplatform:ci"] = JSON.stringify({ deployPrincipalId: id, planPrincipalId: id.toUpperCase() })));
    assert.match(message, /dataplatform:ci\.planPrincipalId: is the deploy identity's object ID/);
  });
});
