import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { keyRotationPolicy, rotationPolicyDrift } from "../../../components/keyvault";

describe("rotation policy drift (ARM never updates an existing key, so a changed policy is reported, not planned)", () => {
  const wanted = keyRotationPolicy({ expiryDays: 120, rotateBeforeExpiryDays: 30, notifyBeforeExpiryDays: 10 });

  it("sees no drift in what Key Vault reports back for the same policy: capitalised actions, any order, timestamps", () => {
    const reported = {
      attributes: { expiryTime: "P120D", created: 1, updated: 2 },
      lifetimeActions: [
        { trigger: { timeBeforeExpiry: "P10D" }, action: { type: "Notify" } },
        { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Rotate" } },
      ],
    };
    assert.equal(rotationPolicyDrift(wanted, reported), undefined);
    assert.equal(rotationPolicyDrift(wanted, undefined), undefined, "nothing reported (preview): nothing to say");
  });

  it("names both policies when they differ", () => {
    const old = keyRotationPolicy({ expiryDays: 90, rotateBeforeExpiryDays: 30, notifyBeforeExpiryDays: 10 });
    assert.deepEqual(rotationPolicyDrift(wanted, old), {
      wanted: "expiry P120D, notify P10D before expiry, rotate P30D before expiry",
      actual: "expiry P90D, notify P10D before expiry, rotate P30D before expiry",
    });
  });
});
