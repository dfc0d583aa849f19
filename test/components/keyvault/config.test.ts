import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { resolvePlatformConfig } from "../../../stacks/config";
import { readStackConfig } from "../../../tools/graph";

describe("Key Vault config", () => {
  it("rejects key lifetimes Azure would refuse or that make the notice fire before the rotation", () => {
    const base = readStackConfig("dev");
    const withKeys = (keyVault: object) => ({ ...base, "dataplatform:keyVault": JSON.stringify(keyVault) });
    assert.throws(() => resolvePlatformConfig("dataplatform", "dev", withKeys({ keyExpiryDays: 20 })), /keyVault\.keyExpiryDays|28/);
    assert.throws(() => resolvePlatformConfig("dataplatform", "dev", withKeys({ keyNotifyBeforeExpiryDays: 30 })), /below rotateBeforeExpiryDays/);
    assert.throws(() => resolvePlatformConfig("dataplatform", "dev", withKeys({ keyExpiryDays: 35, keyRotateBeforeExpiryDays: 30 })), /at least 7 days after/);
    const ok = resolvePlatformConfig("dataplatform", "dev", withKeys({ keyExpiryDays: 60, keyRotateBeforeExpiryDays: 30, keyNotifyBeforeExpiryDays: 10 }));
    assert.deepEqual(ok.keyVault, { sku: "standard", keyExpiryDays: 60, keyRotateBeforeExpiryDays: 30, keyNotifyBeforeExpiryDays: 10 });
  });
});
