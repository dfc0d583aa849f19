import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { parseResourceId } from "../../../lib/resource-id";
import { MOCK_SUBSCRIPTION_ID, mockResourceId, mockState } from "../../../tools/graph/mock-state";

const RG = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-dp-dev`;

describe("the mocks' ARM IDs", () => {
  it("a top-level resource: <rg>/providers/<Namespace>/<type>/<name>", () => {
    assert.equal(mockResourceId("azure-native:keyvault:Vault", "kv", { resourceGroupName: "rg-dp-dev", vaultName: "kv-dp-dev" }), `${RG}/providers/Microsoft.KeyVault/vaults/kv-dp-dev`);
  });

  it("a child with a fixed name between its types: the container under blobServices/default", () => {
    const id = mockResourceId("azure-native:storage:BlobContainer", "raw", { resourceGroupName: "rg-dp-dev", accountName: "stdpdev", containerName: "raw" });
    assert.equal(id, `${RG}/providers/Microsoft.Storage/storageAccounts/stdpdev/blobServices/default/containers/raw`);
    assert.equal(parseResourceId(id).type, "Microsoft.Storage/storageAccounts/blobServices/containers");
  });

  it("an extension resource hangs off its scope", () => {
    const scope = `${RG}/providers/Microsoft.KeyVault/vaults/kv-dp-dev`;
    const id = mockResourceId("azure-native:authorization:RoleAssignment", "ra", { scope, roleAssignmentName: "0000-ra" });
    assert.equal(id, `${scope}/providers/Microsoft.Authorization/roleAssignments/0000-ra`);
  });

  it("time resources give unix seconds of their RFC 3339 time", () => {
    const { state } = mockState("time:index/offset:Offset", "expiry", { offsetDays: 1 });
    assert.equal(state["rfc3339"], "2026-01-02T00:00:00Z");
    assert.equal(state["unix"], Date.UTC(2026, 0, 2) / 1000);
  });

  it("a rotation is based on its rfc3339 input when set (a slot half a period after another), else on the mocks' now", () => {
    const based = mockState("time:index/rotating:Rotating", "b", { rotationDays: 90, rfc3339: "2026-02-15T00:00:00Z" }).state;
    assert.deepEqual([based["rfc3339"], based["rotationRfc3339"]], ["2026-02-15T00:00:00Z", "2026-05-16T00:00:00Z"]);
    const now = mockState("time:index/rotating:Rotating", "a", { rotationDays: 90 }).state;
    assert.deepEqual([now["rfc3339"], now["rotationRfc3339"]], ["2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z"]);
  });
});
